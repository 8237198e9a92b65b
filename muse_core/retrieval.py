"""Retrieval interfaces: embedders turn text into unit vectors, retrievers rank products.

Retrievers work on the `product_docs` text (title + summary) and the vectors of
`product_embeddings`, both built by muse_core.indexing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from muse_core.config import MuseConfig
from muse_core.store import Store


@dataclass(frozen=True)
class Hit:
    product_id: str
    score: float
    rank: int  # 1-based


class Embedder(Protocol):
    name: str  # plugin name, e.g. "minilm"
    model_id: str  # what product_embeddings.model records
    dim: int

    def encode_documents(self, texts: list[str]) -> np.ndarray: ...  # (n, dim) float32, unit rows

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


class Retriever(Protocol):
    name: str
    uses_vectors: bool  # ingest embeds the catalog only for a retriever that reads product_embeddings

    def search(self, query: str, k: int, exclude: Collection[str] = ()) -> list[Hit]: ...


def hits_from_scores(ids: list[str], scores: list[float]) -> list[Hit]:
    return [Hit(pid, float(score), rank) for rank, (pid, score) in enumerate(zip(ids, scores), start=1)]


def get_embedder(config: MuseConfig) -> Embedder:
    """The configured embedder, loaded once per process (models take seconds to load)."""
    from muse_core.plugins import registry

    return registry().get("embedder", config.retrieval.embedder).load()


def get_retriever(store: Store, config: MuseConfig, name: str | None = None) -> Retriever:
    from muse_core.plugins import registry

    return registry().get("retriever", name or config.retrieval.retriever)(store, config)
