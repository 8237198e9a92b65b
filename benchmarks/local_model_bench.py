"""A real language model through the whole pipeline: llama.cpp + SmolLM2-135M-Instruct (the
`local` extra) on loopback, `muse run` on the first N products of the bundled sample.

    python benchmarks/local_model_bench.py [--products 20] [--conversations 3] [--db PATH]

Reports, from the run's `llm_calls` rows and the server's own access log: requests per second,
prompt and completion tokens per second, the share of answers invalid on the first try, re-asks
per call, and conversations completed. The figures describe this model on this machine (2 cores,
one request at a time); they are not a statement about model quality.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from muse_core.local_model import MODEL, LocalServer  # noqa: E402
from tests.helpers import write_sample_subset  # noqa: E402


def server_timings(log: Path) -> tuple[float, float, float]:
    """llama.cpp's own timings from its log: prompt tokens/s, generated tokens/s, seconds busy."""
    text = log.read_text(encoding="utf-8", errors="replace")
    prompt = re.findall(r"prompt eval time =\s+([\d.]+) ms /\s+(\d+) tokens", text)
    generated = re.findall(r"\n\S+\s+eval time =\s+([\d.]+) ms /\s+(\d+) runs", text)
    busy = sum(float(ms) for ms in re.findall(r"total time =\s+([\d.]+) ms", text)) / 1000

    def rate(pairs: list[tuple[str, str]]) -> float:
        seconds = sum(float(ms) for ms, _ in pairs) / 1000
        return sum(int(n) for _, n in pairs) / seconds if seconds else 0.0

    return rate(prompt), rate(generated), busy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=20)
    parser.add_argument("--conversations", type=int, default=3)
    parser.add_argument("--db", type=Path, help="keep the database here (default: a temporary folder)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="muse-local-bench-"))
    db = args.db or work / "local.duckdb"
    catalog = write_sample_subset(work / "catalog", args.products)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    with LocalServer(log=work / "server.log") as server:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "muse_flows.cli", "run", "--db", str(db), "--catalog", str(catalog),
             "--config", str(ROOT / "examples" / "local-smollm2.toml"), "--conversations", str(args.conversations),
             "--model", MODEL, "--api-base", server.url], cwd=work, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        requests = server.requests()
    prompt_rate, generation_rate, busy_s = server_timings(work / "server.log")
    with duckdb.connect(str(db), read_only=True) as con:
        answers, invalid, errors, prompt, completion = con.execute(
            "SELECT count(*) FILTER (WHERE status IN ('ok', 'invalid')), count(*) FILTER (WHERE status = 'invalid'),"
            " count(*) FILTER (WHERE status = 'error'), coalesce(sum(prompt_tokens), 0),"
            " coalesce(sum(completion_tokens), 0) FROM llm_calls").fetchone()
        # a call's first answer is its attempt 0 under the first cache key of its (entity, skill)
        firsts = con.execute(
            "WITH first AS (SELECT entity_id, skill, arg_min(status, created_at) AS status FROM llm_calls"
            " WHERE status IN ('ok', 'invalid') GROUP BY ALL)"
            " SELECT count(*), count(*) FILTER (WHERE status = 'invalid') FROM first").fetchone()
        conversations = con.execute("SELECT count(*) FROM conversations").fetchone()[0]
        kept = con.execute("SELECT count(*) FROM reviews WHERE kept").fetchone()[0]
    print(f"model: {MODEL} (llama.cpp, {server.gguf.name}), {args.products} products, "
          f"{args.conversations} conversations asked; run exit code {result.returncode}")
    if result.returncode:
        print("  run stopped: " + (result.stderr.strip().splitlines() or ["?"])[-1])
    print(f"  wall {wall:.0f} s; server requests {requests} ({requests / wall:.3f} requests/s)")
    print(f"  answers {answers}, transport errors {errors}; tokens (the server's counts) {prompt:,} in, "
          f"{completion:,} out")
    print(f"  llama.cpp: prompt {prompt_rate:.0f} tokens/s, generation {generation_rate:.1f} tokens/s, "
          f"busy {busy_s:.0f} s of {wall:.0f} s (one request at a time)")
    print(f"  invalid on the first try: {firsts[1]} of {firsts[0]} calls ({firsts[1] / max(firsts[0], 1):.1%}); "
          f"re-asks per call {invalid / max(firsts[0], 1):.2f}")
    print(f"  conversations completed {conversations} of {args.conversations}, kept by the reviewer {kept}")
    print(f"  database: {db}")


if __name__ == "__main__":
    main()
