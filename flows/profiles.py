"""`muse profiles`: seed scenarios -> self-instruct expansion -> screened user profiles."""

from __future__ import annotations

from prefect import flow

from muse_core.config import MuseConfig
from muse_core.stages import stages_of
from muse_core.store import Store
from muse_flows.common import recorded_run, run_stage, show_progress


@flow(name="muse-profiles")
async def profiles_flow(config: MuseConfig, command: str = "profiles", progress: bool = False) -> dict:
    """Collect basic scenarios, then screen candidates until the configured number of profiles exist."""
    show_progress.set(progress)
    with recorded_run(config, command) as run:
        results = {stage.name: await run_stage(stage.name, config, run["run_id"]) for stage in stages_of("profiles")}
    with Store(config.db, read_only=True) as store:
        results["profiles"]["pass_rates"] = store.rows(
            "SELECT stage, screen, seen, passed, pass_rate FROM screen_pass_rates ORDER BY ALL")
    return {"run_id": run["run_id"], **results}
