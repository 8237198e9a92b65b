"""What every muse flow shares: the run row, progress output, and the one Prefect task that runs a
stage of muse_core.stages.

Tasks get plain, small parameters: a stage name, the database path and the run id (the run's row
holds the resolved configuration); each opens its own Store. Fine-grained concurrency (model calls,
downloads) is asyncio inside the stage.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NONE
from rich.console import Console

from muse_core.config import MuseConfig
from muse_core.context import StageContext
from muse_core.progress import Progress
from muse_core.run_lock import exclusive_run
from muse_core.runs import finish_run, mark_interrupted, run_config, start_run
from muse_core.shards import merge_leftovers
from muse_core.stages import BY_NAME, report_dict
from muse_core.store import Store

log = logging.getLogger("muse.runs")
_open_runs: list[str] = []  # run ids of this process; stages never nest, so at most one
# Whether stages draw progress bars: the CLI's choice, not a task input (it changes no result).
show_progress: ContextVar[bool] = ContextVar("muse_show_progress", default=False)


def progress(show: bool) -> Progress:
    return Progress(Console(stderr=True)) if show and sys.stderr.isatty() else Progress.silent()


@contextmanager
def recorded_run(config: MuseConfig, command: str) -> Iterator[dict[str, Any]]:
    """Hold the database's run lock, create the run row, yield {'run_id', 'store_id'}, and close
    the row as finished or failed. The store is closed in between: the flow's tasks open it."""
    if _open_runs:
        raise RuntimeError(f"run '{command}' started inside run {_open_runs[-1]}: stages run one after another")
    with exclusive_run(config.db, command, config.lock_wait_s):
        with Store(config.db) as store:
            runs, calls = mark_interrupted(store)  # the lock is ours: nothing else is running
            if runs or calls:
                log.warning("%d earlier run(s) of %s were killed; %d model call(s) were in flight then (outcome "
                            "unknown, possibly billed): llm_calls rows with status 'interrupted'", runs, config.db,
                            calls)
            run = {"run_id": start_run(store, command, config), "store_id": store.store_id}
        _open_runs.append(run["run_id"])
        try:
            yield run
        except BaseException as exc:
            with Store(config.db) as store:
                finish_run(store, run["run_id"], error=f"{type(exc).__name__}: {exc}")
            raise
        finally:
            _open_runs.pop()
        with Store(config.db) as store:
            finish_run(store, run["run_id"])


# Not cached by Prefect: the database is the cache. Every stage skips the work it finds done (for
# its identity) and every model call is looked up in llm_calls first; a Prefect cache keyed on the
# inputs would replay a result that a copied, deleted or edited database no longer holds.
@task(cache_policy=NONE)
async def stage_task(stage: str, db: str, run_id: str, catalog: str | None = None) -> dict[str, Any]:
    """Run one stage of muse_core.stages with the configuration recorded in the run's row."""
    with Store(db) as store:
        ctx = stage_context(store, run_id, catalog=Path(catalog) if catalog else None)
        return report_dict(await BY_NAME[stage].run(ctx))


def stage_context(store: Store, run_id: str, catalog: Path | None = None) -> StageContext:
    """A task's context: the run's recorded configuration, and progress bars if the CLI asked."""
    return StageContext.open(store, run_config(store, run_id), run_id, progress(show_progress.get()), catalog)


async def run_stage(stage: str, config: MuseConfig, run_id: str, **params: Any) -> dict[str, Any]:
    """The stage's task, named after the stage so the Prefect UI shows one task per stage; split
    over the cluster's workers when the configuration gives some and the stage shards."""
    def whole() -> Any:
        return stage_task.with_options(name=stage)(stage, str(config.db), run_id, **params)

    if BY_NAME[stage].shards:  # what a killed sharded run finished first, so it is not done again
        merge_leftovers(config.db, stage, BY_NAME[stage].writes)
    if config.scale.sharded and BY_NAME[stage].shards:
        from muse_flows.scale import run_sharded  # Dask is imported only by runs that use it

        return await run_sharded(stage, config, run_id, whole)
    return await whole()
