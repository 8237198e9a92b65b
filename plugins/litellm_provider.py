"""`litellm` LLM provider: any model litellm can reach (OpenAI, Anthropic, Azure, Ollama, vLLM,
an OpenAI-compatible server such as llama.cpp's or `muse offline-server`...). Keys come from the
environment, read at call time, and never leave the process except to the provider itself."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Coroutine, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from muse_core.config import RoleConfig
from muse_core.hookspecs import hookimpl
from muse_core.llm import LLMRequest, LLMResponse, ProviderError
from muse_core.secrets import guard_loggers, redact

# Never fetch litellm's price map from the network at import: use the copy in the wheel.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

# Providers whose servers run on the user's own machines: their calls cost nothing per token.
LOCAL_PROVIDERS = {"ollama", "ollama_chat", "llamafile", "lm_studio", "hosted_vllm", "vllm"}
# OpenAI-compatible local servers accept any key; the OpenAI client refuses to send none.
NO_KEY = "no-key"


class _NoLogging:
    """Stands in for litellm's global async logging worker. That worker ties its queue to the first
    event loop it sees, and a loop that closes with log events still queued hangs in its shutdown
    (each `asyncio.run` of the tests and CLI is a new loop). muse records every call itself and
    registers no litellm callbacks, so the events are dropped: less CPU per call, too."""

    def ensure_initialized_and_enqueue(self, async_coroutine: Coroutine) -> None:
        async_coroutine.close()  # never awaited on purpose; closing it avoids the 'never awaited' warning

    def enqueue(self, coroutine: Coroutine) -> None:
        coroutine.close()

    def start(self) -> None:
        pass

    async def flush(self) -> None:
        pass

    async def stop(self) -> None:
        pass


def _litellm() -> Any:
    import litellm  # imported lazily: it takes seconds, and offline runs never need it
    from litellm.litellm_core_utils import logging_worker

    litellm.drop_params = True  # e.g. `seed` for providers that lack it
    litellm.suppress_debug_info = True  # no "Give Feedback" banners on stdout
    # litellm (pinned) imports the worker by name at each use, so replacing the module's attribute suffices
    logging_worker.GLOBAL_LOGGING_WORKER = _NoLogging()
    guard_loggers()  # litellm logs raw provider errors at DEBUG, and those may quote a key
    return litellm


_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?")


def parse_duration(text: str) -> float | None:
    """Seconds in a reset header: OpenAI's '1m30.5s', '20ms', '6m0s', or a plain number of seconds."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        return None  # e.g. an HTTP date: not paced by it
    hours, minutes, seconds, millis = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


_LIMIT_HEADERS = {"remaining_requests": "x-ratelimit-remaining-requests",
                  "remaining_tokens": "x-ratelimit-remaining-tokens",
                  "limit_requests": "x-ratelimit-limit-requests", "limit_tokens": "x-ratelimit-limit-tokens",
                  "reset_requests_s": "x-ratelimit-reset-requests", "reset_tokens_s": "x-ratelimit-reset-tokens"}


def rate_limits(headers: Mapping[str, Any] | None) -> dict[str, float] | None:
    """The OpenAI-style x-ratelimit-* headers as LLMResponse.rate_limits, or None when there are none.
    litellm hands them on as they came and again prefixed 'llm_provider-'; either is read."""
    if not headers:
        return None
    found: dict[str, float] = {}
    for key, name in _LIMIT_HEADERS.items():
        raw = headers.get(name, headers.get(f"llm_provider-{name}"))
        if raw is None:
            continue
        try:
            value = parse_duration(str(raw)) if key.startswith("reset") else float(raw)
        except ValueError:
            value = None
        if value is not None:
            found[key] = value
    return found or None


def _error_headers(exc: Exception) -> Mapping[str, Any]:
    response = getattr(exc, "response", None)
    return getattr(response, "headers", None) or getattr(exc, "litellm_response_headers", None) or {}


def retry_after(headers: Mapping[str, Any]) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms / Retry-After), if it said so in numbers
    (an HTTP-date Retry-After gives None: our own backoff then)."""
    if "retry-after-ms" in headers:
        millis = parse_duration(str(headers["retry-after-ms"]))
        return None if millis is None else millis / 1000
    if "retry-after" in headers:
        return parse_duration(str(headers["retry-after"]))
    return None


@lru_cache(maxsize=64)  # a pure function of a few endpoints, asked once per call
def is_local(api_base: str | None) -> bool:
    """A server on this machine or a private network (vLLM, Ollama, llama.cpp): no per-token price."""
    if not api_base:
        return False
    host = urlsplit(api_base if "//" in api_base else f"//{api_base}").hostname or ""
    if host == "localhost" or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def _key_variable(litellm: Any, role: RoleConfig | LLMRequest) -> str | None:
    """The environment variable a call needs and lacks, or None when the key is there (or not needed)."""
    if role.api_key_env:
        return None if os.environ.get(role.api_key_env) else role.api_key_env
    if role.api_base and is_local(role.api_base):
        return None  # local servers take any key (NO_KEY is sent)
    try:
        missing = litellm.validate_environment(model=role.model, api_base=role.api_base).get("missing_keys") or []
    except Exception:  # noqa: BLE001 - litellm raises bare Exception for providers it cannot place
        return None  # the probe request will say what is wrong
    return missing[0] if missing else None


@lru_cache(maxsize=256)
def _model_facts(model: str) -> tuple[bool, bool]:
    """(litellm's map knows the model, it takes images, else True). Asked on every call: computed once."""
    litellm = _litellm()
    try:
        litellm.get_model_info(model)
    except Exception:  # noqa: BLE001 - raised for any model missing from litellm's map
        return False, True
    return True, bool(litellm.supports_vision(model=model))


def _key_name(litellm: Any, role: RoleConfig) -> str:
    """The environment variable a role's key comes from (its name only)."""
    if role.api_key_env:
        return role.api_key_env
    try:
        provider = litellm.get_llm_provider(role.model)[1]
    except Exception:  # noqa: BLE001 - litellm raises bare Exception for models it cannot place
        provider = role.model.split("/", 1)[0]
    return f"{provider.upper()}_API_KEY"


def _api_key(role: RoleConfig | LLMRequest) -> str | None:
    if role.api_key_env:
        return os.environ.get(role.api_key_env)
    if role.api_base and is_local(role.api_base):
        provider = role.model.split("/", 1)[0]
        return os.environ.get(f"{provider.upper()}_API_KEY") or NO_KEY
    return None  # litellm reads the provider's usual variable


def _endpoint(litellm: Any, target: RoleConfig | LLMRequest) -> dict[str, Any]:
    """The arguments that say where a call goes and how long it may take; no key, no call."""
    missing = _key_variable(litellm, target)
    if missing:
        raise ProviderError(f"no API key: set {missing} in the environment (or run with --offline)",
                            retryable=False, status=401)
    # the gateway retries, with its own backoff and accounting
    kwargs: dict[str, Any] = {"model": target.model, "timeout": target.timeout_s, "num_retries": 0, "max_retries": 0}
    if target.api_base:
        kwargs["api_base"] = target.api_base
    api_key = _api_key(target)
    if api_key:
        kwargs["api_key"] = api_key
    return kwargs


def _classify(exc: Exception, model: str) -> ProviderError:
    """Any failure of a litellm call as a ProviderError with a redacted one-line message. Only 429,
    5xx, timeouts and connection errors are retryable: a bad key or an unknown model stays bad."""
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    message = " ".join(redact(str(exc)).split())[:500]
    if "missing credentials" in message.lower() or "api_key client option must be set" in message.lower():
        # litellm reports a key the OpenAI client refused to send as a 500: it is not transient
        return ProviderError(f"no API key for {model}: {message}", retryable=False, status=401)
    if name == "APIConnectionError" or "connection error" in message.lower():
        # litellm 1.80 reports a refused or reset connection as an InternalServerError with status 500
        return ProviderError(f"{name}: cannot reach the server: {message}", retryable=True)
    if name in ("Timeout", "ServiceUnavailableError", "InternalServerError",
                "BadGatewayError", "RateLimitError") or (isinstance(status, int) and (status == 429 or status >= 500)):
        if name == "RateLimitError":
            status = 429
        # a timeout and a 429 are the server's signs of overload: the adaptive limit backs off on them
        return ProviderError(f"{name}: {message}", retryable=True, retry_after=retry_after(_error_headers(exc)),
                             status=status if isinstance(status, int) else None, timeout=name == "Timeout",
                             rate_limits=rate_limits(_error_headers(exc)))
    hints = {401: "authentication failed; check the key", 403: "access denied; check the key's permissions",
             404: f"model '{model}' or the endpoint was not found; check the model name and api_base"}
    hint = hints.get(status) if isinstance(status, int) else None
    return ProviderError(f"{name}: {hint + ': ' if hint else ''}{message}", retryable=False,
                         status=status if isinstance(status, int) else None)


class LiteLLMProvider:
    name = "litellm"
    description = "any litellm model string; API keys from the environment"

    def __init__(self) -> None:
        # (model, api_base) -> the structured-answer form that server accepted (see _formats)
        self._learned: dict[tuple[str, str | None], str | None] = {}

    def default_vision(self, role: RoleConfig) -> bool:
        """Whether a model takes images when its role does not say: litellm's model info where
        litellm knows the model, else yes (a server that refuses them gets a clear error)."""
        return _model_facts(role.model)[1]

    def key_state(self, role: RoleConfig) -> str:
        """What `muse roles` says of the key (never the key): present, missing (and which
        variable to set), or not needed."""
        missing = _key_variable(_litellm(), role)
        if missing:
            return f"missing: set {missing}"
        if role.api_key_env:
            return f"present ({role.api_key_env})"
        return "not needed (local)" if role.api_base and is_local(role.api_base) else "present"

    def pricing(self, role: RoleConfig | LLMRequest) -> str:
        if role.api_base and is_local(role.api_base) or role.model.split("/", 1)[0] in LOCAL_PROVIDERS:
            return "local"
        return "price-map" if _model_facts(role.model)[0] else "unknown"

    def _formats(self, litellm: Any, request: LLMRequest) -> list[str | None]:
        """The ways to ask this endpoint for a structured answer, best first. A server behind
        api_base is unknown: vLLM and OpenAI take `json_schema`, llama.cpp only its own
        `json_object` + schema; the first one it accepts is remembered."""
        if request.json_schema is None or request.structured == "prompt":
            return [None]
        if request.structured != "auto":
            return [request.structured]
        learned = self._learned.get((request.model, request.api_base))
        if learned:
            return [learned]
        if request.api_base:
            return ["json_schema", "json_object_schema", "json_object", None]
        return ["json_schema"] if _supports_schema(litellm, request.model) else ["json_object"]

    async def complete(self, request: LLMRequest) -> LLMResponse:
        litellm = _litellm()
        kwargs = _endpoint(litellm, request)
        kwargs.update(messages=request.messages, temperature=request.temperature, seed=request.seed)
        if request.max_tokens:
            kwargs["max_tokens"] = request.max_tokens
        if request.send_inputs:
            kwargs["extra_body"] = {
                "muse": {"skill": request.skill, "skill_version": request.skill_version,
                         "inputs": request.inputs, "seed": request.seed, "offline": request.offline}
            }
        formats = self._formats(litellm, request)
        for i, fmt in enumerate(formats):
            kwargs.pop("response_format", None)
            if fmt is not None:
                kwargs["response_format"] = response_format(fmt, request.skill, request.json_schema)
            try:
                # litellm's async client: as many calls in flight as the gateway lets out, not a thread
                # pool's worth (see _NoLogging for what makes it safe across event loops)
                response = await litellm.acompletion(**kwargs)
                break
            except Exception as exc:  # noqa: BLE001 - every provider failure is classified, redacted and re-raised
                error = _classify(exc, request.model)
                if i + 1 < len(formats) and _refuses_format(error):
                    continue  # this server does not take that form: try the next
                raise error from None
        if request.structured == "auto" and request.api_base and request.json_schema is not None:
            self._learned[(request.model, request.api_base)] = fmt
        text = response.choices[0].message.content or ""
        usage = getattr(response, "usage", None)
        pricing = self.pricing(request)
        cost = 0.0
        if pricing == "price-map":
            try:
                cost = float(litellm.completion_cost(completion_response=response, model=request.model) or 0.0)
            except Exception:  # noqa: BLE001 - litellm raises bare Exception for models missing from its price map
                pricing = "unknown"
        hidden = getattr(response, "_hidden_params", None) or {}
        return LLMResponse(text, getattr(usage, "prompt_tokens", None), getattr(usage, "completion_tokens", None),
                           cost, response_model=getattr(response, "model", None), pricing=pricing,
                           rate_limits=rate_limits(hidden.get("additional_headers")))

    def prepare(self) -> None:
        """Import litellm now (seconds), so preflight's timed probe measures the server alone."""
        _litellm()

    async def check(self, role: RoleConfig) -> None:
        """Preflight: the key is present, and one minimal request is answered (not retried)."""
        litellm = _litellm()
        kwargs = _endpoint(litellm, role)
        kwargs.update(messages=[{"role": "user", "content": "Reply with OK."}], max_tokens=1)
        if role.send_inputs:  # the muse offline server answers skills only: probe with the simplest one
            kwargs["extra_body"] = {"muse": {"skill": "chatter_greet", "skill_version": 1, "inputs": {}, "seed": 0}}
        try:
            await litellm.acompletion(**kwargs)
        except Exception as exc:  # noqa: BLE001 - classified below
            error = _classify(exc, role.model)
            if error.status == 429:
                return  # the key works; the gateway will pace itself
            if error.status is None and error.retryable:
                raise ProviderError(f"{error}; start the server or fix api_base", retryable=False) from None
            if error.status in (401, 403):
                raise ProviderError(f"{error} (the key is read from {_key_name(litellm, role)}; set another "
                                    "variable per role with api_key_env)", retryable=False,
                                    status=error.status) from None
            raise error from None


def response_format(fmt: str, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    if fmt == "json_schema":  # OpenAI's form (OpenAI, vLLM, Azure)
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}
    if fmt == "json_object_schema":  # llama.cpp's form: a grammar built from the schema
        return {"type": "json_object", "schema": schema}
    return {"type": "json_object"}


def _refuses_format(error: ProviderError) -> bool:
    """A 4xx/5xx that complains about response_format: the server does not take that form."""
    text = str(error).lower()
    return error.status in (400, 422, 500, None) and any(
        word in text for word in ("response_format", "json_schema", "json_object"))


def _supports_schema(litellm: Any, model: str) -> bool:
    try:
        return bool(litellm.supports_response_schema(model=model))
    except Exception:  # noqa: BLE001 - unknown models
        return False


@hookimpl
def muse_llm_providers() -> list:
    return [LiteLLMProvider()]
