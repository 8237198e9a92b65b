"""Offline conversations end to end, and what the LLM gateway costs per call.

    python benchmarks/conversation_bench.py [--conversations 40] [--db PATH]

1. Builds (or reuses, with --db) a database with the bundled sample catalog ingested, BM25-indexed
   and `--conversations` offline profiles, then times simulate + rewrite + review of that many
   conversations with the offline engine: conversations per second per stage and overall.
2. Records every gateway call those stages made, then, in the same process, replays the same
   calls three ways: a bare loop of the offline engine (`engine.answer` on the same inputs and
   decoded images), the gateway on an emptied call table (every call a miss: render, hash,
   image fetch, provider, validation, one `llm_calls` row), and the gateway again (every call a
   cache hit). The gateway's overhead per call is its time minus the bare loop's, and its ratio.
Timings are ratios against baselines measured in the same run: machines are noisy.
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
from muse_core.seeding import derive_seed
from muse_core.stages import BY_NAME, run_stages
from muse_core.store import Store
from muse_plugins.offline import engine


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


def stages(db: Path, n: int) -> dict[str, float]:
    config = config_for(db, n)
    times = {}
    with Store(db) as store:
        run_id = start_run(store, "bench", config)

        async def go() -> None:
            ctx = StageContext.open(store, config, run_id)
            for name in ("simulate", "rewrite", "review"):
                start = time.perf_counter()
                await BY_NAME[name].run(ctx)
                times[name] = time.perf_counter() - start

        asyncio.run(go())
    return times


def replay(db: Path, n: int, calls: list[tuple]) -> dict[str, float]:
    config = config_for(db, n)
    with Store(db) as store:
        images = {pid: bytes(blob) for pid, blob in store.con.execute(
            "SELECT product_id, image FROM product_images WHERE variant = 'MAIN'").fetchall()}
        gateway = Gateway(store, config, start_run(store, "bench-replay", config))
        seeds = [derive_seed(config.seed, entity, skill) for skill, _, _, _, entity in calls]  # as the gateway does
        start = time.perf_counter()
        for (skill, inputs, _, pids, _), seed in zip(calls, seeds):
            engine.answer(skill, inputs, [images[p] for p in pids], seed)
        bare = time.perf_counter() - start
        store.con.execute("DELETE FROM llm_calls")

        async def through_gateway() -> list[float]:
            passes = []
            for _ in ("misses", "hits"):
                begin = time.perf_counter()
                for skill, inputs, output, pids, entity in calls:
                    await gateway.run(skill, inputs, output=output, image_product_ids=pids, entity_id=entity)
                passes.append(time.perf_counter() - begin)
            return passes

        miss, hit = asyncio.run(through_gateway())
    return {"bare": bare, "miss": miss, "hit": hit}


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
        total = sum(times.values())
        n = args.conversations
        print(f"\n{n} offline conversations over the bundled sample (BM25):")
        for stage, seconds in times.items():
            print(f"  {stage:<9} {seconds:7.2f} s   {n / seconds:7.2f} conversations/s")
        print(f"  {'total':<9} {total:7.2f} s   {n / total:7.2f} conversations/s end to end "
              f"({len(recorder.calls)} model calls, {len(recorder.calls) / n:.1f} per conversation)")
        t = replay(db, n, recorder.calls)
        calls = len(recorder.calls)
        per = {k: 1000 * v / calls for k, v in t.items()}
        print(f"\nthe same {calls} calls, replayed serially in this process:")
        print(f"  bare offline engine loop  {per['bare']:7.3f} ms/call   (baseline)")
        print(f"  gateway, cache misses     {per['miss']:7.3f} ms/call   overhead {per['miss'] - per['bare']:6.3f} ms/call,"
              f" ratio {t['miss'] / t['bare']:.2f}x")
        print(f"  gateway, cache hits       {per['hit']:7.3f} ms/call   ratio {t['hit'] / t['bare']:.2f}x")


if __name__ == "__main__":
    main()
