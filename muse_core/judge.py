"""Conversation-level LLM judge (paper Figure 19, Table 3): Natural, Logical, Informative,
P-C correlation and I-T correspondence, 0-2 in 0.05 steps, scored in several independent rounds
and averaged. The judge sees the conversation and the photos of the products it mentions."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from pydantic import BaseModel

from muse_core.dialogue import load_products
from muse_core.evaluation_sample import conversation_turns
from muse_core.llm import Gateway
from muse_core.progress import Progress
from muse_core.reviewer import Score

MAX_IMAGES = 6  # keeps a judge request small; the first products of a conversation matter most


class JudgeScores(BaseModel):
    natural: Score
    logical: Score
    informative: Score
    pc_correlation: Score
    it_correspondence: Score


@dataclass
class JudgeReport:
    judge_model: str
    conversations: int
    scored: int  # (conversation, round) pairs scored by this run
    warnings: list[str] = field(default_factory=list)


def judge_warnings(config) -> list[str]:
    """A judge that also generated the data grades its own work: say so."""
    judge = config.role("judge").model
    generators = {name for name in ("agent", "backstory", "rewriter", "checker", "reviewer")
                  if config.role(name).model == judge}
    return [f"the judge model '{judge}' also plays {', '.join(sorted(generators))}: its scores may favour "
            "its own output; set roles.judge to another model"] if generators else []


async def judge_conversations(gateway: Gateway, domain: str, conversation_ids: list[str],
                              progress: Progress | None = None) -> JudgeReport:
    progress = progress or Progress.silent()
    store, config = gateway.store, gateway.config
    model, rounds = config.role("judge").model, config.evaluation.judge_rounds
    products = load_products(store, domain)
    done = set(store.con.execute("SELECT conversation_id, scoring_round FROM judge_scores WHERE judge_model = ?",
                                 [model]).fetchall())
    todo = [(cid, r) for cid in conversation_ids for r in range(1, rounds + 1) if (cid, r) not in done]

    async def one(cid: str, scoring_round: int) -> None:
        turns = conversation_turns(store, cid)
        mentioned = [products[p] for p in dict.fromkeys(p for t in turns for p in t["product_ids"])][:MAX_IMAGES]
        inputs = {"conversation": [{"speaker": t["speaker"], "text": t["text"]} for t in turns],
                  "products": mentioned, "scoring_round": scoring_round}
        result = await gateway.run("judge_conversation", inputs, output=JudgeScores,
                                   image_product_ids=[p["product_id"] for p in mentioned if p["has_image"]],
                                   entity_id=f"{cid}/judge{scoring_round}")
        s = result.value
        store.con.execute("INSERT INTO judge_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          [cid, model, scoring_round, s.natural, s.logical, s.informative, s.pc_correlation,
                           s.it_correspondence, result.cache_key, gateway.run_id])
        progress.advance()

    with progress.task("judging", total=len(conversation_ids) * rounds):
        progress.advance(len(conversation_ids) * rounds - len(todo))
        await asyncio.gather(*(one(cid, r) for cid, r in todo))
    gateway.flush_stats()
    return JudgeReport(model, len(conversation_ids), len(todo), judge_warnings(config))
