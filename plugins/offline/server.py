"""The offline engine behind an OpenAI-compatible HTTP API on loopback (`muse offline-server`).

Tests point litellm at it (`openai/<model>` with `api_base`) so the real client path runs:
litellm -> openai client -> HTTP. Faults can be injected at given rates: 429 with Retry-After,
500, responses slower than the client's timeout, and malformed JSON answers. Each request
"root" (same skill and inputs, re-asks included) gets at most `max_faults_per_request` faults,
decided by a seeded hash, so a test with 30% faults is deterministic and always recoverable.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from muse_core.llm import images_from_messages
from plugins.offline import engine, prompt_text


@dataclass
class Faults:
    rate_429: float = 0.0
    rate_500: float = 0.0
    rate_slow: float = 0.0
    rate_malformed: float = 0.0
    slow_seconds: float = 5.0
    retry_after_s: float = 0.05
    max_faults_per_request: int = 2
    seed: int = 0
    # Test aid: quote the caller's Authorization header in 500 bodies, as a careless upstream
    # might, to prove muse redacts keys before storing or logging errors.
    leak_key_in_errors: bool = False

    def __post_init__(self) -> None:
        rates = [self.rate_429, self.rate_500, self.rate_slow, self.rate_malformed]
        if any(r < 0 for r in rates) or sum(rates) > 1:
            raise ValueError("fault rates must be >= 0 and sum to at most 1")


def create_app(faults: Faults | None = None) -> FastAPI:
    faults = faults or Faults()
    app = FastAPI(title="muse offline engine (rule-based simulator, not a language model)")
    app.state.stats = Counter()
    fault_counts: Counter[str] = Counter()

    def choose_fault(root: str) -> str | None:
        if fault_counts[root] >= faults.max_faults_per_request:
            return None
        draw = random.Random(f"{faults.seed}:{root}:{fault_counts[root]}").random()
        for name, rate in (("429", faults.rate_429), ("500", faults.rate_500),
                           ("slow", faults.rate_slow), ("malformed", faults.rate_malformed)):
            if draw < rate:
                fault_counts[root] += 1
                return name
            draw -= rate
        return None

    @app.get("/v1/models")
    async def models() -> dict:
        return {"object": "list", "data": [{"id": "muse-offline-rules-v1", "object": "model", "owned_by": "muse"}]}

    @app.get("/stats")
    async def stats() -> dict:
        return dict(app.state.stats)

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> JSONResponse:
        body = await request.json()
        app.state.stats["requests"] += 1
        muse = body.get("muse")
        if not isinstance(muse, dict) or "skill" not in muse:
            return _error(400, "this server answers muse skills only: set send_inputs = true for the role")
        root = hashlib.sha256(json.dumps([muse["skill"], muse.get("inputs"), muse.get("seed")],
                                         sort_keys=True).encode()).hexdigest()
        fault = choose_fault(root)
        if fault:
            app.state.stats[f"fault_{fault}"] += 1
        if fault == "429":
            return _error(429, "rate limited (injected)", headers={"retry-after": str(faults.retry_after_s)})
        if fault == "500":
            detail = "internal error (injected)"
            if faults.leak_key_in_errors:
                detail += f"; upstream rejected credentials {request.headers.get('authorization', '')}"
            return _error(500, detail)
        if fault == "slow":
            await asyncio.sleep(faults.slow_seconds)
        try:
            text = engine.answer(muse["skill"], muse.get("inputs") or {}, images_from_messages(body["messages"]),
                                 int(muse.get("seed", 0)))
        except engine.UnknownSkill as exc:
            return _error(400, str(exc))
        if fault == "malformed":
            # a truncated JSON answer, or an empty free-text one: invalid answers the gateway must re-ask
            text = text[: len(text) // 2] if text.lstrip().startswith("{") else ""
        app.state.stats["answers"] += 1
        prompt_tokens = engine.count_tokens(prompt_text(body["messages"]))
        completion_tokens = engine.count_tokens(text)
        return JSONResponse({
            "id": f"chatcmpl-{root[:24]}", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", "muse-offline-rules-v1"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        })

    return app


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": "muse_offline", "code": status}},
                        status_code=status, headers=headers)


def check_loopback(host: str) -> None:
    """The server is for this machine only."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"refusing to listen on {host}: the offline server binds loopback only (127.0.0.1, ::1)")


class BackgroundServer:
    """Run the app in a thread (tests, notebooks); `url` is the OpenAI-style base URL."""

    def __init__(self, faults: Faults | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        check_loopback(host)
        self.app = create_app(faults)
        self.server = uvicorn.Server(uvicorn.Config(self.app, host=host, port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the offline server did not start")
            time.sleep(0.02)
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}/v1"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def stats(self) -> dict[str, int]:
        return dict(self.app.state.stats)
