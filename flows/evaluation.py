"""`muse evaluate`: the paper's section 4 on the kept conversations of the store: the
conversation-level judge, the recommendation and response tasks, and dialogue elements, each a
task over the same seeded sample; and, for Table 3, the same judge on a seeded sample of each
external corpus given (ReDial, INSPIRED). Every stage skips what an earlier run already stored."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NONE

from muse_core.config import MuseConfig
from muse_core.corpora import read_corpus
from muse_core.judge import judge_corpus
from muse_core.stages import report_dict, stages_of
from muse_core.store import Store
from muse_flows.common import recorded_run, run_stage, show_progress, stage_context
from muse_flows.scale import cluster

MUSE_STAGES = tuple(stage.name for stage in stages_of("evaluate"))  # on muse's own sample, in order
STAGES = (*MUSE_STAGES, "corpus-judge")  # corpus-judge works on the --corpus files


# Not cached by Prefect: it skips what the database already holds (see muse_flows.common).
@task(cache_policy=NONE)
async def judge_corpus_task(spec: str, db: str, run_id: str) -> dict:
    """The conversation judge on a seeded sample of one external corpus ("redial:PATH")."""
    corpus = read_corpus(spec)
    with Store(db) as store:
        return {"spec": spec, **report_dict(await judge_corpus(stage_context(store, run_id), corpus))}


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
    with recorded_run(config, "evaluate") as run, cluster(config) as running:
        results: dict = {stage: await run_stage(stage, running, run["run_id"]) for stage in chosen
                         if stage in MUSE_STAGES}
        if "corpus-judge" in chosen:
            results["corpus-judge"] = [
                await judge_corpus_task.with_options(name=f"judge-{spec.partition(':')[0]}")(spec, db, run["run_id"])
                for spec in corpora]
    return {"run_id": run["run_id"], **results}
