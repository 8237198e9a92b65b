"""`muse conversations`: simulate conversations from profiles, rewrite them, review them.

Three tasks, one per stage; each reads its inputs from DuckDB, commits every conversation
atomically, and skips what an earlier (possibly interrupted) run already finished.
"""

from __future__ import annotations

import asyncio

from prefect import flow, task

from muse_flows.common import domain_gateway, progress, recorded_run
from muse_core.action_policy import get_policy
from muse_core.config import MuseConfig
from muse_core.manager import run_conversations
from muse_core.profiles import profile_set_name
from muse_core.retrieval import get_retriever
from muse_core.reviewer import review_conversations
from muse_core.rewriter import rewrite_conversations
from muse_core.store import Store


def _stage(config: dict, run_id: str, show_progress: bool, work) -> dict:
    """Open the store, build the gateway and domain, run one async stage, return its report."""
    cfg = MuseConfig.model_validate(config)
    with Store(cfg.db) as store:
        gateway, domain = domain_gateway(store, cfg, run_id)
        return asyncio.run(work(store, cfg, gateway, domain, progress(show_progress))).__dict__


@task(name="simulate-conversations")
def simulate_task(config: dict, run_id: str, show_progress: bool) -> dict:
    return _stage(config, run_id, show_progress, lambda store, cfg, gateway, domain, bar: run_conversations(
        gateway, domain, get_retriever(store, cfg), get_policy(cfg), profile_set_name(cfg, domain.name), bar))


@task(name="rewrite-conversations")
def rewrite_task(config: dict, run_id: str, conv_set: str, show_progress: bool) -> dict:
    return _stage(config, run_id, show_progress, lambda store, cfg, gateway, domain, bar: rewrite_conversations(
        gateway, domain.name, conv_set, bar))


@task(name="review-conversations")
def review_task(config: dict, run_id: str, conv_set: str, show_progress: bool) -> dict:
    return _stage(config, run_id, show_progress, lambda store, cfg, gateway, domain, bar: review_conversations(
        gateway, domain.name, conv_set, bar))


@flow(name="muse-conversations")
def conversations_flow(config: dict, command: str = "conversations", show_progress: bool = True) -> dict:
    """Simulate one conversation per profile (or `conversations.n`), rewrite every utterance, review each."""
    cfg = MuseConfig.model_validate(config)
    with recorded_run(cfg, command) as run:
        simulated = simulate_task(config, run["run_id"], show_progress)
        rewritten = rewrite_task(config, run["run_id"], simulated["conversation_set"], show_progress)
        reviewed = review_task(config, run["run_id"], simulated["conversation_set"], show_progress)
    with Store(cfg.db, read_only=True) as store:
        summary = store.rows("SELECT * FROM conversation_summary WHERE conversation_set = ?",
                             [simulated["conversation_set"]])
    return {"run_id": run["run_id"], "simulated": simulated, "rewritten": rewritten, "reviewed": reviewed,
            "summary": summary[0] if summary else {}}
