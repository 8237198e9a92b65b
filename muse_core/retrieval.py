"""Retrieval interfaces: embedders turn text into unit vectors, retrievers rank products.

Retrievers work on the `product_docs` text (title + summary) and the vectors of
`product_embeddings`, both built by muse_core.indexing.

Query embedding is the costly part of a search (a transformer forward pass), so it is done once
per distinct query text per process (`QueryVectors`, an LRU) and, from async stages, on one
dedicated worker thread (`search`, `prepare_queries`) so that the event loop keeps the model
calls of every other conversation going meanwhile. SQL stays on the caller's thread: a DuckDB
connection must not be used from two threads at once. Torch runs with `torch_threads()` intra-op
threads (1 unless MUSE_TORCH_THREADS says otherwise): on a shared 2-core machine two OpenMP
threads wait for each other at every layer while the rest of the process holds a core (10x
slower per query under load). The thread count changes the last bits of some vectors (2 threads
against 1 on a 2-core machine: 234 of 372 queries), so a fixed count also keeps results from
depending on the machine's cores.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

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

    # each text gets the vector it would get alone, whatever else is in `texts` (a stage hands
    # over the queries it knows up front at once, and results must not depend on the grouping)
    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


class Retriever(Protocol):
    name: str
    uses_vectors: bool  # ingest embeds the catalog only for a retriever that reads product_embeddings

    def search(self, query: str, k: int, exclude: Collection[str] = ()) -> list[Hit]: ...


def hits_from_scores(ids: list[str], scores: list[float]) -> list[Hit]:
    return [Hit(pid, float(score), rank) for rank, (pid, score) in enumerate(zip(ids, scores), start=1)]


def best_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest finite scores, best first, ties by lower index (retrievers keep
    their rows in product-id order, so ties go by product id); -inf rows never return."""
    k = min(k, int(np.isfinite(scores).sum()))
    if k <= 0:
        return np.array([], dtype=np.int64)
    kth = -np.partition(-scores, k - 1)[k - 1]
    candidates = np.flatnonzero(scores >= kth)  # every row tied with the k-th competes
    return candidates[np.lexsort((candidates, -scores[candidates]))][:k]


def get_embedder(config: MuseConfig) -> Embedder:
    """The configured embedder, loaded once per process (models take seconds to load)."""
    from muse_core.plugins import registry

    return registry().get("embedder", config.retrieval.embedder).load()


def get_retriever(store: Store, config: MuseConfig, name: str | None = None) -> Retriever:
    from muse_core.plugins import registry

    return registry().get("retriever", name or config.retrieval.retriever)(store, config)


# --- encoding: threads, one forward pass per batch, off the event loop ------------------------

TORCH_THREADS_ENV = "MUSE_TORCH_THREADS"
QUERY_CACHE_SIZE = 4096  # distinct query vectors kept per process (1.5 kB each at 384-d)
MAX_LENGTH = 512  # tokens; FlagEmbedding's default for queries and passages
BATCH = 64  # texts per forward pass


def torch_threads() -> int:
    """Intra-op threads for embedding: MUSE_TORCH_THREADS, else 1 (see the module docstring)."""
    value = os.environ.get(TORCH_THREADS_ENV, "").strip()
    if not value:
        return 1
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{TORCH_THREADS_ENV} must be a positive integer, not {value!r}")
    return int(value)


def configure_torch() -> None:
    """Apply torch_threads() to torch, for the calling thread and the threads torch starts later."""
    import torch

    threads = torch_threads()
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


@lru_cache(maxsize=1)
def embedding_executor() -> ThreadPoolExecutor:
    """The one thread every off-loop encode runs on: one model pass at a time, never competing with
    another for the cores."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="muse-embed", initializer=configure_torch)


async def off_loop(fn: Callable[..., Any], *args: Any) -> Any:
    """Run `fn(*args)` on the embedding thread and wait for it without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(embedding_executor(), fn, *args)


def encode_batches(lengths: Sequence[int], run: Callable[[list[int]], np.ndarray], *, alone: bool,
                   batch_size: int = BATCH) -> np.ndarray:
    """FlagEmbedding's batching of texts of these token lengths: sorted longest first, `batch_size`
    texts a pass, or each alone with `alone` (see encode_texts). `run(indices)` gives the
    (len(indices), dim) unit vectors of those texts, padded to the longest of them."""
    order = [int(i) for i in np.argsort([-n for n in lengths])]  # FlagEmbedding's order
    step = 1 if alone else batch_size
    out: np.ndarray | None = None
    for start in range(0, len(order), step):
        batch = order[start : start + step]
        vectors = run(batch)
        if out is None:
            out = np.empty((len(lengths), vectors.shape[1]), dtype=np.float32)
        out[batch] = vectors
    return out


def encode_texts(tokenizer: Any, forward: Callable[[dict], Any], texts: Sequence[str], *,
                 alone: bool, batch_size: int = BATCH, max_length: int = MAX_LENGTH) -> np.ndarray:
    """Unit vectors of `texts` with one forward pass per batch (FlagEmbedding's own encode first
    runs a throw-away pass to probe the batch size). `forward(inputs)` maps padded tokenizer output
    to an (n, dim) tensor of normalised vectors. The floats are FlagEmbedding's, bit for bit, at
    the same thread count.

    `alone=False` is FlagEmbedding's batching (texts sorted by length, longest first, each batch
    padded to its longest): for documents. `alone=True` gives each text its own pass: for queries,
    whose vector must not depend on what else was encoded with it (a query batched with others,
    even of the same token count, differs in the last bits for ~7% of queries, which can swap
    near-tied products and would make a resumed run differ from an uninterrupted one).
    """
    import torch

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    tokens = tokenizer(list(texts), truncation=True, max_length=max_length)
    items = [{key: tokens[key][i] for key in tokens.keys()} for i in range(len(texts))]

    def run(batch: list[int]) -> np.ndarray:
        inputs = tokenizer.pad({key: [items[i][key] for i in batch] for key in items[0]},
                               padding=True, return_tensors="pt")
        return forward(inputs).float().cpu().numpy()

    with torch.inference_mode():
        return encode_batches([len(item["input_ids"]) for item in items], run, alone=alone, batch_size=batch_size)


class QueryVectors:
    """An LRU of query vectors, keyed by (embedder model, text), shared by every retriever of the
    process: a query text is encoded once. Thread-safe: filled on the embedding thread, read on
    the event loop."""

    def __init__(self, size: int = QUERY_CACHE_SIZE) -> None:
        self.size = size
        self.vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        """Vectors of `texts` (n, dim), encoding the ones not cached in one call."""
        found: dict[str, np.ndarray] = {}
        with self.lock:
            for text in texts:
                key = (embedder.model_id, text)
                if key in self.vectors:
                    self.vectors.move_to_end(key)
                    found[text] = self.vectors[key]
            self.hits += sum(t in found for t in texts)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            # outside the lock: encoding takes milliseconds and only the embedding thread encodes
            for text, vector in zip(missing, embedder.encode_queries(missing)):
                found[text] = vector
            with self.lock:
                self.misses += len(missing)
                for text in missing:
                    self.vectors[(embedder.model_id, text)] = found[text]
                while len(self.vectors) > self.size:
                    self.vectors.popitem(last=False)
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, embedder.dim), dtype=np.float32)


QUERY_VECTORS = QueryVectors()


async def prepare_queries(retriever: Retriever, queries: Sequence[str]) -> None:
    """Encode the queries a stage is about to search, in one job on the embedding thread, so the
    searches that follow find their vectors cached. A no-op for retrievers without vectors."""
    prepare = getattr(retriever, "prepare_queries", None)
    if prepare is not None and queries:
        await off_loop(prepare, list(queries))


async def search(retriever: Retriever, query: str, k: int, exclude: Collection[str] = ()) -> list[Hit]:
    """`retriever.search` for async stages: the query's embedding is made off the event loop, then
    the search itself (SQL, one matrix product) runs here, on the loop's thread."""
    await prepare_queries(retriever, [query])
    return retriever.search(query, k, exclude)
