"""Offline conversations end to end: simulate + rewrite + review.

    python benchmarks/conversation_bench.py [--conversations 40] [--db PATH]

Builds (or reuses, with --db) a database with the bundled sample catalog ingested, BM25-indexed
and `--conversations` offline profiles, then times simulate + rewrite + review of that many
conversations with the offline engine: conversations per second per stage and overall, and the
CPU-seconds the process spent. What the gateway costs per call is benchmarks/gateway_bench.py.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from muse_core.config import MuseConfig, load_config
from muse_core.context import StageContext
from muse_core.llm import Gateway
from muse_core.runs import start_run
from muse_core.stages import BY_NAME, run_stages
from muse_core.store import Store


def config_for(db: Path, n: int) -> MuseConfig:
    return load_config(db=db, retrieval={"retriever": "bm25"}, profiles={"n": n, "scenarios": 70},
                       conversations={"n": n}).with_offline_engine()


def build(db: Path, n: int) -> None:
    """The sample ingested, summarised, BM25-indexed, and `n` profiles: the stages of
    muse_core.stages in one event loop (one gateway per loop: its limits belong to the loop)."""
    config = config_for(db, n)
    with Store(db) as store:
        run_id = start_run(store, "bench-setup", config)

        async def setup() -> None:
            await run_stages(StageContext.open(store, config, run_id),
                             ("ingest", "summaries", "index", "scenarios", "profiles"))

        asyncio.run(setup())


class Recorder:
    """Wraps Gateway.run to remember every call's arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self._real = Gateway.run

    def __enter__(self) -> Recorder:
        real, calls = self._real, self.calls

        async def recording(gw, skill, inputs, *, output=None, image_product_ids=(), entity_id="", role=None):
            calls.append((skill, inputs, output, list(image_product_ids), entity_id))
            return await real(gw, skill, inputs, output=output, image_product_ids=image_product_ids,
                              entity_id=entity_id, role=role)

        Gateway.run = recording
        return self

    def __exit__(self, *exc) -> None:
        Gateway.run = self._real


def stages(db: Path, n: int) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of simulate, rewrite and review, run as `muse run` runs them."""
    config = config_for(db, n)
    times = {}
    with Store(db) as store:
        run_id = start_run(store, "bench", config)

        async def go() -> None:
            ctx = StageContext.open(store, config, run_id)
            for name in ("simulate", "rewrite", "review"):
                wall, cpu = time.perf_counter(), time.process_time()
                await BY_NAME[name].run(ctx)
                times[name] = (time.perf_counter() - wall, time.process_time() - cpu)

        asyncio.run(go())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--db", type=Path, help="a database with enough offline profiles (built if absent)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        if args.db and args.db.exists():
            shutil.copy(args.db, db)
        else:
            print(f"building the sample database with {args.conversations} profiles ...", flush=True)
            build(db, args.conversations)
            if args.db:
                shutil.copy(db, args.db)
        with Recorder() as recorder:
            times = stages(db, args.conversations)
        n = args.conversations
        wall, cpu = sum(w for w, _ in times.values()), sum(c for _, c in times.values())
        print(f"\n{n} offline conversations over the bundled sample (BM25):")
        for stage, (seconds, cpu_s) in times.items():
            print(f"  {stage:<9} {seconds:7.2f} s  {cpu_s:7.2f} CPU-s  {n / seconds:7.2f} conversations/s")
        print(f"  {'total':<9} {wall:7.2f} s  {cpu:7.2f} CPU-s  {n / wall:7.2f} conversations/s end to end "
              f"({len(recorder.calls)} model calls, {len(recorder.calls) / n:.1f} per conversation)")

if __name__ == "__main__":
    main()
