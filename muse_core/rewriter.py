"""Rewriter (paper 3.4.1, A.4): every utterance is rewritten at high temperature, with "use
colloquial expressions" added with probability p, then checked at low temperature that its
content and product facts survived. A failed check keeps the original; both versions and the
reason stay in the store (`rewrites`), and `turns.text` holds what the dataset uses."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from muse_core.batch import Batch, Writes
from muse_core.dialogue import ROLES, conversation_products
from muse_core.context import StageContext
from muse_core.llm import LLMCallError
from muse_core.profiles import MatchVerdict
from muse_core.runs import record_failure
from muse_core.seeding import rng_for


@dataclass
class RewriteReport:
    conversations: int
    rewritten: int  # conversations rewritten by this run
    redone: int  # of those, conversations rewritten before under other settings (another identity)
    utterances: int
    check_failures: int


def product_facts(product: dict) -> list[str]:
    """What a rewrite must not change about a product: its name, colours, materials and price
    ("$24.99"); the checker is told them for every product the utterance mentions."""
    facts = product["attributes"]
    price = [f"${product['price']:.2f}"] if product.get("price") is not None else []
    return [product["title"], *facts.get("colors", []), *facts.get("materials", []), *price]


REWRITE_COLUMNS = ("conversation_id", "idx", "colloquial", "rewritten_text", "check_passed", "check_reason",
                   "rewrite_cache_key", "check_cache_key", "run_id", "identity")


async def rewrite_conversations(ctx: StageContext, conv_set: str, identity: str) -> RewriteReport:
    """Rewrite every conversation of the set that has no rewrite of this identity (the rewriter's
    and checker's models, sampling and skill versions, the colloquial share): a conversation
    rewritten under other settings is rewritten again, its turns back to the simulator's text first."""
    store, config, gateway, progress = ctx.store, ctx.config, ctx.gateway, ctx.progress
    todo, redo = [], set()
    for cid, earlier in store.con.execute(
            "SELECT conversation_id, (SELECT any_value(r.identity IS DISTINCT FROM ?) FROM rewrites r"
            " WHERE r.conversation_id = c.conversation_id) FROM conversations c WHERE conversation_set = ? ORDER BY k",
            [identity, conv_set]).fetchall():
        if (earlier is None or earlier) and ctx.owns(cid):  # never rewritten, or under other settings
            todo.append(cid)
            if earlier:
                redo.add(cid)
    # the facts to keep are those of the listing each conversation was made from
    products = conversation_products(store, ctx.domain.name, todo)
    total = int(store.scalar("SELECT count(*) FROM conversations WHERE conversation_set = ?", [conv_set]))
    slots = asyncio.Semaphore(config.conversations.concurrency)

    async def utterance(cid: str, turn: dict, previous: str | None) -> list:
        entity = f"{cid}/t{turn['idx']}"
        colloquial = rng_for(config.seed, cid, "colloquial", turn["idx"]).random() < config.conversations.colloquial_p
        new = await gateway.run("rewrite_utterance", {"speaker": ROLES[turn["role"]], "text": turn["original_text"],
                                                      "previous": previous, "colloquial": colloquial}, entity_id=entity)
        facts = [f for pid in turn["product_ids"] for f in product_facts(products[cid][pid])]
        check = await gateway.run("rewrite_check", {"original": turn["original_text"], "rewrite": new.value,
                                                    "facts": facts}, output=MatchVerdict, entity_id=entity)
        return [cid, turn["idx"], colloquial, new.value.strip(), check.value.answer == "Yes",
                check.value.reason or check.value.answer, new.cache_key, check.cache_key, ctx.run_id, identity]

    turns_of: dict[str, list[dict]] = {cid: [] for cid in todo}
    for turn in store.rows("SELECT conversation_id, idx, role, original_text, product_ids FROM turns"
                           " WHERE list_contains(?, conversation_id) ORDER BY conversation_id, idx", [todo]):
        turns_of[turn["conversation_id"]].append(turn)
    batch = Batch(store)

    async def one(cid: str) -> None:
        turns = turns_of[cid]
        async with slots:
            try:
                rows = await asyncio.gather(*(utterance(cid, t, turns[i - 1]["original_text"] if i else None)
                                              for i, t in enumerate(turns)))
            except LLMCallError as exc:  # the conversation keeps its original texts; a rerun tries again
                record_failure(store, ctx.run_id, "rewrite", cid, exc)
                progress.advance()
                return
        writes = Writes().add("rewrites", REWRITE_COLUMNS, rows)
        writes.add("screens", ("stage", "entity_id", "screen", "passed", "reason", "cache_key", "run_id"),
                   [["rewrite", f"{r[0]}/t{r[1]}", "fact_check", r[4], r[5], r[7], r[8]] for r in rows])
        if cid in redo:  # the earlier rewrite, its fact checks, and the text it gave the turns
            writes.before += [("DELETE FROM rewrites WHERE conversation_id = ?", [cid]),
                              ("DELETE FROM screens WHERE stage = 'rewrite' AND starts_with(entity_id, ?)", [f"{cid}/t"]),
                              ("UPDATE turns SET text = original_text WHERE conversation_id = ?", [cid])]
        writes.after.append(("UPDATE turns t SET text = r.rewritten_text FROM rewrites r WHERE r.conversation_id = ?"
                             " AND t.conversation_id = r.conversation_id AND t.idx = r.idx AND r.check_passed", [cid]))
        await batch.write(writes)
        progress.advance()

    with progress.task("rewriting", total=total):
        progress.advance(total - len(todo))
        await asyncio.gather(*(one(cid) for cid in todo))
    gateway.flush_stats()
    utterances, failures = store.con.execute(
        "SELECT count(*), count(*) FILTER (WHERE NOT check_passed) FROM rewrites r JOIN conversations c"
        " USING (conversation_id) WHERE c.conversation_set = ?", [conv_set]).fetchone()
    return RewriteReport(total, len(todo), len(redo), utterances, failures)
