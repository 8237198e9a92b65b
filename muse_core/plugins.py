"""The plugin manager: built-ins from `plugins/`, third-party packages from entry points."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pluggy

from muse_core import hookspecs

ENTRY_POINT_GROUP = "muse"

# Built-in plugins load by default; each module implements some hooks of muse_core.hookspecs.
DEFAULT_PLUGINS = (
    "muse_plugins.offline",
    "muse_plugins.litellm_provider",
    "muse_plugins.openai_compatible",
    "muse_plugins.minilm_embedder",
    "muse_plugins.bge_m3_embedder",
    "muse_plugins.bm25",
    "muse_plugins.dense",
    "muse_plugins.hybrid",
    "muse_plugins.bleu_dedup",
    "muse_plugins.minhash_dedup",
    "muse_plugins.decaying_chitchat",
    "muse_plugins.no_chitchat",
    "muse_plugins.fixed_probability",
    "muse_plugins.fashion",
    "muse_plugins.muse_json_export",
    "muse_plugins.jsonl_export",
    "muse_plugins.parquet_export",
    "muse_plugins.hf_export",
    "muse_plugins.finetune_export",
    "muse_plugins.study",
    "muse_plugins.finetune",
)

# kind shown to users -> hook that registers it
KINDS = {
    "llm_provider": "muse_llm_providers",
    "embedder": "muse_embedders",
    "retriever": "muse_retrievers",
    "dedup_metric": "muse_dedup_metrics",
    "action_policy": "muse_action_policies",
    "domain": "muse_domains",
    "export_format": "muse_export_formats",
    "offline_rule": "muse_offline_rules",
}


class UnknownPluginError(LookupError):
    """A configuration names a plugin that no loaded package registers."""


@dataclass(frozen=True)
class PluginEntry:
    kind: str
    name: str
    obj: Any
    origin: str  # "builtin" or "<distribution> <version>"
    module: str


def get_plugin_manager(load_entry_points: bool = True) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("muse")
    pm.add_hookspecs(hookspecs)
    for module_name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    if load_entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return pm


class Registry:
    """Every plugin object by kind and name, with where it came from."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        origins = {id(plugin): f"{dist.project_name} {dist.version}" for plugin, dist in pm.list_plugin_distinfo()}
        self.entries: dict[str, dict[str, PluginEntry]] = {kind: {} for kind in KINDS}
        for kind, hook_name in KINDS.items():
            for impl in getattr(pm.hook, hook_name).get_hookimpls():
                origin = origins.get(id(impl.plugin), "builtin")
                for obj in impl.function() or []:
                    name = getattr(obj, "name", None)
                    if not isinstance(name, str) or not name:
                        raise TypeError(f"{impl.plugin_name} registered a {kind} without a `name`: {obj!r}")
                    if name in self.entries[kind]:
                        other = self.entries[kind][name]
                        raise ValueError(
                            f"two {kind} plugins are named '{name}': {other.module} ({other.origin}) "
                            f"and {impl.plugin_name} ({origin})"
                        )
                    self.entries[kind][name] = PluginEntry(kind, name, obj, origin, impl.plugin_name)

    def get(self, kind: str, name: str) -> Any:
        if kind not in self.entries:
            raise KeyError(f"unknown plugin kind '{kind}'; kinds: {', '.join(KINDS)}")
        try:
            return self.entries[kind][name].obj
        except KeyError:
            known = ", ".join(sorted(self.entries[kind])) or "none"
            raise UnknownPluginError(f"no {kind} plugin named '{name}'; known: {known}") from None

    def names(self, kind: str) -> list[str]:
        return sorted(self.entries[kind])


@lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (built-ins and entry points are imported once)."""
    return get_plugin_manager()


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The process-wide registry (plugins are loaded once)."""
    return Registry(plugin_manager())


def plugin_skill_dirs() -> tuple[Path, ...]:
    """The skill folders plugins add (hook muse_skill_dirs), in registration order."""
    return tuple(Path(folder) for folders in plugin_manager().hook.muse_skill_dirs() for folder in folders or [])


def add_plugin_commands(app: Any) -> None:
    """Let every plugin add its commands to the `muse` typer app (hook `muse_commands`); a
    plugin command may not take the name of one already there."""
    before = {_command_name(c) for c in app.registered_commands}
    pm = plugin_manager()
    for impl in pm.hook.muse_commands.get_hookimpls():
        count = len(app.registered_commands)
        impl.function(app=app)
        for command in app.registered_commands[count:]:
            name = _command_name(command)
            if name in before:
                raise ValueError(f"{impl.plugin_name} adds a command '{name}' that muse already has")
            before.add(name)


def _command_name(command: Any) -> str:
    # typer's default name: the function's, with underscores as dashes
    return command.name or command.callback.__name__.replace("_", "-")


def check_config_plugins(config, reg: Registry | None = None) -> None:
    """Fail before any work if the configuration names a plugin that is not installed."""
    reg = reg or registry()
    reg.get("domain", config.domain)
    reg.get("retriever", config.retrieval.retriever)
    reg.get("embedder", config.retrieval.embedder)
    reg.get("dedup_metric", config.profiles.dedup_metric)
    reg.get("action_policy", config.conversations.policy)
    for role in config.roles.values():
        reg.get("llm_provider", role.provider)
