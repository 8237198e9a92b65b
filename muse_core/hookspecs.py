"""The hooks a muse plugin can implement. Each `muse_*s` hook returns the plugin objects it
registers; `muse_commands` adds commands to the `muse` app instead. Plugin authors import
`hookimpl` and the types below from `muse_core.api`.

Every registered object has a unique `name` within its kind; configuration chooses by name.
A third-party package exposes a module implementing some of these hooks through the
`muse` entry-point group:

    [project.entry-points.muse]
    my_domain = "my_package.plugin"
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("muse")
hookimpl = pluggy.HookimplMarker("muse")


@hookspec
def muse_llm_providers() -> list[Any]:
    """Return LLM provider instances (muse_core.api.LLMProvider): `name`, `complete(request)`."""


@hookspec
def muse_embedders() -> list[Any]:
    """Return embedder classes (muse_core.api.Embedder); muse calls the class's `load()` once per
    process for the configured one. `encode_queries` must give each text the vector it would get
    alone (a stage may hand over several queries at once)."""


@hookspec
def muse_retrievers() -> list[Any]:
    """Return retriever classes (muse_core.api.Retriever); muse instantiates them with (store, config).
    A retriever that embeds its queries may also define `prepare_queries(queries)`: async stages
    call it on muse's embedding thread before searching (muse_core.retrieval.search), so the
    costly part runs off the event loop; `search` itself runs on the loop, where it may use SQL."""


@hookspec
def muse_dedup_metrics() -> list[Any]:
    """Return dedup metric classes (muse_core.api.DedupMetric), instantiated with `threshold=`, that
    decide whether a candidate text repeats kept ones."""


@hookspec
def muse_action_policies() -> list[Any]:
    """Return action-control policy classes (muse_core.api.ActionPolicy), instantiated with the
    configuration's `conversations.policy_params`, that choose each conversation round's action."""


@hookspec
def muse_domains() -> list[Any]:
    """Return Domain instances (muse_core.api.Domain): catalog adapter, sample, taxonomy."""


@hookspec
def muse_export_formats() -> list[Any]:
    """Return export format instances (muse_core.api.ExportFormat) that `muse export --format NAME`
    writes: `name`, `description`, `suffix`, `options`, `write(store, path, options) -> counts`."""


@hookspec
def muse_skill_dirs() -> list[Any]:
    """Return folders (pathlib.Path) of skill files (`<name>.toml`) the plugin adds, e.g. the skills
    of a policy's round actions. Searched after the configured domain's overrides and before the
    built-in skills."""


@hookspec
def muse_offline_rules() -> list[Any]:
    """Return OfflineRule instances (muse_core.api.OfflineRule): how the offline engine answers a
    skill the plugin adds (e.g. a policy's round action), named by the skill. The built-in skills'
    rules are muse_plugins/offline/engine.py RULES."""


@hookspec
def muse_commands(app: Any) -> None:
    """Add commands to the `muse` typer app (`@app.command()` on `app`, a typer.Typer). Import
    heavy modules inside the command, not at module level: every `muse` start that lists or runs
    a plugin command loads this hook."""
