"""`muse evaluate`: the paper's section 4 on the kept conversations of the store: the
conversation-level judge, the recommendation and response tasks, and dialogue elements, each a
task over the same seeded sample. Every stage skips what an earlier run already stored."""

from __future__ import annotations

import asyncio

from prefect import flow, task

from flows.common import domain_gateway, progress, recorded_run
from muse_core.config import MuseConfig
from muse_core.elements import tag_elements
from muse_core.evaluation_sample import sample_conversations
from muse_core.judge import judge_conversations
from muse_core.rec_task import run_rec_task
from muse_core.response_task import run_response_task
from muse_core.retrieval import get_retriever
from muse_core.store import Store

STAGES = ("judge", "rec-task", "response-task", "elements")


@task(name="evaluate")
def evaluate_task(config: dict, run_id: str, stage: str, show_progress: bool) -> dict:
    cfg = MuseConfig.model_validate(config)
    with Store(cfg.db) as store:
        gateway, domain = domain_gateway(store, cfg, run_id)
        sample = sample_conversations(store, cfg.seed, cfg.evaluation.sample)
        bar = progress(show_progress)
        if stage == "judge":
            report = asyncio.run(judge_conversations(gateway, domain.name, sample, bar))
        elif stage == "rec-task":
            retriever = get_retriever(store, cfg)
            report = asyncio.run(run_rec_task(gateway, retriever, cfg.retrieval.retriever, sample, bar))
        elif stage == "response-task":
            return {"scores": [s.__dict__ for s in asyncio.run(run_response_task(gateway, domain.name, sample, bar))]}
        else:
            report = asyncio.run(tag_elements(gateway, sample, bar))
    return report.__dict__


@flow(name="muse-evaluate")
def evaluate_flow(config: dict, stages: list[str] = list(STAGES), show_progress: bool = True) -> dict:
    """Run the chosen evaluation stages on a seeded sample of kept conversations."""
    cfg = MuseConfig.model_validate(config)
    unknown = set(stages) - set(STAGES)
    if unknown:
        raise ValueError(f"unknown evaluation stage(s) {', '.join(sorted(unknown))}; choose from {', '.join(STAGES)}")
    with recorded_run(cfg, "evaluate") as run:
        results = {stage: evaluate_task.with_options(name=f"evaluate-{stage}")(config, run["run_id"], stage,
                                                                                  show_progress)
                   for stage in STAGES if stage in stages}
    return {"run_id": run["run_id"], **results}
