"""Reviewer (paper 3.4.2): scores each rewritten conversation on content quality, logical
fluency and user consistency (0-2 in 0.05 steps) and keeps it when the sum reaches the
threshold (4 by default)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from muse_core.batch import Batch, Writes
from muse_core.dialogue import ROLES, conversation_products
from muse_core.context import StageContext
from muse_core.llm import LLMCallError
from muse_core.personas import Persona
from muse_core.runs import record_failure


def _on_grid(value: float) -> float:
    stepped = round(value * 20) / 20
    if abs(stepped - value) > 1e-6:
        raise ValueError(f"{value} is not a multiple of 0.05")
    return stepped


# A 0-2 score in 0.05 steps (paper 3.4.2 and Figure 19); off-grid answers are re-asked. The schema
# lists the grid too, so a server that enforces schemas (llama.cpp's grammar) cannot write a 5.
GRID = [round(step * 0.05, 2) for step in range(41)]
Score = Annotated[float, Field(ge=0, le=2, json_schema_extra={"enum": GRID}), AfterValidator(_on_grid)]


class ReviewScores(BaseModel):
    content_quality: Score
    logical_fluency: Score
    user_consistency: Score
    reason: str = Field("", max_length=400)


REVIEW_COLUMNS = ("conversation_id", "content_quality", "logical_fluency", "user_consistency", "total", "threshold",
                  "kept", "reason", "cache_key", "run_id", "identity")


@dataclass
class ReviewReport:
    conversations: int
    reviewed: int  # by this run
    redone: int  # of those, conversations reviewed before under other settings (another identity)
    kept: int
    threshold: float


async def review_conversations(ctx: StageContext, conv_set: str, rewrite_identity: str,
                               identity: str) -> ReviewReport:
    """Review every conversation of the set rewritten under `rewrite_identity` that has no review
    of this identity (the reviewer's model, sampling and skill version, the keep threshold, the
    rewrite's identity): one reviewed under other settings is reviewed again."""
    store, settings, gateway, progress = ctx.store, ctx.config.conversations, ctx.gateway, ctx.progress
    # Only rewritten conversations are reviewed: the reviewer judges the text the dataset ships.
    todo = store.rows(
        "SELECT conversation_id, profile_id, target_product_id, target_injected,"
        " (SELECT count(*) FROM rewrites r WHERE r.conversation_id = c.conversation_id AND NOT r.check_passed)"
        " AS check_failures, EXISTS (SELECT 1 FROM reviews v WHERE v.conversation_id = c.conversation_id) AS redo"
        " FROM conversations c WHERE conversation_set = ?"
        " AND EXISTS (SELECT 1 FROM rewrites r WHERE r.conversation_id = c.conversation_id AND r.identity = ?)"
        " AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.conversation_id = c.conversation_id AND v.identity = ?)"
        " ORDER BY k", [conv_set, rewrite_identity, identity])
    todo = [conv for conv in todo if ctx.owns(conv["conversation_id"])]
    # judged against the listings each conversation was made from, whatever was re-ingested since
    listings = conversation_products(store, ctx.domain.name, [conv["conversation_id"] for conv in todo])
    total = int(store.scalar("SELECT count(*) FROM conversations WHERE conversation_set = ?", [conv_set]))
    slots = asyncio.Semaphore(settings.concurrency)

    ids = [conv["conversation_id"] for conv in todo]
    turns_of: dict[str, list[dict]] = {cid: [] for cid in ids}
    for turn in store.rows("SELECT conversation_id, role, text, product_ids, action FROM turns"
                           " WHERE list_contains(?, conversation_id) ORDER BY conversation_id, idx", [ids]):
        turns_of[turn["conversation_id"]].append(turn)
    profiles = {row["profile_id"]: row for row in store.rows(
        "SELECT p.profile_id, p.backstory, p.requirements, u.name, u.gender, u.age, u.profession FROM profiles p"
        " JOIN users u ON u.user_id = p.user_id WHERE list_contains(?, p.profile_id)",
        [[conv["profile_id"] for conv in todo]])}
    batch = Batch(store)

    async def one(conv: dict) -> None:
        cid = conv["conversation_id"]
        products, turns, profile = listings[cid], turns_of[cid], profiles[conv["profile_id"]]
        # The process facts a reader of the text alone could miss are stated, to any reviewer: the
        # accepted item was handed over at the round limit (not found), and rewrites that failed
        # the fact check (their original wording was kept).
        inputs = {"profile": {"persona": Persona.of_user(profile).describe(), "backstory": profile["backstory"],
                              "requirements": list(profile["requirements"])},
                  "target": products[conv["target_product_id"]],
                  "recommended_titles": [products[t["product_ids"][0]]["title"] for t in turns
                                         if t["action"] == "recommend"],
                  "handed_over": bool(conv["target_injected"]),
                  "rewrite_check_failures": int(conv["check_failures"]),
                  "conversation": [{"speaker": ROLES[t["role"]], "text": t["text"]} for t in turns]}
        async with slots:
            try:
                result = await gateway.run("review_conversation", inputs, output=ReviewScores, entity_id=cid)
            except LLMCallError as exc:  # unreviewed, so not kept; a rerun tries again
                record_failure(store, ctx.run_id, "review", cid, exc)
                progress.advance()
                return
        s = result.value
        total_score = round(s.content_quality + s.logical_fluency + s.user_consistency, 2)
        kept = total_score >= settings.keep_threshold
        writes = Writes().add("reviews", REVIEW_COLUMNS, [
            [cid, s.content_quality, s.logical_fluency, s.user_consistency, total_score, settings.keep_threshold,
             kept, s.reason, result.cache_key, ctx.run_id, identity]])
        writes.add("screens", ("stage", "entity_id", "screen", "passed", "reason", "score", "cache_key", "run_id"),
                   [["conversation", cid, "review", kept, s.reason, total_score, result.cache_key, ctx.run_id]])
        if conv["redo"]:  # the review made under other settings, and its screen
            writes.before += [("DELETE FROM reviews WHERE conversation_id = ?", [cid]),
                              ("DELETE FROM screens WHERE stage = 'conversation' AND screen = 'review'"
                               " AND entity_id = ?", [cid])]
        await batch.write(writes)
        progress.advance()

    with progress.task("reviewing", total=total):
        progress.advance(total - len(todo))
        await asyncio.gather(*(one(conv) for conv in todo))
    gateway.flush_stats()
    kept = int(store.scalar("SELECT count(*) FROM reviews v JOIN conversations c USING (conversation_id)"
                            " WHERE c.conversation_set = ? AND v.kept", [conv_set]))
    return ReviewReport(total, len(todo), sum(bool(conv["redo"]) for conv in todo), kept, settings.keep_threshold)
