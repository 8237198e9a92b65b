"""`muse ingest`: catalog file -> products and rejects -> summaries -> BM25 + vector index."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from muse_core.config import MuseConfig
from muse_core.stages import stages_of
from muse_flows.common import recorded_run, run_stage, show_progress


@flow(name="muse-ingest")
async def ingest_flow(config: MuseConfig, catalog: str, command: str = "ingest", progress: bool = False) -> dict:
    """Ingest one catalog file into the configured database, summarise and index its products."""
    catalog_path = Path(catalog).resolve()
    if not catalog_path.is_file():
        raise FileNotFoundError(f"catalog file not found: {catalog_path}")
    show_progress.set(progress)
    with recorded_run(config, command) as run:
        results = {stage.name: await run_stage(stage.name, config, run["run_id"],
                                               **({"catalog": str(catalog_path)} if stage.name == "ingest" else {}))
                   for stage in stages_of("ingest")}
    return {"run_id": run["run_id"], **results}
