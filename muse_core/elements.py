"""Dialogue elements (paper Figure 4): an LLM skill tags each utterance of the sampled
conversations with the element types it contains; `element_counts` counts them by role."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from muse_core.evaluation_sample import conversation_turns
from muse_core.context import StageContext

Element = Literal["greeting", "scenario", "preference", "attribute", "visual", "feedback", "chit-chat"]


class Elements(BaseModel):
    elements: list[Element]


@dataclass
class ElementsReport:
    utterances: int
    tagged: int  # by this run


async def tag_elements(ctx: StageContext, conversation_ids: list[str]) -> ElementsReport:
    store, gateway, progress = ctx.store, ctx.gateway, ctx.progress
    done = set(store.con.execute("SELECT conversation_id, idx FROM utterance_elements").fetchall())
    jobs = [(cid, t) for cid in conversation_ids for t in conversation_turns(store, cid)]
    todo = [(cid, t) for cid, t in jobs if (cid, t["idx"]) not in done]

    async def one(cid: str, turn: dict) -> None:
        result = await gateway.run("tag_elements", {"speaker": turn["speaker"], "text": turn["text"]},
                                   output=Elements, entity_id=f"{cid}/t{turn['idx']}/elements")
        store.con.execute("INSERT INTO utterance_elements VALUES (?, ?, ?, ?, ?)",
                          [cid, turn["idx"], list(dict.fromkeys(result.value.elements)), result.cache_key,
                           ctx.run_id])
        progress.advance()

    with progress.task("tagging elements", total=len(jobs)):
        progress.advance(len(jobs) - len(todo))
        await asyncio.gather(*(one(cid, t) for cid, t in todo))
    gateway.flush_stats()
    return ElementsReport(len(jobs), len(todo))
