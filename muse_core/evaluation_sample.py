"""What the evaluation reads: a seeded sample of kept conversations, and their turns and
mentioned products as the evaluation skills see them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from muse_core.dialogue import ROLES
from muse_core.seeding import derive_seed
from muse_core.store import Store


def seeded_sample(seed: int, ids: Iterable[str], n: int) -> list[str]:
    """Up to n of `ids`, drawn by a seeded hash of each id: stable, and growing by extension (a
    larger n keeps the smaller sample). Muse's conversations and external corpora's dialogues
    are both drawn this way."""
    return sorted(ids, key=lambda i: derive_seed(seed, "evaluation", i))[:n]


def sample_conversations(store: Store, seed: int, n: int) -> list[str]:
    """Up to n conversations the reviewer kept, drawn by `seeded_sample`."""
    kept = [cid for (cid,) in store.con.execute(
        "SELECT conversation_id FROM reviews WHERE kept ORDER BY conversation_id").fetchall()]
    if not kept:
        raise ValueError("no reviewed and kept conversations to evaluate: run `muse conversations` first")
    return seeded_sample(seed, kept, n)


def conversation_turns(store: Store, conversation_id: str) -> list[dict[str, Any]]:
    """The dataset's turns (final texts) in order, each with `speaker` as skills render it."""
    turns = store.rows("SELECT idx, round, role, action, text, product_ids, image_product_ids FROM turns"
                       " WHERE conversation_id = ? ORDER BY idx", [conversation_id])
    return [{**t, "speaker": ROLES[t["role"]]} for t in turns]


def context(turns: list[dict[str, Any]], before: int) -> list[dict[str, str]]:
    """The conversation before turn `before`, as skills render it."""
    return [{"speaker": t["speaker"], "text": t["text"]} for t in turns[:before]]
