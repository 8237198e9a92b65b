"""The whole pipeline as one flow with plain parameters, for Prefect deployments (`muse deploy`):
ingest -> profiles -> conversations (simulate, rewrite, review), optionally evaluation. Each stage
is its own subflow, so the Prefect UI shows them, and the run holds the database's run lock from
start to end. A markdown artifact holds the run's summary."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Optional

from prefect import flow
from prefect.artifacts import acreate_markdown_artifact

from muse_flows.conversations import conversations_flow
from muse_flows.evaluation import evaluate_flow
from muse_flows.ingest import ingest_flow
from muse_flows.profiles import profiles_flow
from muse_core.config import MuseConfig
from muse_core.plugins import check_config_plugins, registry
from muse_core.preflight import preflight
from muse_core.run_lock import exclusive_run


def deployment_config(config: Optional[str], model: Optional[str], api_base: Optional[str],
                      **overrides: Any) -> MuseConfig:
    """A deployment's configuration: `config` is a TOML file's path or TOML text; `model` and
    `api_base` set every role (a role the TOML gives its own model keeps it); then the overrides."""
    data: dict[str, Any] = {}
    if config:
        path = Path(config)
        is_path = "\n" not in config and path.suffix == ".toml"
        if is_path and not path.is_file():
            raise ValueError(f"config file not found: {config}")
        text = path.read_text() if is_path else config
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"the config parameter is not a TOML file path or valid TOML: {exc}") from None
    for section, values in overrides.items():
        data[section] = {**data.get(section, {}), **values} if isinstance(values, dict) else values
    shared = {k: v for k, v in {"model": model, "api_base": api_base}.items() if v}
    if shared:
        data["all_roles"] = {**data.get("all_roles", {}), **shared}
    return MuseConfig.model_validate(data)


def pipeline_config(db: str, conversations: int, seed: int, domain: str, offline: bool,
                    models: Optional[dict[str, str]], retriever: Optional[str], config: Optional[str] = None,
                    model: Optional[str] = None, api_base: Optional[str] = None, workers: Optional[int] = None,
                    cluster: Optional[str] = None) -> MuseConfig:
    """The configuration the deployment's parameters describe (models: role -> litellm model)."""
    overrides: dict[str, Any] = {"db": db, "seed": seed, "domain": domain,
                                 "profiles": {"n": conversations}, "conversations": {"n": conversations}}
    if workers or cluster:
        overrides["scale"] = {"workers": workers, "cluster": cluster}
    if models:
        overrides["roles"] = {role: {"model": m} for role, m in models.items()}
    if retriever:
        overrides["retrieval"] = {"retriever": retriever}
    cfg = deployment_config(config, model, api_base, **overrides)
    cfg = cfg.with_offline_engine() if offline else cfg
    check_config_plugins(cfg)
    return cfg


@flow(name="muse-pipeline", log_prints=True)
async def pipeline_flow(db: str = "muse.duckdb", catalog: Optional[str] = None, conversations: int = 200, seed: int = 0,
                  domain: str = "fashion", offline: bool = False, models: Optional[dict[str, str]] = None,
                  retriever: Optional[str] = None, evaluate: bool = False, config: Optional[str] = None,
                  model: Optional[str] = None, api_base: Optional[str] = None, workers: Optional[int] = None,
                  cluster: Optional[str] = None) -> dict:
    """Ingest a catalog (default: the domain's bundled sample), build one profile per conversation,
    simulate, rewrite and review the conversations, and optionally run the evaluation. `config`: a
    TOML file path or TOML text; `model` / `api_base`: every role's model and server; `workers` /
    `cluster`: the conversation stages on a local Dask cluster or an existing scheduler."""
    cfg = pipeline_config(db, conversations, seed, domain, offline, models, retriever, config, model, api_base,
                          workers, cluster)
    stages = ("ingest", "profiles", "conversations") + (("evaluate",) if evaluate else ())
    with exclusive_run(cfg.db, "pipeline", cfg.lock_wait_s):
        preflight(cfg, stages)
        await ingest_flow(cfg, str(catalog or registry().get("domain", domain).sample_catalog), command="pipeline")
        await profiles_flow(cfg, command="pipeline")
        result = await conversations_flow(cfg, command="pipeline")
        if evaluate:
            await evaluate_flow(cfg)
    summary = result["summary"]
    await acreate_markdown_artifact(key="muse-pipeline-summary", description="what this muse run produced", markdown="\n".join([
        f"# muse run on `{cfg.db}`", "", "| what | value |", "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in summary.items()),
        "", f"Query it: `muse sql --db {cfg.db} \"SELECT * FROM conversation_summary\"`"]))
    print(f"{summary.get('conversations', 0)} conversations in {cfg.db} ({summary.get('kept', 0)} kept)")
    return {"db": str(cfg.db), "summary": summary}


@flow(name="muse-evaluation", log_prints=True)
async def evaluation_flow(db: str = "muse.duckdb", sample: int = 200, judge_rounds: int = 3, offline: bool = False,
                    judge_model: Optional[str] = None, task_models: Optional[list[str]] = None,
                    config: Optional[str] = None, model: Optional[str] = None,
                    api_base: Optional[str] = None) -> dict:
    """Judge, recommendation and response tasks, and dialogue elements on a database's kept conversations."""
    overrides: dict[str, Any] = {"db": db, "evaluation": {"sample": sample, "judge_rounds": judge_rounds,
                                                          "task_models": task_models or []}}
    if judge_model:
        overrides["roles"] = {"judge": {"model": judge_model}}
    cfg = deployment_config(config, model, api_base, **overrides)
    cfg = cfg.with_offline_engine() if offline else cfg
    with exclusive_run(cfg.db, "evaluation", cfg.lock_wait_s):
        preflight(cfg, ("evaluate",))
        return await evaluate_flow(cfg)


def deployments() -> list:
    """The deployments `muse deploy` serves: one run at a time each (DuckDB has one writer)."""
    return [
        pipeline_flow.to_deployment(name="muse-pipeline", tags=["muse"], concurrency_limit=1,
                                    description="ingest -> profiles -> conversations -> rewrite -> review"),
        evaluation_flow.to_deployment(name="muse-evaluation", tags=["muse"], concurrency_limit=1,
                                      description="judge, recommendation and response tasks, dialogue elements"),
    ]
