"""`litellm` LLM provider: any model litellm can reach (OpenAI, Anthropic, Azure, Ollama, vLLM,
an OpenAI-compatible server such as llama.cpp's or `muse offline-server`...). Keys come from the
environment, read at call time, and never leave the process except to the provider itself."""

from __future__ import annotations

import asyncio
import ipaddress
import os
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


def _litellm() -> Any:
    import litellm  # imported lazily: it takes seconds, and offline runs never need it

    litellm.drop_params = True  # e.g. `seed` for providers that lack it
    litellm.suppress_debug_info = True  # no "Give Feedback" banners on stdout
    guard_loggers()  # litellm logs raw provider errors at DEBUG, and those may quote a key
    return litellm


def _retry_after(exc: Exception) -> float | None:
    """Seconds the server asked us to wait (Retry-After / retry-after-ms), if it said."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or getattr(exc, "litellm_response_headers", None) or {}
    try:
        if "retry-after-ms" in headers:
            return float(headers["retry-after-ms"]) / 1000
        if "retry-after" in headers:
            return float(headers["retry-after"])
    except (TypeError, ValueError):
        return None  # an HTTP-date Retry-After: fall back to our own backoff
    return None


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


def _api_key(role: RoleConfig | LLMRequest) -> str | None:
    if role.api_key_env:
        return os.environ.get(role.api_key_env)
    if role.api_base and is_local(role.api_base):
        provider = role.model.split("/", 1)[0]
        return os.environ.get(f"{provider.upper()}_API_KEY") or NO_KEY
    return None  # litellm reads the provider's usual variable


def _classify(exc: Exception, model: str) -> ProviderError:
    """Any failure of a litellm call as a ProviderError with a redacted one-line message. Only 429,
    5xx, timeouts and connection errors are retryable: a bad key or an unknown model stays bad."""
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    message = " ".join(redact(str(exc)).split())[:500]
    if name == "APIConnectionError" and "api_key" in message.lower():
        # litellm reports a key the OpenAI client refused to send as a connection error
        return ProviderError(f"no API key for {model}: {message}", retryable=False, status=401)
    if name == "APIConnectionError" or "connection error" in message.lower():
        # litellm 1.80 reports a refused or reset connection as an InternalServerError with status 500
        return ProviderError(f"{name}: cannot reach the server: {message}", retryable=True)
    if name in ("Timeout", "ServiceUnavailableError", "InternalServerError",
                "BadGatewayError", "RateLimitError") or (isinstance(status, int) and (status == 429 or status >= 500)):
        return ProviderError(f"{name}: {message}", retryable=True, retry_after=_retry_after(exc),
                             status=status if isinstance(status, int) else None)
    hints = {401: "authentication failed; check the key", 403: "access denied; check the key's permissions",
             404: f"model '{model}' or the endpoint was not found; check the model name and api_base"}
    hint = hints.get(status) if isinstance(status, int) else None
    return ProviderError(f"{name}: {hint + ': ' if hint else ''}{message}", retryable=False,
                         status=status if isinstance(status, int) else None)


class LiteLLMProvider:
    name = "litellm"
    description = "any litellm model string; API keys from the environment"

    def default_vision(self, role: RoleConfig) -> bool:
        """Whether a model takes images when its role does not say: litellm's model info where
        litellm knows the model, else yes (a server that refuses them gets a clear error)."""
        litellm = _litellm()
        try:
            litellm.get_model_info(role.model)
        except Exception:  # noqa: BLE001 - raised for any model missing from litellm's map
            return True
        return bool(litellm.supports_vision(model=role.model))

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
        try:
            _litellm().get_model_info(role.model)
        except Exception:  # noqa: BLE001 - raised for any model missing from litellm's map
            return "unknown"
        return "price-map"

    def _response_format(self, litellm: Any, request: LLMRequest) -> dict[str, Any]:
        """The JSON schema as `response_format` where the server enforces it (OpenAI, vLLM and
        llama.cpp do), else plain JSON mode; the prompt carries the schema either way."""
        schema_ok = request.structured == "json_schema" or (
            request.structured == "auto" and (bool(request.api_base) and request.model.startswith(("openai/", "hosted_vllm/"))
                                              or _supports_schema(litellm, request.model)))
        if schema_ok:
            return {"type": "json_schema",
                    "json_schema": {"name": request.skill, "schema": request.json_schema, "strict": False}}
        return {"type": "json_object"}

    async def complete(self, request: LLMRequest) -> LLMResponse:
        litellm = _litellm()
        missing = _key_variable(litellm, request)
        if missing:
            raise ProviderError(f"no API key for {request.model}: set {missing} in the environment",
                                retryable=False, status=401)
        kwargs: dict[str, Any] = {
            "model": request.model,
            "messages": request.messages,
            "temperature": request.temperature,
            "seed": request.seed,
            "timeout": request.timeout_s,
            "num_retries": 0,  # the gateway retries, with its own backoff and accounting
            "max_retries": 0,
        }
        if request.max_tokens:
            kwargs["max_tokens"] = request.max_tokens
        if request.api_base:
            kwargs["api_base"] = request.api_base
        api_key = _api_key(request)
        if api_key:
            kwargs["api_key"] = api_key
        if request.json_schema is not None and request.structured != "prompt":
            kwargs["response_format"] = self._response_format(litellm, request)
        if request.send_inputs:
            kwargs["extra_body"] = {
                "muse": {"skill": request.skill, "skill_version": request.skill_version,
                         "inputs": request.inputs, "seed": request.seed}
            }
        try:
            # The sync client in a worker thread: litellm's async client ties a global logging
            # queue to the first event loop it sees and then hangs the shutdown of later loops.
            response = await asyncio.to_thread(litellm.completion, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every provider failure is classified, redacted and re-raised
            raise _classify(exc, request.model) from None
        text = response.choices[0].message.content or ""
        usage = getattr(response, "usage", None)
        pricing = self.pricing(request)
        cost = 0.0
        if pricing == "price-map":
            try:
                cost = float(litellm.completion_cost(completion_response=response, model=request.model) or 0.0)
            except Exception:  # noqa: BLE001 - litellm raises bare Exception for models missing from its price map
                pricing = "unknown"
        return LLMResponse(text, getattr(usage, "prompt_tokens", None), getattr(usage, "completion_tokens", None),
                           cost, response_model=getattr(response, "model", None), pricing=pricing)

    async def check(self, role: RoleConfig) -> None:
        """Preflight: the key is present, and one minimal request is answered (not retried)."""
        litellm = _litellm()
        missing = _key_variable(litellm, role)
        if missing:
            raise ProviderError(f"no API key: set {missing} in the environment (or run with --offline)",
                                retryable=False, status=401)
        kwargs: dict[str, Any] = {"model": role.model, "messages": [{"role": "user", "content": "Reply with OK."}],
                                  "max_tokens": 1, "timeout": role.timeout_s, "num_retries": 0, "max_retries": 0}
        if role.api_base:
            kwargs["api_base"] = role.api_base
        api_key = _api_key(role)
        if api_key:
            kwargs["api_key"] = api_key
        if role.send_inputs:  # the muse offline server answers skills only: probe with the simplest one
            kwargs["extra_body"] = {"muse": {"skill": "chatter_greet", "skill_version": 1, "inputs": {}, "seed": 0}}
        try:
            await asyncio.to_thread(litellm.completion, **kwargs)
        except Exception as exc:  # noqa: BLE001 - classified below
            error = _classify(exc, role.model)
            if error.status == 429:
                return  # the key works; the gateway will pace itself
            if error.status is None and error.retryable:
                raise ProviderError(f"{error}; start the server or fix api_base", retryable=False) from None
            raise error from None


def _supports_schema(litellm: Any, model: str) -> bool:
    try:
        return bool(litellm.supports_response_schema(model=model))
    except Exception:  # noqa: BLE001 - unknown models
        return False


@hookimpl
def muse_llm_providers() -> list:
    return [LiteLLMProvider()]
