"""Recommendation task (paper Table 4). For every recommendation round of the sampled
conversations, a method writes a query from the conversation before the recommendation, the
retriever ranks the catalog, and the rank of the item actually recommended is stored.
Methods: `last-utterance` (the user's last words as the query) and `model:<name>` (a zero-shot
model given the conversation and the photos shown so far). Beside them, `gold-query` replays the
querier's own query of that round on the same index: that query found the recommended item in
the first place, so it scores near Recall 1.0 by construction. It is an upper bound (what a model
that learned to write the querier's queries exactly would reach), not a method, and every table
labels it so. Recall@k and MRR@k are the view `rec_task_summary`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from muse_core.config import RoleConfig
from muse_core.evaluation_sample import context, conversation_turns
from muse_core.context import StageContext
from muse_core.retrieval import search


UPPER_BOUND = "gold-query"


def method_label(method: str) -> str:
    """How tables name a method: the replayed querier query is marked as the upper bound it is."""
    return f"{method} (upper bound: the querier's own query replayed)" if method == UPPER_BOUND else method


class RecQuery(BaseModel):
    query: str = Field(min_length=1, max_length=300)


@dataclass
class RecTaskReport:
    rounds: int
    methods: list[str]
    new_rows: int


LOCAL = "local:"  # a task model `local:DIR`: an adapter `muse finetune` wrote, played beside its base


def local_roles(evaluator: RoleConfig, spec: str) -> list[RoleConfig]:
    """`local:DIR` as two models of the `local` provider: the adapter on its base, and the base
    alone (zero-shot), so every table shows the fine-tuned model beside the model it came from."""
    from muse_core.finetune import adapter_info

    folder = Path(spec[len(LOCAL):]).expanduser().resolve()
    base = adapter_info(folder)["base"]
    local = {"provider": "local", "api_base": None, "api_key_env": None, "vision": False, "send_inputs": False,
             "structured": "prompt"}
    return [evaluator.model_copy(update={**local, "model": f"adapter:{folder}"}),
            evaluator.model_copy(update={**local, "model": f"base:{base}"})]


def model_methods(config) -> list[tuple[str, RoleConfig]]:
    """The evaluator role's model, then any extra task models: litellm strings, and `local:DIR`
    (an adapter and its base, see local_roles)."""
    evaluator = config.role("evaluator")
    extra = []
    for m in config.evaluation.task_models:
        extra += (local_roles(evaluator, m) if m.startswith(LOCAL)
                  else [evaluator.model_copy(update={"provider": "litellm", "model": m})])
    methods = [(f"model:{role.model}", role) for role in [evaluator, *extra]]
    return list(dict(methods).items())  # two adapters of one base: the base once


def tuned_pairs(methods: list[tuple[str, RoleConfig]]) -> list[tuple[str, str]]:
    """(tuned method, its base's method) for every local adapter among the methods."""
    from muse_core.finetune import adapter_info

    names = dict(methods)
    pairs = []
    for name, role in methods:
        if role.provider == "local" and role.model.startswith("adapter:"):
            base = f"model:base:{adapter_info(Path(role.model[len('adapter:'):]))['base']}"
            if base in names:
                pairs.append((name, base))
    return pairs


def rank_of(product_ids: list[str], gold: str) -> int | None:
    """1-based rank of the gold item, None when it is not retrieved."""
    return product_ids.index(gold) + 1 if gold in product_ids else None


async def run_rec_task(ctx: StageContext, conversation_ids: list[str]) -> RecTaskReport:
    """Each recommendation round's query by every method, searched with the configured retriever."""
    store, depth, gateway, progress = ctx.store, ctx.config.evaluation.ranks, ctx.gateway, ctx.progress
    retriever, retriever_name = ctx.retriever, ctx.config.retrieval.retriever
    models = model_methods(ctx.config)
    methods = [UPPER_BOUND, "last-utterance", *(name for name, _ in models)]
    done = set(store.con.execute("SELECT conversation_id, round, method FROM rec_task_rounds").fetchall())
    jobs = []
    for cid in conversation_ids:
        turns = conversation_turns(store, cid)
        for q in store.rows("SELECT round, query, chosen_product_id FROM querier_rounds WHERE conversation_id = ?"
                            " ORDER BY round", [cid]):
            idx = next(t["idx"] for t in turns if t["round"] == q["round"] and t["action"] == "recommend")
            jobs += [(cid, q, turns, idx, m) for m in methods if (cid, q["round"], m) not in done]

    async def one(cid: str, q: dict, turns: list[dict], idx: int, method: str) -> None:
        key = None
        if method == UPPER_BOUND:
            query = q["query"]
        elif method == "last-utterance":
            query = next(t["text"] for t in reversed(turns[:idx]) if t["role"] == "user")
        else:
            role = dict(models)[method]
            shown = list(dict.fromkeys(p for t in turns[:idx] for p in t["image_product_ids"]))
            result = await gateway.run("rec_query", {"conversation": context(turns, idx)}, output=RecQuery,
                                       image_product_ids=shown, entity_id=f"{cid}/r{q['round']}/rec", role=role)
            query, key = result.value.query, result.cache_key
        ranked = [hit.product_id for hit in await search(retriever, query, depth)]
        store.con.execute("INSERT INTO rec_task_rounds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          [cid, q["round"], method, query, retriever_name, q["chosen_product_id"],
                           rank_of(ranked, q["chosen_product_id"]), key, ctx.run_id])
        progress.advance()

    total = len({(cid, q["round"]) for cid, q, *_ in jobs})
    with progress.task("recommendation task", total=len(jobs)):
        await asyncio.gather(*(one(*job) for job in jobs))
    gateway.flush_stats()
    return RecTaskReport(total, methods, len(jobs))
