"""`dense` retriever: cosine similarity between the query's embedding and product vectors.

The vectors live in DuckDB; the retriever loads those of the configured model into one
normalised numpy matrix when it is created, so each query is one matrix-vector product. A query's
vector comes from the process's query cache (muse_core.retrieval.QUERY_VECTORS): a repeated
query is encoded once, and async stages fill the cache off the event loop before searching.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from muse_core.config import MuseConfig
from muse_core.hookspecs import hookimpl
from muse_core.indexing import docs_to_embed
from muse_core.retrieval import QUERY_VECTORS, Embedder, Hit, best_rows, get_embedder, hits_from_scores
from muse_core.store import Store


def load_matrix(store: Store, model_id: str) -> tuple[list[str], np.ndarray]:
    table = store.con.execute(
        "SELECT product_id, vector FROM product_embeddings WHERE model = ? ORDER BY product_id", [model_id]
    ).to_arrow_table()
    ids = table.column("product_id").to_pylist()
    if not ids:
        return [], np.zeros((0, 0), dtype=np.float32)
    flat = table.column("vector").combine_chunks()
    matrix = flat.values.to_numpy(zero_copy_only=False).astype(np.float32, copy=False).reshape(len(ids), -1)
    return ids, matrix


def top_k(matrix: np.ndarray, query: np.ndarray, k: int, banned: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Indices and scores of the k best rows by dot product, best first; `banned` rows never return."""
    scores = matrix @ query
    if banned is not None and banned.any():
        scores = np.where(banned, -np.inf, scores)
    order = best_rows(scores, k)
    return order, scores[order]


class DenseRetriever:
    name = "dense"
    uses_vectors = True  # whether ingest must embed the catalog for it
    description = "cosine similarity of embeddings (the configured embedder), exact"

    def __init__(self, store: Store, config: MuseConfig, embedder: Embedder | None = None) -> None:
        self.embedder = embedder or get_embedder(config)
        # a catalog ingested for BM25 alone, or changed since, has no current vector for some products:
        # searching what is there would silently miss them or match their old text
        missing = len(docs_to_embed(store, self.embedder.model_id))
        if missing:
            raise RuntimeError(
                f"{store.path}: {missing} products have no current '{self.embedder.model_id}' vector; run"
                f" `muse ingest` with retrieval.retriever = \"{config.retrieval.retriever}\" to embed them")
        self.ids, self.matrix = load_matrix(store, self.embedder.model_id)
        self.row = {pid: i for i, pid in enumerate(self.ids)}

    def prepare_queries(self, queries: list[str]) -> None:
        """Encode these queries in one batch into the process's query cache (called off the event
        loop by muse_core.retrieval.search and prepare_queries); searches then find them there."""
        QUERY_VECTORS.get(self.embedder, queries)

    def search(self, query: str, k: int, exclude: Collection[str] = ()) -> list[Hit]:
        return self.search_vector(QUERY_VECTORS.get(self.embedder, [query])[0], k, exclude)

    def search_vector(self, vector: np.ndarray, k: int, exclude: Collection[str] = ()) -> list[Hit]:
        banned = None
        if exclude:
            banned = np.zeros(len(self.ids), dtype=bool)
            banned[[self.row[pid] for pid in exclude if pid in self.row]] = True
        order, scores = top_k(self.matrix, vector.astype(np.float32), k, banned)
        return hits_from_scores([self.ids[i] for i in order], scores.tolist())


@hookimpl
def muse_retrievers() -> list:
    return [DenseRetriever]
