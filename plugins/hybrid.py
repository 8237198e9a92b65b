"""`hybrid` retriever: reciprocal-rank fusion of `bm25` and `dense` (the default)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from muse_core.config import MuseConfig
from muse_core.hookspecs import hookimpl
from muse_core.retrieval import Hit, hits_from_scores
from muse_core.store import Store
from muse_plugins.bm25 import BM25Retriever
from muse_plugins.dense import DenseRetriever

RRF_K = 60  # the constant of Cormack et al. (2009); damps the weight of top ranks


def reciprocal_rank_fusion(rankings: list[list[Hit]], k: int) -> list[Hit]:
    scores: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for hit in ranking:
            scores[hit.product_id] += 1.0 / (RRF_K + hit.rank)
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
    return hits_from_scores([pid for pid, _ in best], [score for _, score in best])


class HybridRetriever:
    name = "hybrid"
    uses_vectors = True  # whether ingest must embed the catalog for it
    description = "reciprocal-rank fusion of bm25 and dense"

    def __init__(self, store: Store, config: MuseConfig) -> None:
        self.parts = [BM25Retriever(store, config), DenseRetriever(store, config)]

    def prepare_queries(self, queries: list[str]) -> None:
        """Encode the queries for the dense part (BM25 needs nothing made in advance)."""
        self.parts[1].prepare_queries(queries)

    def search(self, query: str, k: int, exclude: Collection[str] = ()) -> list[Hit]:
        depth = max(4 * k, 50)  # fuse deeper lists than we return, so agreement lower down counts
        return reciprocal_rank_fusion([part.search(query, depth, exclude) for part in self.parts], k)


@hookimpl
def muse_retrievers() -> list:
    return [HybridRetriever]
