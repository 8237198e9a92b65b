"""What a domain plugin provides: how to read its catalog, its sample, its vocabulary, its seed
scenarios, its people and what goes with what."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from muse_core.personas import Persona
from muse_core.records import ProductRecord


@dataclass(frozen=True)
class Domain:
    name: str
    description: str
    # (decoded JSON line, max title length) -> ProductRecord, or raise amazon2023.RecordError
    parse_record: Callable[[Any, int], ProductRecord]
    sample_catalog: Path
    # product groups of the catalog, e.g. clothing / shoes / jewelry & accessories
    taxonomy: dict[str, list[str]] = field(default_factory=dict)
    # where the domain's prompt overrides live (`<skill>.toml`), searched before the built-ins
    skills_dir: Path | None = None
    # reason -> seed scenarios that self-instruct expands (paper 3.2.1)
    seed_scenarios: dict[str, list[str]] = field(default_factory=dict)
    # draws one persona (name, gender, age, profession) from a seeded rng
    sample_persona: Callable[[random.Random], Persona] | None = None
    # relative weight of each top-level group (categories[2] of a product) when a target is
    # drawn by category, as the MUSE authors did
    group_weights: dict[str, float] = field(default_factory=dict)
    # product type -> types that go with it, for the multimodal opening's stylist ("a piece that
    # goes with this sofa"); the stylist is told them as suggestions
    complements: dict[str, list[str]] = field(default_factory=dict)
