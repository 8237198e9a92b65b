"""What the LLM gateway costs per call over the bare offline engine, as `llm_calls` grows.

    python benchmarks/gateway_bench.py [--conversations 10] [--rows 10000,100000,1000000]

1. Records every gateway call of simulate + rewrite + review for `--conversations` offline
   conversations over the bundled sample (BM25).
2. Replays those calls serially in one process: a bare loop of the offline engine (`engine.answer`
   on the same inputs, decoded images and seeds) is the baseline. Then, for each size in `--rows`,
   on a copy of the database whose `llm_calls` is padded with other calls to that many rows, the
   gateway as a stage uses it (records written in groups) on the same calls: first every call a
   miss (render, hash, lookup, provider, validation, its row written), then every call a hit.
The overhead per miss is (gateway misses - bare loop) / calls; a hit does not call the engine,
so its cost is the whole time of the hit pass / calls. Ratios against the bare loop of the same
run: machines are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conversation_bench import Recorder, build, config_for, stages  # noqa: E402

from muse_core.config import OfflineConfig  # noqa: E402
from muse_core.llm import Gateway  # noqa: E402
from muse_core.runs import start_run  # noqa: E402
from muse_core.seeding import derive_seed  # noqa: E402
from muse_core.store import Store  # noqa: E402
from muse_plugins.offline import engine  # noqa: E402


def pad(db: Path, rows: int) -> None:
    """Add calls with other keys until `llm_calls` holds `rows` rows (shaped like real ones)."""
    with Store(db) as store:
        missing = rows - int(store.scalar("SELECT count(*) FROM llm_calls"))
        if missing > 0:
            store.con.execute(
                "INSERT INTO llm_calls (call_id, cache_key, run_id, role, skill, skill_version, entity_id, provider,"
                " model, params, request, response, status, attempt, latency_ms, pricing)"
                " SELECT md5('pad' || i), sha256('pad' || i), 'padding', 'agent', 'user_needs', 1, 'c' || i,"
                " 'offline', 'offline', '{}', '[{\"role\": \"user\", \"content\": \"' || repeat('words ', 200) || '\"}]',"
                " 'an answer of about a hundred characters, ' || i, 'ok', 0, 1.0, 'offline' FROM range(?) t(i)",
                [missing])


def replay(db: Path, n: int, calls: list[tuple]) -> dict[str, float]:
    # no spoilt first answers: a re-ask would call the engine twice where the bare loop calls it once
    config = config_for(db, n).model_copy(update={"offline": OfflineConfig(malformed_p=0.0)})
    with Store(db) as store:
        gateway = Gateway(store, config, start_run(store, "bench-replay", config), batch_writes=True)

        async def one_pass() -> float:
            begin = time.perf_counter()
            for skill, inputs, output, pids, entity in calls:
                await gateway.run(skill, inputs, output=output, image_product_ids=pids, entity_id=entity)
            gateway.flush()
            return time.perf_counter() - begin

        miss = asyncio.run(one_pass())
        hit = asyncio.run(one_pass())
        assert gateway.stats.misses == len(calls) and gateway.stats.hits == len(calls), gateway.stats
    return {"miss": miss, "hit": hit}


def bare(db: Path, n: int, calls: list[tuple]) -> float:
    config = config_for(db, n)
    with Store(db, read_only=True) as store:
        images = {pid: bytes(blob) for pid, blob in store.con.execute(
            "SELECT product_id, image FROM product_images WHERE variant = 'MAIN'").fetchall()}
    seeds = [derive_seed(config.seed, entity, skill) for skill, _, _, _, entity in calls]  # as the gateway does
    start = time.perf_counter()
    for (skill, inputs, _, pids, _), seed in zip(calls, seeds):
        engine.answer(skill, inputs, [images[p] for p in pids], seed)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--rows", default="10000,100000,1000000", help="sizes of llm_calls, comma-separated")
    args = parser.parse_args()
    n, sizes = args.conversations, [int(r) for r in args.rows.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        recorded = Path(tmp) / "recorded.duckdb"
        print(f"recording the calls of {n} offline conversations ...", flush=True)
        build(recorded, n)
        with Recorder() as recorder:
            stages(recorded, n)
        calls = recorder.calls
        with Store(recorded) as store:  # the replay must miss: only the catalog and profiles stay
            store.con.execute("DELETE FROM llm_calls")
        baseline = bare(recorded, n, calls)
        print(f"\n{len(calls)} gateway calls, replayed serially; bare offline engine loop "
              f"{1000 * baseline / len(calls):.3f} ms/call (baseline)")
        print(f"{'llm_calls rows':>15} {'miss overhead':>15} {'hit':>12} {'miss ratio':>11} {'hit ratio':>10}")
        for rows in sizes:
            db = Path(tmp) / f"rows{rows}.duckdb"
            shutil.copy(recorded, db)
            pad(db, rows)
            t = replay(db, n, calls)
            db.unlink()
            miss, hit = 1000 * (t["miss"] - baseline) / len(calls), 1000 * t["hit"] / len(calls)
            print(f"{rows:>15,} {miss:>12.3f} ms {hit:>9.3f} ms {t['miss'] / baseline:>10.2f}x "
                  f"{t['hit'] / baseline:>9.2f}x", flush=True)


if __name__ == "__main__":
    main()
