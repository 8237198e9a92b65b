"""What a domain plugin provides: how to read its catalog, its sample, its vocabulary.

Later stages extend this with seed scenarios, a persona sampler and complement rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
