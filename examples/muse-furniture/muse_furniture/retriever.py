"""`room-bm25` retriever: BM25 (DuckDB full-text search, the index `muse ingest` builds) over the
configured domain's products only, with a boost for pieces made for a room the query names
("a rug for the nursery"). A tiny example of a retriever plugin (see docs/domain-plugins.md).

Built-in retrievers rank every product of the database; this one keeps a database that holds
several domains from offering a shopper a fashion item for their living room.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection

from muse_core.api import Hit, MuseConfig, Store, fts_exists, hits_from_scores

from muse_furniture.catalog import ROOMS

BOOST = 0.5  # a product made for a room the query names scores 1.5 times its BM25 score
# what a shopper calls each room of the catalog
ROOM_WORDS: dict[str, list[str]] = {
    "Living Room": ["living room", "lounge", "sitting room"],
    "Bedroom": ["bedroom", "guest room", "spare room"],
    "Dining Room": ["dining room", "dining area"],
    "Home Office": ["home office", "study"],
    "Nursery": ["nursery", "baby's room", "baby room"],
    "Hallway": ["hallway", "entrance", "hall"],
}
assert set(ROOM_WORDS) == set(ROOMS)


def rooms_named(query: str) -> set[str]:
    lowered = query.lower()
    return {room for room, words in ROOM_WORDS.items()
            if any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", lowered) for w in words)}


class RoomBM25:
    name = "room-bm25"
    description = "BM25 over the configured domain's products, boosting pieces for a room the query names"

    def __init__(self, store: Store, config: MuseConfig) -> None:
        if not fts_exists(store):
            raise RuntimeError(f"{store.path} has no full-text index yet: run `muse ingest` (it indexes) first")
        self.store = store
        has_domain = store.scalar("SELECT count(*) FROM products WHERE domain = ?", [config.domain])
        self.domain = config.domain if has_domain else None  # a store without that domain: search everything

    def search(self, query: str, k: int, exclude: Collection[str] = ()) -> list[Hit]:
        rows = self.store.con.execute(
            "SELECT product_id, score, details FROM ("
            "  SELECT d.product_id, fts_main_product_docs.match_bm25(d.product_id, ?) AS score, p.details"
            "  FROM product_docs d JOIN products p USING (product_id)"
            "  WHERE (? IS NULL OR p.domain = ?)"
            ") WHERE score IS NOT NULL AND NOT list_contains(?::VARCHAR[], product_id)",
            [query, self.domain, self.domain, list(exclude)],
        ).fetchall()
        wanted = rooms_named(query)
        scored = []
        for product_id, score, details in rows:
            room = json.loads(details or "{}").get("Room")
            scored.append((score * (1 + BOOST) if room in wanted else score, product_id))
        best = sorted(scored, key=lambda s: (-s[0], s[1]))[:k]
        return hits_from_scores([pid for _, pid in best], [score for score, _ in best])
