"""Everything a muse plugin author imports, in one place: the hook marker, the types a plugin
implements or returns, and the records and read access it is handed. Import from here, not
from the modules behind it; those may move, these names stay.

    from muse_core.api import Domain, hookimpl

    @hookimpl
    def muse_domains() -> list[Domain]:
        return [MY_DOMAIN]

The hooks themselves (what each returns) are documented in muse_core/hookspecs.py and
docs/plugins.md.
"""

from __future__ import annotations

from muse_core.action_policy import Action, ActionPolicy, RoundAction
from muse_core.amazon2023 import RecordError, parse_record
from muse_core.config import MuseConfig, RoleConfig
from muse_core.dedup import DedupDecision, DedupMetric
from muse_core.domain import Domain
from muse_core.exports import (CARD_OPTIONS, ExportError, ExportFormat, ExportOptionError, ExportOptions,
                               data_card_facts, write_data_card)
from muse_core.hookspecs import hookimpl
from muse_core.indexing import docs_to_embed, fts_exists
from muse_core.llm import LLMProvider, LLMRequest, LLMResponse, ProviderError, images_from_messages
from muse_core.personas import Persona
from muse_core.records import ProductRecord
from muse_core.retrieval import Embedder, Hit, Retriever, hits_from_scores
from muse_core.skills import OfflineRule
from muse_core.store import Store, StoreError

__all__ = [
    # the hook marker (hooks: muse_core/hookspecs.py)
    "hookimpl",
    # muse_domains: a domain, the records its catalog adapter returns or refuses, its personas
    "Domain", "ProductRecord", "RecordError", "parse_record", "Persona",
    # muse_llm_providers
    "LLMProvider", "LLMRequest", "LLMResponse", "ProviderError", "images_from_messages",
    # muse_embedders, muse_retrievers: the protocols, the result type, what the index holds
    "Embedder", "Retriever", "Hit", "hits_from_scores", "fts_exists", "docs_to_embed",
    # muse_dedup_metrics, muse_action_policies
    "DedupMetric", "DedupDecision", "ActionPolicy", "Action", "RoundAction",
    # muse_offline_rules: how the offline engine answers a skill a plugin adds
    "OfflineRule",
    # muse_export_formats: the protocol, its options, errors, the data card every format writes
    "ExportFormat", "ExportOptions", "ExportError", "ExportOptionError", "CARD_OPTIONS", "data_card_facts",
    "write_data_card",
    # what plugins are handed: the configuration and the database (read with Store.rows / scalar)
    "MuseConfig", "RoleConfig", "Store", "StoreError",
]
