"""`openai-compatible` LLM provider: a lean client for servers that speak OpenAI's chat API
(vLLM, Ollama, llama.cpp's server, `muse offline-server`, OpenAI itself).

It POSTs `{api_base}/chat/completions` with aiohttp and reads the JSON answer, nothing more: no
litellm, no OpenAI SDK, no pydantic models of the answer. At 300 calls/s on 2 cores a call must
cost well under a millisecond of client CPU; litellm costs ~6.5 ms and the OpenAI SDK ~4 ms
(benchmarks/concurrency_bench.py measures all three).

A role: `provider = "openai-compatible"`, `model` (the server's model id, sent as written),
`api_base` (default OpenAI's, https://api.openai.com/v1) and optionally `api_key_env`.
Keys: the variable `api_key_env` names, else OPENAI_API_KEY if it is set, else no Authorization
header. Pricing is kept simple: a server on this machine or a private network is "local" (free),
any other "unknown" with cost 0 (the litellm provider prices with litellm's price map).
Proxies and .netrc from the environment are not used (aiohttp's trust_env is off: .netrc would
replace the bearer header); redirects are not followed (the key would go along).
"""

from __future__ import annotations

import asyncio
import json
import os
import weakref
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from muse_core.config import RoleConfig, _api_base
from muse_core.hookspecs import hookimpl
from muse_core.llm import LLMRequest, LLMResponse, ProviderError
from muse_core.secrets import redact, secret_values
from muse_plugins.litellm_provider import _refuses_format, is_local, rate_limits, response_format, retry_after

OPENAI_BASE = "https://api.openai.com/v1"
DEFAULT_KEY_ENV = "OPENAI_API_KEY"
_NOT_LEARNED = "not learned"  # the answer-format cache's miss (None is a learned answer: no response_format)


def _endpoint(api_base: str | None) -> str:
    """The chat-completions URL of an api_base, after the same api_base check as every role's
    (muse_core.config: no credentials in the URL); only http(s)."""
    base = api_base or OPENAI_BASE
    try:
        _api_base(base)
    except ValueError as exc:
        raise ProviderError(str(exc), retryable=False) from None
    if urlsplit(base).scheme not in ("http", "https"):
        raise ProviderError(f"api_base must be an http(s) URL, not {base.split(':', 1)[0]!r}", retryable=False)
    return base.rstrip("/") + "/chat/completions"


def _key(target: RoleConfig | LLMRequest) -> str | None:
    """The key to send, or None for no Authorization header. A named variable must be set."""
    if target.api_key_env:
        key = os.environ.get(target.api_key_env)
        if not key:
            raise ProviderError(f"no API key: set {target.api_key_env} in the environment (or run with --offline)",
                                retryable=False, status=401)
        return key
    return os.environ.get(DEFAULT_KEY_ENV) or None


def _server_message(raw: bytes) -> str:
    """The error text of an error body: OpenAI's {"error": {"message"}}, Ollama's {"error": "..."},
    vLLM's older {"message"}; else the body itself."""
    text = raw.decode("utf-8", "replace")
    try:
        body = json.loads(text)
    except ValueError:
        return text
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
        if isinstance(error, str):
            return error
        if isinstance(body.get("message"), str):
            return body["message"]
    return text


def _clean(text: str, key: str | None) -> str:
    """One redacted line: the key we sent is removed even when its variable's name does not look
    like a secret's (api_key_env may be any name)."""
    values = secret_values() + ([key] if key else [])
    return " ".join(redact(text, values).split())[:500]


def _http_error(status: int, headers: Mapping[str, str], raw: bytes, model: str, key: str | None) -> ProviderError:
    message = _clean(_server_message(raw), key)
    if status == 429:
        # the server's sign of overload: the adaptive limit backs off and paces by its headers
        return ProviderError(f"HTTP 429 rate limited: {message}", retryable=True, status=429,
                             retry_after=retry_after(headers), rate_limits=rate_limits(headers))
    if status >= 500:
        return ProviderError(f"HTTP {status} server error: {message}", retryable=True, status=status,
                             retry_after=retry_after(headers), rate_limits=rate_limits(headers))
    hints = {401: "authentication failed; check the key", 403: "access denied; check the key's permissions",
             404: f"model '{model}' or the endpoint was not found; check the model name and api_base"}
    hint = hints.get(status)
    if 300 <= status < 400:
        hint = "the server redirects; set api_base to where it points (redirects are not followed)"
    return ProviderError(f"HTTP {status}: {hint + ': ' if hint else ''}{message}", retryable=False, status=status)


async def _close_with_loop(session: aiohttp.ClientSession) -> AsyncIterator[None]:
    """Closes the session when its event loop shuts down: `asyncio.run` closes every live async
    generator before closing the loop, so a started one is the loop's shutdown hook."""
    try:
        yield
    finally:
        await session.close()


class OpenAICompatibleProvider:
    name = "openai-compatible"
    description = "any OpenAI-compatible server (vLLM, Ollama, llama.cpp, OpenAI): a lean aiohttp client"

    def __init__(self) -> None:
        # One session (connection pool, keep-alive) per event loop: a session belongs to the loop
        # it was made in, and each `asyncio.run` of the CLI and the tests is a new loop.
        self._sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[aiohttp.ClientSession, Any]] = (
            weakref.WeakKeyDictionary())
        # (model, api_base) -> the structured-answer form that server accepted (see _formats)
        self._learned: dict[tuple[str, str | None], str | None] = {}

    def default_vision(self, role: RoleConfig) -> bool:
        """Yes unless the role says: a server that takes no images answers with a clear error."""
        return True

    def key_state(self, role: RoleConfig) -> str:
        """What `muse roles` says of the key (never the key)."""
        if role.api_key_env:
            return f"present ({role.api_key_env})" if os.environ.get(role.api_key_env) else \
                f"missing: set {role.api_key_env}"
        if os.environ.get(DEFAULT_KEY_ENV):
            return f"present ({DEFAULT_KEY_ENV})"
        return "not needed (local)" if is_local(role.api_base) else f"none sent (set {DEFAULT_KEY_ENV} or api_key_env)"

    def pricing(self, target: RoleConfig | LLMRequest) -> str:
        return "local" if is_local(target.api_base or OPENAI_BASE) else "unknown"

    async def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        found = self._sessions.get(loop)
        if found is not None and not found[0].closed:
            return found[0]
        # No connection cap here: the gateway's AdaptiveLimit decides how many calls are in flight,
        # and the pool keeps one idle keep-alive connection per call that was, i.e. up to
        # gateway.max_concurrency of them. A cap here would queue calls inside their timeout.
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=30)
        session = aiohttp.ClientSession(connector=connector, trust_env=False)
        closer = _close_with_loop(session)
        await closer.__anext__()  # started, so the loop tracks it (weakly: we hold it) and closes it at shutdown
        self._sessions[loop] = (session, closer)
        return session

    def _formats(self, request: LLMRequest) -> list[str | None]:
        """The ways to ask for a structured answer, best first, as the litellm provider does for a
        server behind api_base: vLLM and OpenAI take `json_schema`, llama.cpp only its own
        `json_object` + schema; the first one the server accepts is remembered."""
        if request.json_schema is None or request.structured == "prompt":
            return [None]
        if request.structured != "auto":
            return [request.structured]
        learned = self._learned.get((request.model, request.api_base), _NOT_LEARNED)
        if learned != _NOT_LEARNED:
            return [learned]
        return ["json_schema", "json_object_schema", "json_object", None]

    async def _post(self, url: str, body: dict[str, Any], key: str | None, model: str,
                    timeout_s: float) -> tuple[dict[str, Any], Mapping[str, str]]:
        """One request: (the answer's JSON, its headers), or a classified ProviderError."""
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        try:
            session = await self._session()
            async with session.post(url, data=json.dumps(body, ensure_ascii=False).encode(),
                                            headers=headers, allow_redirects=False,
                                            timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
                raw = await response.read()
                if response.status != 200:
                    raise _http_error(response.status, response.headers, raw, model, key)
                answer_headers = response.headers
        except TimeoutError:  # aiohttp's timeouts (total, socket read) are TimeoutErrors
            # like a 429, a sign of overload: the adaptive limit backs off
            raise ProviderError(f"timed out after {timeout_s:g} s", retryable=True, timeout=True) from None
        except aiohttp.ClientConnectionError as exc:  # refused, reset, closed mid-answer
            raise ProviderError(f"cannot reach the server: {_clean(f'{type(exc).__name__}: {exc}', key)}",
                                retryable=True) from None
        except aiohttp.ClientError as exc:  # e.g. a body cut short: transient
            raise ProviderError(f"{type(exc).__name__}: {_clean(str(exc), key)}", retryable=True) from None
        try:
            return json.loads(raw), answer_headers
        except ValueError:
            raise ProviderError(f"the answer is not JSON (is api_base the API's base URL?): "
                                f"{_clean(raw[:200].decode('utf-8', 'replace'), key)}", retryable=False,
                                status=200) from None

    async def complete(self, request: LLMRequest) -> LLMResponse:
        url, key = _endpoint(request.api_base), _key(request)
        body: dict[str, Any] = {"model": request.model, "messages": request.messages,
                                "temperature": request.temperature, "seed": request.seed}
        if request.max_tokens:
            body["max_tokens"] = request.max_tokens
        if request.send_inputs:  # only the muse offline server reads it (litellm sends it as extra_body)
            body["muse"] = {"skill": request.skill, "skill_version": request.skill_version,
                            "inputs": request.inputs, "seed": request.seed, "offline": request.offline}
        formats = self._formats(request)
        for i, fmt in enumerate(formats):
            body.pop("response_format", None)
            if fmt is not None:
                body["response_format"] = response_format(fmt, request.skill, request.json_schema)
            try:
                answer, headers = await self._post(url, body, key, request.model, request.timeout_s)
                break
            except ProviderError as error:
                if i + 1 < len(formats) and _refuses_format(error):
                    continue  # this server does not take that form: try the next
                raise
        if request.structured == "auto" and request.json_schema is not None:
            self._learned[(request.model, request.api_base)] = fmt
        try:
            text = answer["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise ProviderError(f"the answer is not a chat completion: {_clean(json.dumps(answer)[:200], key)}",
                                retryable=False, status=200) from None
        usage = answer.get("usage") if isinstance(answer.get("usage"), dict) else {}
        return LLMResponse(text if isinstance(text, str) else "", usage.get("prompt_tokens"),
                           usage.get("completion_tokens"), 0.0, response_model=answer.get("model"),
                           pricing=self.pricing(request), rate_limits=rate_limits(headers))

    async def check(self, role: RoleConfig) -> None:
        """Preflight: the key is present, and one minimal request is answered (not retried)."""
        url, key = _endpoint(role.api_base), _key(role)
        body: dict[str, Any] = {"model": role.model, "messages": [{"role": "user", "content": "Reply with OK."}],
                                "max_tokens": 1}
        if role.send_inputs:  # the muse offline server answers skills only: probe with the simplest one
            body["muse"] = {"skill": "chatter_greet", "skill_version": 1, "inputs": {}, "seed": 0}
        try:
            await self._post(url, body, key, role.model, role.timeout_s)
        except ProviderError as error:
            if error.status == 429:
                return  # the key works; the gateway will pace itself
            if error.status is None and error.retryable and not error.timeout:
                raise ProviderError(f"{error}; start the server or fix api_base", retryable=False) from None
            if error.status in (401, 403):
                source = role.api_key_env or (DEFAULT_KEY_ENV if key else "no variable: none was sent")
                raise ProviderError(f"{error} (the key is read from {source}; set another variable per role "
                                    "with api_key_env)", retryable=False, status=error.status) from None
            raise


@hookimpl
def muse_llm_providers() -> list:
    return [OpenAICompatibleProvider()]
