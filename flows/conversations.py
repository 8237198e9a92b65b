"""`muse conversations`: simulate conversations from profiles, rewrite them, review them.

One task per stage; each reads its inputs from DuckDB, commits every conversation atomically, and
skips what an earlier (possibly interrupted) run already finished under the same settings.
"""

from __future__ import annotations

from prefect import flow

from muse_core.config import MuseConfig
from muse_core.stages import stages_of
from muse_core.store import Store
from muse_flows.common import recorded_run, run_stage, show_progress
from muse_flows.scale import cluster


@flow(name="muse-conversations")
async def conversations_flow(config: MuseConfig, command: str = "conversations", progress: bool = False) -> dict:
    """Simulate one conversation per profile (or `conversations.n`), rewrite every utterance, review each."""
    show_progress.set(progress)
    with recorded_run(config, command) as run, cluster(config) as running:
        results = {stage.name: await run_stage(stage.name, running, run["run_id"])
                   for stage in stages_of("conversations")}
    conv_set = results["simulate"]["conversation_set"]
    with Store(config.db, read_only=True) as store:
        summary = store.rows("SELECT * FROM conversation_summary WHERE conversation_set = ?", [conv_set])
    return {"run_id": run["run_id"], **results, "summary": summary[0] if summary else {}}
