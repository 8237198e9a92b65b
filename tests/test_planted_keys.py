"""A planted API key, quoted back by a hostile server in its errors and echoed by a proxy inside its
answers, reaches no output of a whole `muse run`: the database file, stdout and stderr, Prefect's
home, and every export format."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from muse_plugins.offline.server import BackgroundServer, Faults
from tests.helpers import ROOT, write_sample_subset

PLANTED_KEY = "sk-muse-test-PLANTED-9d2e7c41a8b5"
ROLES = ("agent", "scenarios", "backstory", "rewriter", "checker", "reviewer", "judge", "evaluator")


class EchoingProxy:
    """Forwards chat requests to `upstream`, writing the request's Authorization header into every
    free-text answer (as a careless logging proxy might); or, with `reject`, answers 401 quoting it."""

    def __init__(self, upstream: str, reject: bool = False) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["content-length"]))
                auth = self.headers.get("authorization", "")
                if proxy.reject:
                    self._send(401, {"error": {"message": f"invalid api key: {auth}", "type": "auth"}})
                    return
                answer = httpx.post(f"{proxy.upstream}{self.path.removeprefix('/v1')}", content=body, timeout=30,
                                    headers={"content-type": "application/json", "authorization": auth})
                data = answer.json()
                for choice in data.get("choices", []):
                    text = choice.get("message", {}).get("content")
                    if isinstance(text, str) and text and not text.lstrip().startswith("{"):
                        choice["message"]["content"] = f"{text} [proxy saw {auth}]"
                self._send(answer.status_code, data)

            def _send(self, status: int, data: dict) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args) -> None:
                pass

        self.upstream, self.reject = upstream, reject
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "EchoingProxy":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()


def muse(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OPENAI_API_KEY": PLANTED_KEY, "PREFECT_HOME": str(tmp_path / "prefect-home"),
           "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([sys.executable, "-m", "muse_flows.cli", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=1800)


def write_config(tmp_path: Path, api_base: str) -> None:
    roles = "".join(f'[roles.{name}]\nprovider = "litellm"\nmodel = "openai/gpt-4o-mini"\napi_base = "{api_base}"\n'
                    f"send_inputs = true\ntimeout_s = 5\n\n" for name in ROLES)
    (tmp_path / "muse.toml").write_text(
        '[retrieval]\nretriever = "bm25"\n\n[gateway]\nbackoff_base_s = 0.01\nbackoff_max_s = 0.05\n'
        f"max_retries = 8\nrequests_per_minute = 100000\n\n{roles}")


def files_holding_the_key(folder: Path) -> list[str]:
    return [str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()
            and PLANTED_KEY.encode() in p.read_bytes()]


@pytest.mark.slow
def test_a_planted_key_reaches_no_output_of_a_whole_run(tmp_path: Path) -> None:
    write_sample_subset(tmp_path, 30)
    outputs = []
    faults = Faults(rate_500=0.2, leak_key_in_errors=True, seed=3)  # its 500s quote the key
    with BackgroundServer(faults) as server, EchoingProxy(server.url) as proxy:
        write_config(tmp_path, proxy.url)
        run = muse(tmp_path, "run", "--config", "muse.toml", "--catalog", "catalog.jsonl", "--profiles", "3")
        outputs.append(run)
        assert run.returncode == 0, run.stderr[-3000:]
        assert server.stats["fault_500"] > 0
    with_key = json.loads(muse(tmp_path, "sql", "--db", "muse.duckdb", "--json", "SELECT count(*) AS n FROM"
                               " llm_calls WHERE error LIKE '%[REDACTED]%'").stdout)
    assert with_key["n"] > 0  # the server did quote the key, and it was scrubbed
    turns = json.loads(muse(tmp_path, "sql", "--db", "muse.duckdb", "--json",
                            "SELECT count(*) AS n FROM turns WHERE text LIKE '%[proxy saw Bearer [REDACTED]]%'").stdout)
    assert turns["n"] > 0  # the proxy's echo reached the dataset, scrubbed
    for fmt, out in [("muse-json", "x/a.json"), ("jsonl", "x/a.jsonl"), ("parquet", "x/pq"), ("hf", "x/hf"),
                     ("finetune", "x/ft")]:
        outputs.append(muse(tmp_path, "export", "--db", "muse.duckdb", "--format", fmt, "--out", out,
                            "--include-dropped"))
        assert outputs[-1].returncode == 0, outputs[-1].stderr[-2000:]
    outputs.append(muse(tmp_path, "report", "--db", "muse.duckdb"))
    for result in outputs:
        assert PLANTED_KEY not in result.stdout + result.stderr
    assert (tmp_path / "prefect-home").is_dir()
    assert files_holding_the_key(tmp_path) == []  # the database, Prefect's home, every export


def test_a_key_quoted_in_a_401_is_named_by_its_variable_only(tmp_path: Path) -> None:
    write_sample_subset(tmp_path, 3)
    with EchoingProxy("http://127.0.0.1:9", reject=True) as proxy:
        write_config(tmp_path, proxy.url)
        run = muse(tmp_path, "run", "--config", "muse.toml", "--catalog", "catalog.jsonl", "--profiles", "1")
    assert run.returncode == 2 and "OPENAI_API_KEY" in run.stderr
    assert PLANTED_KEY not in run.stdout + run.stderr
    assert files_holding_the_key(tmp_path) == []
