"""The Prefect API server of one muse command, which never outlives it.

With no `PREFECT_API_URL`, Prefect starts a temporary API server in a child process and stops it
at exit; a muse command killed with SIGKILL gets no exit, and that child ran on forever (about
200 MB each). So a muse command that runs flows starts the same server itself, as
`python -m muse_core.prefect_server PORT PARENT_PID`: a watchdog thread in the child exits as
soon as its parent is gone, however the parent died. A configured `PREFECT_API_URL` (a real
Prefect server, as deployments use) is left alone.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

STARTUP_TIMEOUT_S = 180.0
WATCH_INTERVAL_S = 0.5


class PrefectServerError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def own_prefect_server() -> Iterator[str | None]:
    """Run the body against a Prefect API server tied to this process; yields its URL, or None
    when a Prefect server is configured already."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield None
        return
    port = _free_port()
    # The settings Prefect gives its own temporary server: no UI, an ephemeral server's defaults.
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    child = subprocess.Popen([sys.executable, "-m", "muse_core.prefect_server", str(port), str(os.getpid())], env=env)
    url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(child, url)
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _wait_healthy(child: subprocess.Popen, url: str) -> None:
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    # A first start migrates a new Prefect database: slow on a busy machine, so never less than ours.
    timeout = max(STARTUP_TIMEOUT_S, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if child.poll() is not None:
                raise PrefectServerError(f"the Prefect API server exited at start (code {child.returncode})")
            try:
                if client.get(f"{url}/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise PrefectServerError(f"the Prefect API server did not answer within {timeout:.0f} s (raise "
                             "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or set PREFECT_API_URL)")


def _exit_with(parent_pid: int) -> None:
    while os.getppid() == parent_pid:  # a dead parent's children are adopted by another process
        time.sleep(WATCH_INTERVAL_S)
    os._exit(0)  # no cleanup to wait for: the server holds nothing that outlives it


def _serve(port: int, parent_pid: int) -> None:
    import uvicorn

    threading.Thread(target=_exit_with, args=(parent_pid,), daemon=True, name="parent-watch").start()
    uvicorn.run("prefect.server.api.server:create_app", factory=True, host="127.0.0.1", port=port,
                log_level="error", lifespan="on")


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
