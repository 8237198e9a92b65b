"""A muse command's Prefect API server never outlives the command, even one killed with SIGKILL."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import ROOT, write_tiny_catalog


def servers_of(pid: int) -> list[int]:
    """The muse Prefect servers whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"muse_core.prefect_server" in cmdline and ppid == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_server_answers_and_stops_with_its_block() -> None:
    from muse_core.prefect_server import own_prefect_server

    with own_prefect_server() as url:
        assert httpx.get(f"{url}/health", timeout=5).status_code == 200
        (child,) = servers_of(os.getpid())
    deadline = time.monotonic() + 15
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(child)


@pytest.mark.slow
def test_a_run_killed_with_sigkill_leaves_no_server_behind(tmp_path: Path) -> None:
    write_tiny_catalog(tmp_path)
    (tmp_path / "muse.toml").write_text('[retrieval]\nretriever = "bm25"\n')
    run = subprocess.Popen([sys.executable, "-m", "muse_flows.cli", "run", "--offline", "--config", "muse.toml",
                            "--catalog", "catalog.jsonl", "--profiles", "2"], cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (children := servers_of(run.pid)) and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.2)
    assert children, "the run started no Prefect server of its own"
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    deadline = time.monotonic() + 15
    while any(alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(c) for c in children), "the Prefect server outlived the killed run"
