"""Scale-out (issue 15): conversations per second with 1, 2 and 4 Dask workers against a slow model.

    python benchmarks/scale_bench.py [--conversations 80] [--latency 0.2] [--workers 1,2,4] [--workdir DIR]

The model is `muse offline-server` in its own process on loopback, adding `--latency` s to every
answer (a slow self-hosted model); every role calls it through the `openai-compatible` provider
with the gateway's default 8 calls in flight per process and no requests-per-minute limit. A
database with the bundled sample and `--conversations` offline profiles is built once (in
`--workdir`, reused); each worker count then runs `muse conversations --workers N` on a fresh copy
of it, as a user would (the CLI, its Prefect server, a local Dask cluster). Printed per count: wall
seconds, conversations per second, and the efficiency, throughput / (N x the throughput of one
worker). Beside them, "fixed s": the same command on the finished copy again (every call
replayed), the fixed cost of a sharded run (start-up, cluster, copies, merges); and "net": the
rates with it taken off.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from concurrency_bench import Server  # noqa: E402

from tests.helpers import build_profiles_db  # noqa: E402


def served_config(folder: Path, db: Path, url: str, conversations: int) -> Path:
    path = folder / "served.toml"
    path.write_text(f"""
db = "{db}"
[all_roles]
provider = "openai-compatible"
model = "offline"
api_base = "{url}"
send_inputs = true
timeout_s = 60
[gateway]
requests_per_minute = "off"
tokens_per_minute = "off"
[retrieval]
retriever = "bm25"
[profiles]
n = {conversations}
scenarios = 70
""")
    return path


def timed(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "muse_flows.cli", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"muse {' '.join(args)} failed: {result.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=80)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="muse-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    base = workdir / f"profiles-{args.conversations}.duckdb"
    if not base.exists():
        Console(stderr=True).print(f"building the sample database with {args.conversations} profiles ...")
        build_profiles_db(base, args.conversations)
    rows = []
    with Server(args.latency) as server:
        for n in counts:
            folder = workdir / f"workers-{n}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            db = folder / "muse.duckdb"
            shutil.copyfile(base, db)
            config = served_config(folder, db, server.url, args.conversations)
            command = ["conversations", "--config", str(config), "--workers", str(n)]
            rows.append((n, timed(command, folder), timed(command, folder)))
    one = args.conversations / rows[0][1] if rows and rows[0][0] == 1 else None
    one_net = args.conversations / (rows[0][1] - rows[0][2]) if one else None
    table = Table(title=f"{args.conversations} conversations, {args.latency * 1000:.0f} ms per call, 8 in flight "
                        "per worker")
    for column in ("workers", "wall s", "conv/s", "efficiency", "fixed s", "conv/s net", "efficiency net"):
        table.add_column(column, justify="right")
    for n, wall, fixed in rows:
        rate, net = args.conversations / wall, args.conversations / max(wall - fixed, 1e-9)
        table.add_row(str(n), f"{wall:.1f}", f"{rate:.2f}", f"{rate / (n * one):.0%}" if one else "-",
                      f"{fixed:.1f}", f"{net:.2f}", f"{net / (n * one_net):.0%}" if one_net else "-")
    Console().print(table)


if __name__ == "__main__":
    main()
