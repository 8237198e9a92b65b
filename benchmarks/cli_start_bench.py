"""How long `muse sql` takes to start, against baselines measured in the same run:
`python -c pass` (the interpreter) and `python -c "import duckdb"` (the one library the query
needs). Prints seconds (median of --runs) and the ratios; not a test, machines differ.

    python benchmarks/cli_start_bench.py [--runs 7] [--db PATH]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
    base, duck, muse = seconds.values()
    for name, value in seconds.items():
        print(f"{name:28s} {value:6.3f} s")
    print(f"muse sql / python          {muse / base:6.1f}x")
    print(f"muse sql / import duckdb   {muse / duck:6.1f}x")
    print(f"muse sql beyond duckdb     {muse - duck:6.3f} s (target: muse sql under 1.5 s)")


if __name__ == "__main__":
    main()
