"""`muse profiles`: seed scenarios -> self-instruct expansion -> screened user profiles."""

from __future__ import annotations

import asyncio

from prefect import flow, task

from muse_flows.common import domain_gateway, progress, recorded_run
from muse_core.config import MuseConfig
from muse_core.plugins import registry
from muse_core.profiles import build_profiles
from muse_core.retrieval import get_retriever
from muse_core.scenarios import build_scenarios
from muse_core.store import Store


def _metric(cfg: MuseConfig):
    return registry().get("dedup_metric", cfg.profiles.dedup_metric)(threshold=cfg.profiles.dedup_threshold)


@task(name="build-scenarios")
def scenarios_task(config: dict, run_id: str, show_progress: bool) -> dict:
    cfg = MuseConfig.model_validate(config)
    with Store(cfg.db) as store:
        gateway, domain = domain_gateway(store, cfg, run_id)
        report = asyncio.run(build_scenarios(gateway, domain, _metric(cfg), progress(show_progress)))
    return report.__dict__


@task(name="build-profiles")
def profiles_task(config: dict, run_id: str, show_progress: bool) -> dict:
    cfg = MuseConfig.model_validate(config)
    with Store(cfg.db) as store:
        gateway, domain = domain_gateway(store, cfg, run_id)
        retriever = get_retriever(store, cfg) if cfg.profiles.target_selection == "retrieval" else None
        report = asyncio.run(build_profiles(gateway, domain, _metric(cfg), retriever, progress(show_progress)))
        rates = store.rows("SELECT stage, screen, seen, passed, pass_rate FROM screen_pass_rates ORDER BY ALL")
    return {**report.__dict__, "pass_rates": rates}


@flow(name="muse-profiles")
def profiles_flow(config: dict, command: str = "profiles", show_progress: bool = True) -> dict:
    """Collect basic scenarios, then screen candidates until the configured number of profiles exist."""
    cfg = MuseConfig.model_validate(config)
    with recorded_run(cfg, command) as run:
        scenarios = scenarios_task(config, run["run_id"], show_progress)
        profiles = profiles_task(config, run["run_id"], show_progress)
    return {"run_id": run["run_id"], "scenarios": scenarios, "profiles": profiles}
