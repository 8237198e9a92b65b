"""`offline` LLM provider: the rule-based offline engine, in process (see engine.py), and the
`muse offline-server` command that serves it over HTTP (command.py)."""

from __future__ import annotations

import asyncio

from muse_core.config import OFFLINE_MODEL, OfflineConfig
from muse_core.hookspecs import hookimpl
from muse_core.llm import LLMRequest, LLMResponse, ProviderError, images_from_messages


class OfflineProvider:
    name = "offline"
    in_process = True  # answers in this process: nothing in flight outlives a kill, nothing is billed
    description = "rule-based simulator (no model, no key, deterministic); see docs/offline-engine.md"

    async def complete(self, request: LLMRequest) -> LLMResponse:
        # imported on first use: the engine pulls numpy and Pillow, which `muse` commands that
        # only load the plugin list (sql, plugins, --help) should not pay for
        from muse_plugins.offline import engine

        try:
            options = OfflineConfig.model_validate(request.offline) if request.offline is not None else None
            text = engine.answer(request.skill, request.inputs, images_from_messages(request.messages), request.seed,
                                 options, engine.reasks_in(request.messages))
        except engine.UnknownSkill as exc:
            raise ProviderError(str(exc), retryable=False) from None
        await asyncio.sleep(0)  # yield like a real provider would, so concurrency behaves the same
        return LLMResponse(text, engine.count_tokens(prompt_text(request.messages)), engine.count_tokens(text), 0.0,
                           response_model=OFFLINE_MODEL, pricing="offline")


def prompt_text(messages: list[dict]) -> str:
    """The text parts of a chat request (images excluded), for token accounting."""
    parts = []
    for message in messages:
        content = message["content"]
        parts += [content] if isinstance(content, str) else [p["text"] for p in content if p.get("type") == "text"]
    return "\n".join(parts)


@hookimpl
def muse_llm_providers() -> list:
    return [OfflineProvider()]


@hookimpl
def muse_commands(app) -> None:
    from muse_plugins.offline.command import register

    register(app)
