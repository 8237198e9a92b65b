"""A stage over a Dask cluster: Prefect's Dask task runner runs one task per shard, each on a copy
of the database (muse_core/shards.py); this process merges them, then runs the stage once more to
finish anything a shard left and to report the totals. docs/scale-out.md tells the whole story."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.futures import wait

from muse_core.config import MuseConfig, ScaleConfig
from muse_core.context import StageContext
from muse_core.progress import Progress
from muse_core.runs import run_config
from muse_core.shards import Shard, combine_reports, leftovers, make_shards, merge_shards, prepare_shard_store
from muse_core.stages import BY_NAME, report_dict
from muse_core.store import Store


@task(cache_policy=NONE)
async def shard_task(stage: str, path: str, run_id: str, index: int, count: int) -> dict[str, Any]:
    """One shard of a stage, in a worker process, on its own copy of the database."""
    with prepare_shard_store(Path(path)) as store:
        ctx = StageContext.open(store, run_config(store, run_id), run_id, Progress.silent(), shard=Shard(index, count))
        return report_dict(await BY_NAME[stage].run(ctx))


@flow(name="muse-shards")
def shards_flow(stage: str, paths: list[str], run_id: str) -> list[dict[str, Any] | str]:
    """Every shard's task at once; each one's report, or why it failed."""
    futures = [shard_task.with_options(name=f"{stage}-shard-{i}").submit(stage, path, run_id, i, len(paths))
               for i, path in enumerate(paths)]
    wait(futures)
    outcomes: list[dict[str, Any] | str] = []
    for future in futures:
        state = future.state
        outcomes.append(future.result() if state.is_completed() else f"{state.name}: {state.message}")
    return outcomes


def task_runner(scale: ScaleConfig) -> Any:
    """Prefect's Dask task runner: an existing scheduler, or a local cluster of worker processes
    (one thread each: a shard is one event loop) that report to this process's Prefect server."""
    from prefect.settings import PREFECT_API_URL
    from prefect_dask import DaskTaskRunner

    # Dask's own INFO lines (workers and scheduler starting and closing) only when muse logs INFO too
    level = logging.getLevelName(max(logging.getLogger().getEffectiveLevel(), logging.INFO))
    logging.getLogger("distributed").setLevel(level)
    if scale.cluster:
        return DaskTaskRunner(address=scale.cluster)
    env = {"DASK_LOGGING__DISTRIBUTED": level.lower()}
    if PREFECT_API_URL.value():
        env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    return DaskTaskRunner(cluster_kwargs={"n_workers": scale.workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None, "env": env})


def shard_count(scale: ScaleConfig) -> int:
    """One shard per worker."""
    if scale.workers is not None:
        return scale.workers
    from distributed import Client

    with Client(scale.cluster, timeout=30) as client:
        workers = len(client.scheduler_info()["workers"])
    if not workers:
        raise RuntimeError(f"the Dask scheduler at {scale.cluster} has no workers")
    return workers


async def run_sharded(stage: str, config: MuseConfig, run_id: str, last_pass) -> dict[str, Any]:
    """Merge what a killed run's shards finished, run the shards, merge them, then `last_pass` (the
    stage in this process: it finds the shards' work done and reports the totals)."""
    definition = BY_NAME[stage]
    left = leftovers(config.db, stage)
    if left:
        with Store(config.db) as store:
            merge_shards(store, definition.writes, left)
    paths = [str(path) for _, path in make_shards(config.db, stage, shard_count(config.scale))]
    outcomes = shards_flow.with_options(task_runner=task_runner(config.scale), name=f"muse-{stage}-shards")(
        stage, paths, run_id)
    with Store(config.db) as store:  # what every shard finished, failed ones included
        merge_shards(store, definition.writes, [Path(p) for p in paths if Path(p).exists()])
    failed = [o for o in outcomes if isinstance(o, str)]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(paths)} shard(s) of stage {stage} failed (their finished work "
                           f"is merged; run again to finish): {failed[0]}")
    final = await last_pass()
    return combine_reports(final, [o for o in outcomes if isinstance(o, dict)], definition.counts)
