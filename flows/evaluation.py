"""`muse evaluate`: the paper's section 4 on the kept conversations of the store: the
conversation-level judge, the recommendation and response tasks, and dialogue elements, each a
task over the same seeded sample; and, for Table 3, the same judge on a seeded sample of each
external corpus given (ReDial, INSPIRED). Every stage skips what an earlier run already stored."""

from __future__ import annotations

import asyncio

from prefect import flow, task

from muse_flows.common import domain_gateway, progress, recorded_run
from muse_core.config import MuseConfig
from muse_core.corpora import read_corpus
from muse_core.elements import tag_elements
from muse_core.evaluation_sample import sample_conversations
from muse_core.judge import judge_conversations, judge_corpus
from muse_core.rec_task import run_rec_task
from muse_core.response_task import run_response_task
from muse_core.retrieval import get_retriever
from muse_core.store import Store

STAGES = ("judge", "rec-task", "response-task", "elements", "corpus-judge")
MUSE_STAGES = STAGES[:4]  # the stages on muse's own sample; corpus-judge works on the --corpus files


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


@task(name="judge-corpus")
def judge_corpus_task(config: dict, run_id: str, spec: str, show_progress: bool) -> dict:
    """The conversation judge on a seeded sample of one external corpus ("redial:PATH")."""
    cfg = MuseConfig.model_validate(config)
    corpus = read_corpus(spec)
    with Store(cfg.db) as store:
        gateway, _ = domain_gateway(store, cfg, run_id)
        return {"spec": spec, **asyncio.run(judge_corpus(gateway, corpus, progress(show_progress))).__dict__}


def chosen_stages(stages: list[str] | None, corpora: list[str]) -> list[str]:
    """The stages to run, in order: all of muse's when none are named; corpus-judge whenever
    corpora are given (and only then)."""
    chosen = list(stages) if stages else list(MUSE_STAGES)
    unknown = set(chosen) - set(STAGES)
    if unknown:
        raise ValueError(f"unknown evaluation stage(s) {', '.join(sorted(unknown))}; choose from {', '.join(STAGES)}")
    if corpora and "corpus-judge" not in chosen:
        chosen.append("corpus-judge")
    if "corpus-judge" in chosen and not corpora:
        raise ValueError("stage corpus-judge needs at least one corpus: --corpus redial:PATH or inspired:PATH")
    return [stage for stage in STAGES if stage in chosen]


@flow(name="muse-evaluate")
def evaluate_flow(config: dict, stages: list[str] | None = None, show_progress: bool = True,
                  corpora: list[str] | None = None) -> dict:
    """Run the chosen evaluation stages on a seeded sample of kept conversations, and the judge on
    a sample of each external corpus ("redial:PATH", "inspired:PATH")."""
    cfg = MuseConfig.model_validate(config)
    corpora = list(corpora or [])
    chosen = chosen_stages(stages, corpora)
    with recorded_run(cfg, "evaluate") as run:
        results: dict = {
            stage: evaluate_task.with_options(name=f"evaluate-{stage}")(config, run["run_id"], stage, show_progress)
            for stage in chosen if stage in MUSE_STAGES}
        if "corpus-judge" in chosen:
            results["corpus-judge"] = [
                judge_corpus_task.with_options(name=f"judge-{spec.partition(':')[0]}")(config, run["run_id"], spec,
                                                                                     show_progress)
                for spec in corpora]
    return {"run_id": run["run_id"], **results}
