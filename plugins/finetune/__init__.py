"""LoRA fine-tuning on the exported tasks (paper Tables 4-6): the `muse finetune` command
(command.py) and the `local` LLM provider that plays a tuned adapter, or its base, for the
evaluation tasks (`muse evaluate --task-model local:DIR`, provider.py)."""

from __future__ import annotations

from muse_core.hookspecs import hookimpl


@hookimpl
def muse_commands(app) -> None:
    from muse_plugins.finetune.command import register

    register(app)


@hookimpl
def muse_llm_providers() -> list:
    from muse_plugins.finetune.provider import LocalAdapterProvider  # light: torch loads on the first call

    return [LocalAdapterProvider()]
