"""Does a conversation cost more as the run grows? Time per conversation of simulate + rewrite +
review at a small and a large run, on a generated catalog.

    python benchmarks/growth_bench.py [--products 5000] [--small 200] [--large 2000] [--workdir DIR]

Draws a catalog of `--products` generated products (`muse sample-catalog`), then, in this process
through the stage registry: ingest, summaries, BM25 index, scenarios and `--large` offline
profiles (kept in `--workdir` and reused). Two copies of that database then run simulate +
rewrite + review, one for `--small` conversations and one for `--large`; the figure is the time
per conversation of each and their ratio (wall and CPU seconds). With costs that do not grow with
the tables (the call cache, batched writes, per-stage reads), the ratio stays near 1.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from muse_core.config import MuseConfig, load_config
from muse_core.context import StageContext
from muse_core.runs import start_run
from muse_core.stages import BY_NAME, run_stages
from muse_core.store import Store


def config_for(db: Path, conversations: int, profiles: int) -> MuseConfig:
    return load_config(db=db, retrieval={"retriever": "bm25"}, profiles={"n": profiles},
                       conversations={"n": conversations}).with_offline_engine()


def prepare(db: Path, catalog: Path, profiles: int) -> None:
    config = config_for(db, profiles, profiles)
    with Store(db) as store:
        run_id = start_run(store, "bench-setup", config)

        async def setup() -> None:
            ctx = StageContext.open(store, config, run_id, catalog=catalog)
            await run_stages(ctx, ("ingest", "summaries", "index", "scenarios", "profiles"))

        asyncio.run(setup())
        made = store.scalar("SELECT count(*) FROM profiles")
    if made < profiles:
        sys.exit(f"only {made} of {profiles} profiles were made; the catalog is too small for the large run")


def conversations(db: Path, catalog: Path, n: int, profiles: int) -> tuple[float, float]:
    """Wall and CPU seconds of simulate + rewrite + review for `n` conversations."""
    config = config_for(db, n, profiles)
    with Store(db) as store:
        run_id = start_run(store, "bench", config)

        async def go() -> None:
            ctx = StageContext.open(store, config, run_id, catalog=catalog)
            for name in ("simulate", "rewrite", "review"):
                await BY_NAME[name].run(ctx)

        wall, cpu = time.perf_counter(), time.process_time()
        asyncio.run(go())
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        made = store.scalar("SELECT count(*) FROM conversations")
    if made < n * 0.95:
        sys.exit(f"only {made} of {n} conversations were made")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--workdir", type=Path, help="keeps the catalog and the prepared database for reuse")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="muse-growth-"))
    work.mkdir(parents=True, exist_ok=True)
    catalog, prepared = work / f"catalog-{args.products}" / "catalog.jsonl", work / f"profiles-{args.large}.duckdb"
    if not catalog.exists():
        subprocess.run([sys.executable, "-m", "muse_flows.cli", "sample-catalog", "--n", str(args.products),
                        "--out", str(catalog.parent)], check=True, capture_output=True)
    if not prepared.exists():
        started = time.perf_counter()
        print(f"preparing {args.large} profiles over {args.products} products ...", flush=True)
        building = prepared.with_suffix(".building")
        prepare(building, catalog, args.large)
        building.rename(prepared)
        print(f"  prepared in {time.perf_counter() - started:.0f} s", flush=True)
    per = {}
    for n in (args.small, args.large):
        db = work / f"run-{n}.duckdb"
        shutil.copy(prepared, db)
        wall, cpu = conversations(db, catalog, n, args.large)
        db.unlink()
        per[n] = (wall / n, cpu / n)
        print(f"{n:>6} conversations: {wall:8.1f} s  {cpu:8.1f} CPU-s  {1000 * wall / n:7.1f} ms and "
              f"{1000 * cpu / n:7.1f} CPU-ms per conversation", flush=True)
    (small_wall, small_cpu), (large_wall, large_cpu) = per[args.small], per[args.large]
    print(f"time per conversation at {args.large} over at {args.small}: {large_wall / small_wall:.2f}x wall, "
          f"{large_cpu / small_cpu:.2f}x CPU (target: within 1.2x)")


if __name__ == "__main__":
    main()
