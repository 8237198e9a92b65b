"""The benchmarks must keep running; their timings are read by people, not asserted here."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_retrieval_benchmark_runs_small_and_is_exact() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "retrieval_bench.py"), "--n", "3000",
                          "--dim", "32", "--queries", "5"], capture_output=True, text=True, timeout=300, check=True).stdout
    ours = next(line for line in out.splitlines() if "muse dense retriever" in line)
    assert "recall@10 1.000" in ours and "latency ratio" in ours


def test_dedup_benchmark_runs_small_and_agrees() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "dedup_bench.py"), "--n", "300",
                          "--exhaustive-prefix", "60"], capture_output=True, text=True, timeout=300, check=True).stdout
    assert "decisions identical" in out and "speed ratio" in out


def test_conversation_benchmark_runs_small() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "conversation_bench.py"), "--conversations", "5"],
                         capture_output=True, text=True, timeout=600, check=True, cwd=ROOT).stdout
    assert "conversations/s end to end" in out and "CPU-s" in out


def test_gateway_benchmark_runs_small() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gateway_bench.py"), "--conversations", "2",
                          "--rows", "3000"], capture_output=True, text=True, timeout=600, check=True, cwd=ROOT).stdout
    assert "bare offline engine loop" in out and "3,000" in out


def test_main_job_benchmark_runs_small() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "main_job_bench.py"), "--conversations", "2",
                          "--skip-cli"], capture_output=True, text=True, timeout=900, check=True, cwd=ROOT).stdout
    assert "simulate" in out and "profiles" in out and "share of CPU" in out


def test_concurrency_benchmark_runs_small() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "concurrency_bench.py"), "--calls", "64",
                          "--skip-throttled"], capture_output=True, text=True, timeout=600, check=True, cwd=ROOT).stdout
    assert "openai-compatible" in out and "litellm" in out and "%" in out and "pending-row wait" in out


def test_scale_benchmark_runs_small(tmp_path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale_bench.py"), "--conversations", "3",
                          "--workers", "1,2", "--workdir", str(tmp_path)], capture_output=True, text=True, timeout=900,
                         check=True, cwd=ROOT).stdout
    assert "efficiency" in out and "conv/s" in out
