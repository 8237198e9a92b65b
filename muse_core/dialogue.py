"""A conversation as the agents see it while it is being simulated: turns in speaking order."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from muse_core.store import Store

ROLES = {"assistant": "Assistant", "user": "User"}


@dataclass
class Turn:
    idx: int
    round: int  # 0 for the opening, then the recommendation round
    role: str  # assistant | user
    action: str  # greet | open | ask | needs | recommend | chitchat | reject | accept
    text: str
    cache_key: str
    product_ids: list[str] = field(default_factory=list)
    image_product_ids: list[str] = field(default_factory=list)


@dataclass
class Dialogue:
    turns: list[Turn] = field(default_factory=list)

    def add(self, round: int, role: str, action: str, text: str, cache_key: str, *,
            product_ids: list[str] = (), image_product_ids: list[str] = ()) -> Turn:
        if self.turns and self.turns[-1].role == role:
            raise ValueError(f"two {role} turns in a row (turn {len(self.turns)}, {action})")
        turn = Turn(len(self.turns), round, role, action, text.strip(), cache_key, list(product_ids),
                    list(image_product_ids))
        self.turns.append(turn)
        return turn

    def context(self) -> list[dict[str, str]]:
        """The conversation so far, as skills render it."""
        return [{"speaker": ROLES[t.role], "text": t.text} for t in self.turns]

    def mentioned(self) -> list[str]:
        """Every product id mentioned so far, in order."""
        return list(dict.fromkeys(pid for t in self.turns for pid in t.product_ids))


def product_inputs(row: dict[str, Any]) -> dict[str, Any]:
    """What skills see of a product: id, title, summary, price, categories and summary attributes."""
    attributes = row["attributes"]
    return {"product_id": row["product_id"], "title": row["title"], "summary": row["summary"],
            "price": row["price"], "categories": row["categories"] or [],
            "attributes": json.loads(attributes) if isinstance(attributes, str) else attributes}


def _product(row: dict[str, Any]) -> dict[str, Any]:
    return {**product_inputs(row), "has_image": row["has_image"], "store": row["store"]}


def load_products(store, domain: str) -> dict[str, dict[str, Any]]:
    """Summarised products of a domain by id, with `has_image`: the current catalog, what a new
    conversation is made from."""
    rows = store.rows(
        "SELECT p.product_id, p.title, p.store, p.details, p.price, p.categories, s.summary, s.attributes,"
        " p.image_status = 'ok' AS has_image FROM products p JOIN product_summaries s USING (product_id)"
        " WHERE p.domain = ? ORDER BY p.product_id", [domain])
    if not rows:
        raise ValueError(f"no summarised '{domain}' products: run `muse ingest` first")
    return {row["product_id"]: _product(row) for row in rows}


def conversation_products(store: Store, domain: str,
                          conversation_ids: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """Each conversation's summarised products of a domain as they were when it was made (view
    conversation_products), by conversation id then product id, shaped as load_products shapes
    them: a stage that reads a finished conversation judges it against the listing it was made
    from, even after a re-ingest changed that listing."""
    rows = store.rows(
        "SELECT conversation_id, product_id, title, store, details, price, categories, summary,"
        " summary_attributes AS attributes, has_image FROM conversation_products"
        " WHERE domain = ? AND summary IS NOT NULL AND list_contains(?::VARCHAR[], conversation_id)"
        " ORDER BY conversation_id, product_id", [domain, list(conversation_ids)])
    found: dict[str, dict[str, dict[str, Any]]] = {cid: {} for cid in conversation_ids}
    for row in rows:
        found[row["conversation_id"]][row["product_id"]] = _product(row)
    return found
