"""The whole pipeline as one flow with plain parameters, for Prefect deployments (`muse deploy`):
ingest -> profiles -> conversations (simulate, rewrite, review), optionally evaluation. Each stage
is its own subflow, so the Prefect UI shows them, and the run holds the database's run lock from
start to end. A markdown artifact holds the run's summary."""

from __future__ import annotations

from typing import Optional

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.conversations import conversations_flow
from flows.evaluation import evaluate_flow
from flows.ingest import ingest_flow
from flows.profiles import profiles_flow
from muse_core.config import MuseConfig, load_config
from muse_core.plugins import check_config_plugins, registry
from muse_core.run_lock import exclusive_run


def pipeline_config(db: str, conversations: int, seed: int, domain: str, offline: bool,
                    models: Optional[dict[str, str]], retriever: Optional[str]) -> MuseConfig:
    """The configuration the deployment's parameters describe (models: role -> litellm model)."""
    overrides = {"db": db, "seed": seed, "domain": domain,
                 "profiles": {"n": conversations}, "conversations": {"n": conversations}}
    if models:
        overrides["roles"] = {role: {"model": model} for role, model in models.items()}
    if retriever:
        overrides["retrieval"] = {"retriever": retriever}
    cfg = load_config(**overrides)
    cfg = cfg.offline() if offline else cfg
    check_config_plugins(cfg)
    return cfg


@flow(name="muse-pipeline", log_prints=True)
def pipeline_flow(db: str = "muse.duckdb", catalog: Optional[str] = None, conversations: int = 200, seed: int = 0,
                  domain: str = "fashion", offline: bool = False, models: Optional[dict[str, str]] = None,
                  retriever: Optional[str] = None, evaluate: bool = False) -> dict:
    """Ingest a catalog (default: the domain's bundled sample), build one profile per conversation,
    simulate, rewrite and review the conversations, and optionally run the evaluation."""
    cfg = pipeline_config(db, conversations, seed, domain, offline, models, retriever)
    config = cfg.model_dump(mode="json")
    with exclusive_run(cfg.db, "pipeline", cfg.lock_wait_s):
        ingest_flow(config, str(catalog or registry().get("domain", domain).sample_catalog), command="pipeline",
                    show_progress=False)
        profiles_flow(config, command="pipeline", show_progress=False)
        result = conversations_flow(config, command="pipeline", show_progress=False)
        if evaluate:
            evaluate_flow(config, show_progress=False)
    summary = result["summary"]
    create_markdown_artifact(key="muse-pipeline-summary", description="what this muse run produced", markdown="\n".join([
        f"# muse run on `{cfg.db}`", "", "| what | value |", "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in summary.items()),
        "", f"Query it: `muse sql --db {cfg.db} \"SELECT * FROM conversation_summary\"`"]))
    print(f"{summary.get('conversations', 0)} conversations in {cfg.db} ({summary.get('kept', 0)} kept)")
    return {"db": str(cfg.db), "summary": summary}


@flow(name="muse-evaluation", log_prints=True)
def evaluation_flow(db: str = "muse.duckdb", sample: int = 200, judge_rounds: int = 3, offline: bool = False,
                    judge_model: Optional[str] = None, task_models: Optional[list[str]] = None) -> dict:
    """Judge, recommendation and response tasks, and dialogue elements on a database's kept conversations."""
    roles = {"judge": {"model": judge_model}} if judge_model else {}
    cfg = load_config(db=db, roles=roles, evaluation={"sample": sample, "judge_rounds": judge_rounds,
                                                      "task_models": task_models or []})
    cfg = cfg.offline() if offline else cfg
    return evaluate_flow(cfg.model_dump(mode="json"), show_progress=False)


def deployments() -> list:
    """The deployments `muse deploy` serves: one run at a time each (DuckDB has one writer)."""
    return [
        pipeline_flow.to_deployment(name="muse-pipeline", tags=["muse"], concurrency_limit=1,
                                    description="ingest -> profiles -> conversations -> rewrite -> review"),
        evaluation_flow.to_deployment(name="muse-evaluation", tags=["muse"], concurrency_limit=1,
                                      description="judge, recommendation and response tasks, dialogue elements"),
    ]
