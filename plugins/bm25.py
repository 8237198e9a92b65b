"""`bm25` retriever: DuckDB full-text search (BM25) over product_docs."""

from __future__ import annotations

from collections.abc import Collection

from muse_core.config import MuseConfig
from muse_core.hookspecs import hookimpl
from muse_core.indexing import fts_exists
from muse_core.retrieval import Hit, hits_from_scores
from muse_core.store import Store


class BM25Retriever:
    name = "bm25"
    uses_vectors = False  # whether ingest must embed the catalog for it
    description = "BM25 over product titles and summaries (DuckDB fts)"

    def __init__(self, store: Store, config: MuseConfig) -> None:
        if not fts_exists(store):
            raise RuntimeError(f"{store.path} has no full-text index yet: run `muse ingest` (it indexes) first")
        self.store = store

    def search(self, query: str, k: int, exclude: Collection[str] = ()) -> list[Hit]:
        rows = self.store.con.execute(
            "SELECT product_id, score FROM ("
            "  SELECT product_id, fts_main_product_docs.match_bm25(product_id, ?) AS score FROM product_docs"
            ") WHERE score IS NOT NULL AND NOT list_contains(?::VARCHAR[], product_id)"
            " ORDER BY score DESC, product_id LIMIT ?",
            [query, list(exclude), k],
        ).fetchall()
        return hits_from_scores([r[0] for r in rows], [r[1] for r in rows])


@hookimpl
def muse_retrievers() -> list:
    return [BM25Retriever]
