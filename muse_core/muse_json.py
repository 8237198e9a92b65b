"""Export in the MUSE authors' JSON format, so existing MUSE readers load our conversations:
a list of {Persona, Scenario, Target_item, Mentioned_items, Conversations}, each conversation
turn {"Assistant"|"User": text, "Action", "Mentioned_item", "Image"}. "Image" lists the
product ids whose main photo the turn shows (the photos are in `product_images`). We add
Conversation_id for lineage. Items are the listings each conversation was made from (view
conversation_products), not what a later re-ingest put in `products`. Output is deterministic:
same store content, same bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from muse_core.personas import Persona
from muse_core.store import Store

ACTIONS = {"greet": "greeting", "open": "open", "ask": "ask", "needs": "needs", "recommend": "recommend",
           "chitchat": "chit-chat", "reject": "reject", "accept": "accept"}


def _item(row: dict[str, Any]) -> dict[str, Any]:
    return {"item_id": row["product_id"], "title": row["title"], "price": row["price"],
            "categories": list(row["categories"] or []), "summary": row["summary"]}


def muse_json(store: Store, include_dropped: bool = False) -> list[dict[str, Any]]:
    """Every reviewed conversation the reviewer kept (or all finished ones), ordered by set and k."""
    products = {(r["conversation_id"], r["product_id"]): r for r in store.rows(
        "SELECT conversation_id, product_id, title, price, categories, summary FROM conversation_products")}
    conversations = store.rows(
        "SELECT c.conversation_id, c.target_product_id, p.backstory, u.name, u.gender, u.age, u.profession"
        " FROM conversations c JOIN profiles p USING (profile_id) JOIN users u ON u.user_id = p.user_id"
        " LEFT JOIN reviews v USING (conversation_id)"
        f" WHERE {'TRUE' if include_dropped else 'coalesce(v.kept, FALSE)'} ORDER BY c.conversation_set, c.k")
    turns: dict[str, list[dict[str, Any]]] = {}
    for t in store.rows("SELECT conversation_id, role, action, text, product_ids, image_product_ids FROM turns"
                        " ORDER BY conversation_id, idx"):
        turns.setdefault(t["conversation_id"], []).append(t)
    out = []
    for c in conversations:
        said = turns[c["conversation_id"]]
        mentioned = list(dict.fromkeys(pid for t in said for pid in t["product_ids"]))
        persona = Persona.of_user(c).describe()
        out.append({
            "Conversation_id": c["conversation_id"],
            "Persona": persona,
            "Scenario": c["backstory"],
            "Target_item": _item(products[c["conversation_id"], c["target_product_id"]]),
            "Mentioned_items": [_item(products[c["conversation_id"], pid]) for pid in mentioned],
            "Conversations": [{("User" if t["role"] == "user" else "Assistant"): t["text"],
                               "Action": ACTIONS.get(t["action"], t["action"]),
                               "Mentioned_item": list(t["product_ids"]),
                               "Image": list(t["image_product_ids"]) or None} for t in said],
        })
    return out


def write_muse_json(store: Store, path: Path, include_dropped: bool = False) -> int:
    data = muse_json(store, include_dropped)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(data)


def export_muse_json(store: Store, path: Path, include_dropped: bool = False,
                     stats: dict[str, Any] | None = None, card: dict[str, str] | None = None) -> int:
    """Write the file and its data card next to it as `<file name>.README.md`."""
    from muse_core.exports import data_card_facts, write_data_card

    path = Path(path)
    n = write_muse_json(store, path, include_dropped)
    write_data_card(path.parent, data_card_facts(store), stats, fmt="muse-json", name=f"{path.name}.README.md",
                    files={path.name: f"{n} conversations"}, card=card)
    return n
