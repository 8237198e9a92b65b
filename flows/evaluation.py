"""`muse evaluate`: the paper's section 4 on the kept conversations of the store: the
conversation-level judge, the recommendation and response tasks, and dialogue elements, each a
task over the same seeded sample; and, for Table 3, the same judge on a seeded sample of each
external corpus given (ReDial, INSPIRED). Every stage skips what an earlier run already stored."""

from __future__ import annotations

import json

from prefect import flow, task
from prefect.cache_policies import NONE

from muse_core.config import MuseConfig
from muse_core.context import StageContext
from muse_core.corpora import read_corpus
from muse_core.elements import tag_elements
from muse_core.evaluation_sample import sample_conversations
from muse_core.judge import judge_conversations, judge_corpus
from muse_core.rec_task import run_rec_task
from muse_core.response_task import run_response_task
from muse_core.stages import report_dict
from muse_core.store import Store
from muse_flows.common import progress, recorded_run, show_progress

STAGES = ("judge", "rec-task", "response-task", "elements", "corpus-judge")
MUSE_STAGES = STAGES[:4]  # the stages on muse's own sample; corpus-judge works on the --corpus files


def _context(store: Store, run_id: str) -> StageContext:
    config = MuseConfig.model_validate(json.loads(store.scalar("SELECT config FROM runs WHERE run_id = ?", [run_id])))
    return StageContext.open(store, config, run_id, progress(show_progress.get()))


# Not cached by Prefect: each stage skips what the database already holds (see muse_flows.common).
@task(cache_policy=NONE)
async def evaluate_task(stage: str, db: str, run_id: str) -> dict:
    with Store(db) as store:
        ctx = _context(store, run_id)
        sample = sample_conversations(store, ctx.config.seed, ctx.config.evaluation.sample)
        if stage == "judge":
            return report_dict(await judge_conversations(ctx, sample))
        if stage == "rec-task":
            return report_dict(await run_rec_task(ctx, sample))
        if stage == "response-task":
            return {"scores": [report_dict(s) for s in await run_response_task(ctx, sample)]}
        return report_dict(await tag_elements(ctx, sample))


@task(cache_policy=NONE)
async def judge_corpus_task(spec: str, db: str, run_id: str) -> dict:
    """The conversation judge on a seeded sample of one external corpus ("redial:PATH")."""
    corpus = read_corpus(spec)
    with Store(db) as store:
        return {"spec": spec, **report_dict(await judge_corpus(_context(store, run_id), corpus))}


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
async def evaluate_flow(config: MuseConfig, stages: list[str] | None = None, corpora: list[str] | None = None,
                        progress: bool = False) -> dict:
    """Run the chosen evaluation stages on a seeded sample of kept conversations, and the judge on
    a sample of each external corpus ("redial:PATH", "inspired:PATH")."""
    corpora = list(corpora or [])
    chosen = chosen_stages(stages, corpora)
    show_progress.set(progress)
    db = str(config.db)
    with recorded_run(config, "evaluate") as run:
        results: dict = {stage: await evaluate_task.with_options(name=f"evaluate-{stage}")(stage, db, run["run_id"])
                         for stage in chosen if stage in MUSE_STAGES}
        if "corpus-judge" in chosen:
            results["corpus-judge"] = [
                await judge_corpus_task.with_options(name=f"judge-{spec.partition(':')[0]}")(spec, db, run["run_id"])
                for spec in corpora]
    return {"run_id": run["run_id"], **results}
