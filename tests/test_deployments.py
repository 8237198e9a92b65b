"""Prefect deployments for real: a local `prefect server start`, `muse deploy` serving the flows,
`prefect deployment run ... --watch`, and the rows in the DuckDB file. Also the run lock."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from muse_core.run_lock import exclusive_run, lock_path
from muse_core.store import Store, StoreError

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_served_deployment_runs_the_pipeline_into_the_database(tmp_path: Path) -> None:
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false",
           "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_DATABASE_CONNECTION_URL":
           f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}"}
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = None
    try:
        wait_for(lambda: healthy(api), 180, "the Prefect server")
        served = subprocess.Popen([sys.executable, "-m", "muse_flows.cli", "deploy"], env=env, cwd=tmp_path,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def registered() -> bool:
            listing = subprocess.run([str(BIN / "prefect"), "deployment", "ls"], env=env, capture_output=True,
                                     text=True, timeout=60)
            return "muse-pipeline" in listing.stdout and "muse-evaluation" in listing.stdout

        wait_for(registered, 180, "muse deploy to register its deployments")
        db = tmp_path / "served.duckdb"
        run = subprocess.run([str(BIN / "prefect"), "deployment", "run", "muse-pipeline/muse-pipeline", "--watch",
                              "-p", f"db={db}", "-p", "conversations=3", "-p", "offline=true", "-p", "retriever=bm25"],
                             env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=700)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        assert "Completed" in run.stdout + run.stderr
    finally:
        for process in (served, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    with Store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM conversations") == 3
        assert store.scalar("SELECT count(*) FROM reviews") == 3
        assert {r[0] for r in store.con.execute("SELECT DISTINCT status FROM runs").fetchall()} == {"finished"}


def test_a_second_run_on_the_same_file_waits_then_fails_with_the_holder_named(tmp_path: Path) -> None:
    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from muse_core.run_lock import exclusive_run\n"
        f"with exclusive_run({str(db)!r}, 'holder', 0):\n    print('held', flush=True); time.sleep(4)")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    with pytest.raises(StoreError, match="in use by another muse run .*command 'holder'"):
        with exclusive_run(db, "second", wait_s=1):
            pass
    assert time.monotonic() - started >= 1
    with exclusive_run(db, "third", wait_s=30):  # waits for the holder to let go (after 4 s), then runs
        assert time.monotonic() - started >= 3.5
        with exclusive_run(db, "nested", wait_s=0):  # a flow inside a flow of this process
            assert "nested" not in lock_path(db).read_text()
    holder.wait()
