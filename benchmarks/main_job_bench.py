"""The README's main job: `muse run --offline` on the bundled sample (200 conversations), whole and
stage by stage.

    python benchmarks/main_job_bench.py [--conversations 200] [--skip-cli]

1. `muse run --offline` as a user runs it, in a new process in an empty folder: wall seconds and
   CPU-seconds (user + system of the process and its children), Prefect and start-up included.
2. The same stages in this process, one after another on one context as the flows run them
   (muse_core.stages.DATASET_STAGES), each timed: wall and CPU seconds per stage, and its share.
Machines are noisy: compare the figures of one run with each other, and CPU-seconds across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from muse_core.config import load_config
from muse_core.context import StageContext
from muse_core.runs import start_run
from muse_core.stages import DATASET_STAGES
from muse_core.store import Store


def cli_run(n: int) -> tuple[float, float]:
    """Wall and CPU seconds of `muse run --offline --conversations n` in a new process."""
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "muse_flows.cli", "run", "--offline", "--conversations", str(n),
                        "--db", str(Path(tmp) / "muse.duckdb")], cwd=tmp, check=True, capture_output=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def stage_by_stage(n: int) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of each dataset stage, in this process."""
    times: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(db=Path(tmp) / "muse.duckdb", profiles={"n": n},
                             conversations={"n": n}).with_offline_engine()
        with Store(config.db) as store:
            run_id = start_run(store, "bench", config)

            async def go() -> None:
                ctx = StageContext.open(store, config, run_id)
                for stage in DATASET_STAGES:
                    wall, cpu = time.perf_counter(), time.process_time()
                    await stage.run(ctx)
                    times[stage.name] = (time.perf_counter() - wall, time.process_time() - cpu)

            asyncio.run(go())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--skip-cli", action="store_true", help="only the stage-by-stage breakdown")
    args = parser.parse_args()
    n = args.conversations
    if not args.skip_cli:
        wall, cpu = cli_run(n)
        print(f"muse run --offline --conversations {n}: {wall:.1f} s wall, {cpu:.1f} CPU-s", flush=True)
    times = stage_by_stage(n)
    total_wall, total_cpu = sum(w for w, _ in times.values()), sum(c for _, c in times.values())
    print(f"\nthe same stages in this process ({n} conversations):")
    print(f"  {'stage':<10} {'wall s':>8} {'CPU-s':>8} {'share of CPU':>13}")
    for name, (wall, cpu) in times.items():
        print(f"  {name:<10} {wall:8.1f} {cpu:8.1f} {100 * cpu / total_cpu:12.0f}%")
    print(f"  {'total':<10} {total_wall:8.1f} {total_cpu:8.1f}")


if __name__ == "__main__":
    main()
