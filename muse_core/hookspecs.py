"""The hooks a muse plugin can implement. Each returns the plugin objects it registers.

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
    """Return LLM provider objects (see muse_core.llm.LLMProvider)."""


@hookspec
def muse_embedders() -> list[Any]:
    """Return embedder classes (see muse_core.retrieval.Embedder)."""


@hookspec
def muse_retrievers() -> list[Any]:
    """Return retriever classes (see muse_core.retrieval.Retriever)."""


@hookspec
def muse_dedup_metrics() -> list[Any]:
    """Return dedup metric classes that decide whether a candidate text repeats kept ones."""


@hookspec
def muse_action_policies() -> list[Any]:
    """Return action-control policy classes that choose each conversation round's action."""


@hookspec
def muse_domains() -> list[Any]:
    """Return domain objects (see muse_core.domain.Domain): catalog adapter, sample, taxonomy."""
