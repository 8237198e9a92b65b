"""`litellm` LLM provider: any model litellm can reach (OpenAI, Anthropic, Azure, Ollama, vLLM,
an OpenAI-compatible server such as `muse offline-server`...). Keys come from the environment."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from muse_core.hookspecs import hookimpl
from muse_core.llm import LLMRequest, LLMResponse, ProviderError
from muse_core.secrets import guard_loggers

# Never fetch litellm's price map from the network at import: use the copy in the wheel.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


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


class LiteLLMProvider:
    name = "litellm"
    description = "any litellm model string; API keys from the environment"

    async def complete(self, request: LLMRequest) -> LLMResponse:
        import litellm  # imported lazily: it takes seconds, and offline runs never need it

        litellm.drop_params = True  # e.g. `seed` for providers that lack it
        litellm.suppress_debug_info = True  # no "Give Feedback" banners on stdout
        guard_loggers()  # litellm logs raw provider errors at DEBUG, and those may quote a key
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
        if request.json_schema is not None:
            kwargs["response_format"] = {"type": "json_object"}
        if request.send_inputs:
            kwargs["extra_body"] = {
                "muse": {"skill": request.skill, "skill_version": request.skill_version,
                         "inputs": request.inputs, "seed": request.seed}
            }
        try:
            # The sync client in a worker thread: litellm's async client ties a global logging
            # queue to the first event loop it sees and then hangs the shutdown of later loops.
            response = await asyncio.to_thread(litellm.completion, **kwargs)
        except (litellm.RateLimitError, litellm.Timeout, litellm.APIConnectionError,
                litellm.InternalServerError, litellm.ServiceUnavailableError, litellm.BadGatewayError) as exc:
            raise ProviderError(str(exc), retryable=True, retry_after=_retry_after(exc),
                                status=getattr(exc, "status_code", None)) from None
        except litellm.APIError as exc:
            status = getattr(exc, "status_code", None)
            retryable = isinstance(status, int) and (status == 429 or status >= 500)
            raise ProviderError(str(exc), retryable=retryable, retry_after=_retry_after(exc), status=status) from None
        except litellm.OpenAIError as exc:  # auth, bad request, not found, context window...
            raise ProviderError(str(exc), retryable=False, status=getattr(exc, "status_code", None)) from None
        text = response.choices[0].message.content or ""
        usage = getattr(response, "usage", None)
        try:
            cost = float(litellm.completion_cost(completion_response=response) or 0.0)
        except Exception:  # noqa: BLE001 - litellm raises bare Exception for models missing from its price map
            cost = 0.0
        return LLMResponse(
            text,
            getattr(usage, "prompt_tokens", None),
            getattr(usage, "completion_tokens", None),
            cost,
        )


@hookimpl
def muse_llm_providers() -> list:
    return [LiteLLMProvider()]
