"""What every stage works with: one small object instead of a gateway that carries everything.

A stage reads the store, the configuration, its run id, the domain and its progress bar from here;
the Gateway only makes model calls (and records them). Built once per stage run by `StageContext.open`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from muse_core.config import MuseConfig
from muse_core.domain import Domain
from muse_core.progress import Progress
from muse_core.shards import Shard
from muse_core.store import Store

if TYPE_CHECKING:  # the gateway imports litellm-free but heavy modules; only types are needed here
    from muse_core.action_policy import ActionPolicy
    from muse_core.dedup import DedupMetric
    from muse_core.llm import Gateway
    from muse_core.retrieval import Retriever


@dataclass
class StageContext:
    store: Store
    config: MuseConfig
    run_id: str
    domain: Domain
    gateway: Gateway
    progress: Progress = field(default_factory=Progress.silent)
    catalog: Path | None = None  # ingest's catalog file; None: the domain's bundled sample
    shard: Shard | None = None  # a sharded stage's part (muse_core/shards.py); None: the whole stage

    @classmethod
    def open(cls, store: Store, config: MuseConfig, run_id: str, progress: Progress | None = None,
             catalog: Path | None = None, shard: Shard | None = None) -> StageContext:
        """The configured domain, and a gateway that looks for the domain's prompt overrides first.
        One per event loop: the gateway's concurrency limits belong to the loop they were made in."""
        from muse_core.llm import Gateway
        from muse_core.plugins import registry

        domain = registry().get("domain", config.domain)
        gateway = Gateway(store, config, run_id, skill_dirs=cls.skill_dirs_of(domain), batch_writes=True)
        progress = progress or Progress.silent()
        progress.watch(gateway.limit.describe)  # calls in flight and per minute, beside each stage's bar
        return cls(store, config, run_id, domain, gateway, progress, catalog, shard)

    def owns(self, entity_id: str) -> bool:
        """Whether this run of the stage does the entity (every one, unless the stage is sharded)."""
        return self.shard is None or self.shard.owns(entity_id)

    @staticmethod
    def skill_dirs_of(domain: Domain) -> tuple[Path, ...]:
        """Where skills are looked for before the built-ins: the domain's overrides, then the
        folders plugins add (hook muse_skill_dirs)."""
        from muse_core.plugins import plugin_skill_dirs

        return ((domain.skills_dir,) if domain.skills_dir else ()) + plugin_skill_dirs()

    @property
    def skill_dirs(self) -> tuple[Path, ...]:
        return self.skill_dirs_of(self.domain)

    @cached_property
    def retriever(self) -> Retriever:
        from muse_core.retrieval import get_retriever

        return get_retriever(self.store, self.config)

    @cached_property
    def policy(self) -> ActionPolicy:
        from muse_core.action_policy import get_policy

        return get_policy(self.config)

    def dedup_metric(self) -> DedupMetric:
        """A fresh metric (it holds the kept set) with the configured threshold."""
        from muse_core.plugins import registry

        profiles = self.config.profiles
        return registry().get("dedup_metric", profiles.dedup_metric)(threshold=profiles.dedup_threshold)
