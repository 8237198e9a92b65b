"""How long `muse sql` takes to start, against baselines measured in the same run:
`python -c pass` (the interpreter) and `python -c "import duckdb"` (the one library the query
needs). Prints wall seconds and CPU seconds (user + system, from getrusage of the child: what the
start costs a loaded machine), medians of --runs, and the ratios; not a test, machines differ.

    python benchmarks/cli_start_bench.py [--runs 7] [--db PATH]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_seconds(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of running `command`."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = children_cpu(), time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        cpus.append(children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="A muse database (default: a new empty one).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from muse_core.store import Store

            db = Path(tmp) / "bench.duckdb"
            with Store(db):  # the schema only: start-up, not the query, is measured
                pass
        python = [sys.executable]
        cases = {
            "python -c pass": [*python, "-c", "pass"],
            "python -c 'import duckdb'": [*python, "-c", "import duckdb"],
            "muse sql 'SELECT 1'": [*python, "-m", "muse_flows.cli", "sql", "--db", str(db), "SELECT 1"],
        }
        median_seconds(cases["muse sql 'SELECT 1'"], 1)  # warm the file cache
        seconds = {name: median_seconds(command, args.runs) for name, command in cases.items()}
    (base, base_cpu), (duck, duck_cpu), (muse, muse_cpu) = seconds.values()
    print(f"{'':28s} {'wall':>8s} {'CPU':>8s}")
    for name, (wall, cpu) in seconds.items():
        print(f"{name:28s} {wall:6.3f} s {cpu:6.3f} s")
    print(f"muse sql / python          {muse / base:6.1f}x {muse_cpu / base_cpu:6.1f}x")
    print(f"muse sql / import duckdb   {muse / duck:6.1f}x {muse_cpu / duck_cpu:6.1f}x")
    print(f"muse sql beyond duckdb     {muse - duck:6.3f} s {muse_cpu - duck_cpu:6.3f} s"
          " (target: muse sql under 1.5 CPU-s)")


if __name__ == "__main__":
    main()
