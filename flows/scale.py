"""A stage over a Dask cluster: Prefect's Dask task runner runs one task per shard, each on a copy
of the database (muse_core/shards.py); this process merges them, then runs the stage once more to
finish anything a shard left and to report the totals. docs/scale-out.md tells the whole story."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.futures import as_completed

from muse_core.config import MuseConfig, ScaleConfig
from muse_core.context import StageContext
from muse_core.progress import Progress
from muse_core.runs import run_config
from muse_core.shards import Shard, combine_reports, make_shards, merge_shards, prepare_shard_store
from muse_core.stages import BY_NAME, report_dict
from muse_core.store import Store


@task(cache_policy=NONE)
async def shard_task(stage: str, path: str, run_id: str, index: int, count: int) -> dict[str, Any]:
    """One shard of a stage, in a worker process, on its own copy of the database."""
    with prepare_shard_store(Path(path)) as store:
        config = run_config(store, run_id)
        ctx = StageContext.open(store, config, run_id, Progress.silent(), shard=Shard(index, count))
        ctx.gateway.limit.shared = shared_rate(config, run_id)
        before = _cache_counts(store, run_id)
        report = report_dict(await BY_NAME[stage].run(ctx))
        ctx.gateway.flush_stats()
        after = _cache_counts(store, run_id)
        return {"report": report, "cache_hits": after[0] - before[0], "cache_misses": after[1] - before[1]}


def _cache_counts(store: Store, run_id: str) -> tuple[int, int]:
    return store.con.execute("SELECT cache_hits, cache_misses FROM runs WHERE run_id = ?", [run_id]).fetchone()


# -- rate limits for the whole cluster -----------------------------------------------------------
# Each worker's gateway keeps its own limits; the configured requests and tokens per minute also
# hold for all of them together through two Prefect global concurrency limits with slot decay (a
# token bucket on the Prefect server every worker reports to). A bucket of B slots refilled at r per
# second lets at most B + 60 r through in any minute: B is a tenth of the limit, r the rest over 60 s.
def _buckets(config: MuseConfig, run_id: str) -> list[tuple[str, int, float]]:
    """(limit name, slots, decay per second) of each configured per-minute ceiling."""
    gw, buckets = config.gateway, []
    for what, per_minute in (("requests", gw.requests_per_minute), ("tokens", gw.tokens_per_minute)):
        if per_minute is not None:
            slots = max(1, int(per_minute // 10))
            buckets.append((f"muse-{run_id}-{what}", slots, max(per_minute - slots, 1.0) / 60))
    return buckets


async def create_rate_limits(config: MuseConfig, run_id: str) -> None:
    """The run's global concurrency limits on the Prefect server (kept if they exist)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists

    async with get_client() as client:
        for name, slots, decay in _buckets(config, run_id):
            try:
                await client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=name, limit=slots, slot_decay_per_second=decay))
            except ObjectAlreadyExists:
                pass


def shared_rate(config: MuseConfig, run_id: str) -> Callable[[int], Awaitable[None]] | None:
    """What a shard's gateway awaits before each attempt: a slot of each cluster-wide limit (a call
    larger than the token bucket takes the whole bucket)."""
    buckets = _buckets(config, run_id)
    if not buckets:
        return None
    from prefect.concurrency.asyncio import rate_limit

    async def take(tokens: int) -> None:
        for name, slots, _ in buckets:
            await rate_limit(name, occupy=1 if name.endswith("-requests") else min(tokens, slots), strict=True)
    return take


@flow(name="muse-shards")
def shards_flow(stage: str, paths: list[str], run_id: str) -> list[dict[str, Any] | str]:
    """Every shard's task at once; each one's report, or why it failed."""
    futures = [shard_task.with_options(name=f"{stage}-shard-{i}").submit(stage, path, run_id, i, len(paths))
               for i, path in enumerate(paths)]
    from muse_flows.common import progress, show_progress  # (a module global would be pickled with the task)

    bar = progress(show_progress.get())  # the workers draw nothing: here, shards as they finish
    with bar.task(f"{stage}: shards on the cluster", total=len(futures)):
        for _ in as_completed(futures):
            bar.advance()
    outcomes: list[dict[str, Any] | str] = []
    for future in futures:
        result = future.result(raise_on_failure=False)  # a failed shard's exception
        outcomes.append(result if isinstance(result, dict) else f"{type(result).__name__}: {result}")
    return outcomes


@contextmanager
def cluster(config: MuseConfig) -> Iterator[MuseConfig]:
    """The configuration the stages of a flow run with: for `workers`, a local Dask cluster of that
    many worker processes (one thread each: a shard is one event loop), started once for all the
    stages and named as the scheduler they use; otherwise `config` as it is."""
    if config.scale.workers is None:
        yield config
        return
    from distributed import LocalCluster
    from prefect.settings import PREFECT_API_URL

    # Dask's own INFO lines (workers starting and closing) only when muse logs INFO too
    level = logging.getLevelName(max(logging.getLogger().getEffectiveLevel(), logging.INFO))
    logging.getLogger("distributed").setLevel(level)
    env = {"DASK_LOGGING__DISTRIBUTED": level.lower()}
    if PREFECT_API_URL.value():  # the workers report their task runs to this process's Prefect server
        env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    with LocalCluster(n_workers=config.scale.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      env=env) as local:
        yield config.model_copy(update={"scale": ScaleConfig(cluster=local.scheduler_address)})


def shard_count(address: str) -> int:
    """One shard per worker of the scheduler at `address`; a scheduler that cannot be reached or
    has no worker is a RuntimeError of one line."""
    from distributed import Client

    try:
        with Client(address, timeout=10) as client:
            workers = len(client.scheduler_info()["workers"])
    except OSError as exc:
        raise RuntimeError(f"cannot reach the Dask scheduler at {address} ({exc}); is it running? "
                           "(docs/scale-out.md)") from None
    if not workers:
        raise RuntimeError(f"the Dask scheduler at {address} has no workers: start some (dask worker {address})")
    return workers


async def run_sharded(stage: str, config: MuseConfig, run_id: str,
                      last_pass: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Run the shards, merge them, then `last_pass` (the stage in this process: it finds the
    shards' work done and reports the totals)."""
    from prefect_dask import DaskTaskRunner

    definition = BY_NAME[stage]

    address = config.scale.cluster
    if address is None:
        raise RuntimeError("a sharded stage runs inside `cluster(config)`, which names its scheduler")
    await create_rate_limits(config, run_id)
    paths = [str(path) for _, path in make_shards(config.db, stage, shard_count(address))]
    outcomes = shards_flow.with_options(task_runner=DaskTaskRunner(address=address), name=f"muse-{stage}-shards")(
        stage, paths, run_id)
    done = [o for o in outcomes if isinstance(o, dict)]
    with Store(config.db) as store:  # what every shard finished, failed ones included
        merge_shards(store, definition.writes, [Path(p) for p in paths if Path(p).exists()])
        # the shards' calls count in the run's row (a failed shard's are lost with its report)
        store.con.execute("UPDATE runs SET cache_hits = cache_hits + ?, cache_misses = cache_misses + ?"
                          " WHERE run_id = ?", [sum(o["cache_hits"] for o in done),
                                                sum(o["cache_misses"] for o in done), run_id])
    failed = [o for o in outcomes if isinstance(o, str)]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(paths)} shard(s) of stage {stage} failed (their finished work "
                           f"is merged; run again to finish): {failed[0]}")
    final = await last_pass()
    return combine_reports(final, [o["report"] for o in done], definition.counts)
