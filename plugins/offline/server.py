"""The offline engine behind an OpenAI-compatible HTTP API on loopback (`muse offline-server`).

Tests point litellm at it (`openai/<model>` with `api_base`) so the real client path runs:
litellm -> openai client -> HTTP. Faults can be injected at given rates: 429 with Retry-After,
500, responses slower than the client's timeout, and malformed answers. Each request
"root" (same skill and inputs, re-asks included) gets at most `max_faults_per_request` faults,
decided by a seeded hash, so a test with 30% faults is deterministic and always recoverable.
Like the engine's own `[offline] malformed_p`, a malformed answer is only ever a first try's (the
re-ask is answered well), and one answer is spoilt at most once.
For throughput work it can also act like a remote provider: `latency_s` added to every answer
(awaited, so many requests wait at once) and a requests-per-minute cap `rpm_limit` over a
trailing 60 s window, answered 429 with Retry-After above it, with OpenAI's
`x-ratelimit-*-requests` headers on every answer.
It answers like an OpenAI server: `stream` as server-sent events, errors as OpenAI-shaped JSON
(400 for what the engine cannot answer, never a 500 or a reset), and its own model id.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import logging
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import ValidationError

from muse_core.config import OFFLINE_MODEL, OfflineConfig
from muse_core.llm import images_from_messages
from muse_plugins.offline import engine, prompt_text

log = logging.getLogger("muse.offline.server")
STREAM_PIECE_CHARS = 20  # streamed answers arrive in pieces this long, so clients really read chunk by chunk


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
    # Like a remote provider: seconds added to every answer, and a requests-per-minute cap (None: none).
    latency_s: float = 0.0
    rpm_limit: int | None = None

    def __post_init__(self) -> None:
        rates = [self.rate_429, self.rate_500, self.rate_slow, self.rate_malformed]
        if any(r < 0 for r in rates) or sum(rates) > 1:
            raise ValueError("fault rates must be >= 0 and sum to at most 1")
        if self.latency_s < 0:
            raise ValueError("latency must be >= 0")
        if self.rpm_limit is not None and self.rpm_limit < 1:
            raise ValueError("the requests-per-minute limit must be at least 1")


def duration(seconds: float) -> str:
    """A duration as OpenAI writes it in x-ratelimit-reset-*: '20ms', '1.5s', '6m0s'."""
    if seconds < 1:
        return f"{max(0, round(seconds * 1000))}ms"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:.3g}s" if minutes else f"{rest:.3g}s"


class RequestWindow:
    """At most `limit` admitted requests in any trailing `period` seconds (a sliding log)."""

    def __init__(self, limit: int, period: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self.clock = clock
        self.times: deque[float] = deque()

    def admit(self) -> tuple[bool, dict[str, str]]:
        """(admitted, the rate-limit headers of the answer). The reset is when the oldest request
        leaves the window, i.e. when the next place frees up; a refusal's Retry-After says the same."""
        now = self.clock()
        while self.times and self.times[0] <= now - self.period:
            self.times.popleft()
        admitted = len(self.times) < self.limit
        if admitted:
            self.times.append(now)
        reset = self.times[0] + self.period - now if self.times else 0.0
        headers = {"x-ratelimit-limit-requests": str(self.limit),
                   "x-ratelimit-remaining-requests": str(self.limit - len(self.times)),
                   "x-ratelimit-reset-requests": duration(reset)}
        if not admitted:
            headers |= {"retry-after": f"{reset:.3f}", "retry-after-ms": str(max(1, round(reset * 1000)))}
        return admitted, headers


def create_app(faults: Faults | None = None) -> FastAPI:
    faults = faults or Faults()
    app = FastAPI(title="muse offline engine (rule-based simulator, not a language model)")
    app.state.stats = Counter()
    fault_counts: Counter[str] = Counter()
    window = RequestWindow(faults.rpm_limit) if faults.rpm_limit else None

    def choose_fault(root: str, first_try: bool) -> str | None:
        """`first_try`: no answer of this request was refused yet; only then may one be malformed."""
        if fault_counts[root] >= faults.max_faults_per_request:
            return None
        draw = random.Random(f"{faults.seed}:{root}:{fault_counts[root]}").random()
        for name, rate in (("429", faults.rate_429), ("500", faults.rate_500),
                           ("slow", faults.rate_slow), ("malformed", faults.rate_malformed)):
            if draw < rate:
                if name == "malformed" and not first_try:
                    return None
                fault_counts[root] += 1
                return name
            draw -= rate
        return None

    @app.get("/v1/models")
    async def models() -> dict:
        return {"object": "list", "data": [{"id": OFFLINE_MODEL, "object": "model", "owned_by": "muse"}]}

    @app.get("/stats")
    async def stats() -> dict:
        return dict(app.state.stats)

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        app.state.stats["requests"] += 1  # rejected requests count too: the client did send them
        limit_headers: dict[str, str] = {}
        if window is not None:
            # counted before anything else, like a provider's gateway: even a bad request spends a place
            admitted, limit_headers = window.admit()
            if not admitted:
                app.state.stats["throttled"] += 1
                return _error(429, f"rate limited: more than {faults.rpm_limit} requests per minute",
                              headers=limit_headers)
        if faults.latency_s:
            await asyncio.sleep(faults.latency_s)  # awaited: the server keeps taking other requests meanwhile
        try:
            body = json.loads(await request.body())
        except ValueError:  # not JSON, or not UTF-8
            return _error(400, "the request body is not JSON")
        if not isinstance(body, dict):
            return _error(400, "the request body must be a JSON object")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return _error(400, "'messages' must be a non-empty list", param="messages")
        try:
            # the server's only readers of `messages`: if they fail, the messages are malformed
            images, prompt = images_from_messages(messages), prompt_text(messages)
        except (AttributeError, KeyError, TypeError, ValueError):
            return _error(400, "each message needs a 'content' of text or image parts", param="messages")
        if body.get("n") not in (None, 1):
            return _error(400, "the offline engine gives one answer per request: n must be 1", param="n")
        muse = body.get("muse")
        if not isinstance(muse, dict) or not isinstance(muse.get("skill"), str):
            return _error(400, "this server answers muse skills only: set send_inputs = true for the role",
                          param="muse")
        skill, inputs, seed = muse["skill"], muse.get("inputs") or {}, muse.get("seed") or 0
        if not isinstance(inputs, dict) or not isinstance(seed, int):
            return _error(400, "muse.inputs must be an object and muse.seed an integer", param="muse")
        root = hashlib.sha256(json.dumps([skill, muse.get("inputs"), muse.get("seed")],
                                         sort_keys=True).encode()).hexdigest()
        reasks = engine.reasks_in(messages)
        try:
            options = OfflineConfig.model_validate(muse["offline"]) if muse.get("offline") is not None else None
        except ValidationError as exc:
            return _error(400, f"muse.offline is not a valid [offline] table: {exc.errors()[0]['msg']}", param="muse")
        # the engine spoils this answer itself ([offline] malformed_p): the server adds no second fault to it
        engine_malformed = engine.malformed_form(skill, seed, options or OfflineConfig(), reasks) is not None
        fault = choose_fault(root, first_try=reasks == 0 and not engine_malformed)
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
            text = engine.answer(skill, inputs, images, seed, options, reasks)
        except engine.UnknownSkill as exc:
            return _error(400, str(exc), param="muse")
        except KeyError as exc:  # the skill's rule reads an input the caller did not send
            return _error(400, f"the inputs of skill '{skill}' lack {exc}", param="muse")
        except Exception:  # a bug in a rule: logged here, the client gets no traceback
            log.exception("the offline engine failed on skill %s", skill)
            return _error(500, "the offline engine failed on this request")
        if fault == "malformed":
            # a truncated JSON answer, or an empty free-text one: invalid answers the gateway must re-ask
            text = text[: len(text) // 2] if text.lstrip().startswith("{") else ""
        app.state.stats["engine_malformed"] += engine_malformed
        app.state.stats["answers"] += 1
        prompt_tokens, completion_tokens = engine.count_tokens(prompt), engine.count_tokens(text)
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                 "total_tokens": prompt_tokens + completion_tokens}
        # the engine names itself whatever model the client asked for, so logs show who answered
        head = {"id": f"chatcmpl-{root[:24]}", "created": int(time.time()), "model": OFFLINE_MODEL,
                "system_fingerprint": OFFLINE_MODEL}
        if body.get("stream"):
            options = body.get("stream_options")
            include_usage = isinstance(options, dict) and options.get("include_usage") is True
            return StreamingResponse(_events(head, text, usage if include_usage else None),
                                     media_type="text/event-stream", headers=limit_headers)
        return JSONResponse({
            **head, "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": usage,
        }, headers=limit_headers)

    return app


def _events(head: dict[str, Any], text: str, usage: dict[str, int] | None) -> Iterator[str]:
    """The answer as OpenAI streams it: a role chunk, the text in pieces, a stop chunk, usage if asked, [DONE]."""
    def chunk(choices: list[dict[str, Any]], **extra: Any) -> str:
        return f"data: {json.dumps({**head, 'object': 'chat.completion.chunk', 'choices': choices, **extra})}\n\n"

    def delta(content: dict[str, str], finish_reason: str | None = None) -> str:
        return chunk([{"index": 0, "delta": content, "finish_reason": finish_reason}])

    yield delta({"role": "assistant", "content": ""})
    for start in range(0, len(text), STREAM_PIECE_CHARS):
        yield delta({"content": text[start:start + STREAM_PIECE_CHARS]})
    yield delta({}, "stop")
    if usage is not None:
        yield chunk([], usage=usage)
    yield "data: [DONE]\n\n"


def _error(status: int, message: str, param: str | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    """An error in OpenAI's shape, so the SDK raises its typed error (BadRequestError, RateLimitError, ...)."""
    kind = {400: "invalid_request_error", 429: "rate_limit_error"}.get(status, "server_error")
    return JSONResponse({"error": {"message": message, "type": kind, "param": param, "code": None}},
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
