"""Embedding done once and cheaply (issue 14): one forward pass per batch, FlagEmbedding's bits,
each query text encoded once per process, encoding off the event loop on one thread with the
configured torch threads, and profile decisions committed per batch. No timings are asserted
here: benchmarks/embedding_bench.py prints them as ratios."""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from muse_core import retrieval
from muse_core.retrieval import QueryVectors, encode_texts, off_loop, search, torch_threads

DOCS = [f"{colour} {item} in {fabric}, a product for {who} who like it" + " long" * (i % 7)
        for i, (colour, item, fabric, who) in enumerate(
            (c, it, f, w) for c in ("red", "navy", "ivory") for it in ("dress", "coat", "boots", "scarf")
            for f in ("wool", "linen", "leather") for w in ("women", "men"))]
QUERIES = ["red dress for a wedding", "warm navy wool coat men's", "boots", "a linen scarf for summer evenings girls"]


@pytest.fixture(scope="module")
def minilm():
    from muse_plugins.minilm_embedder import MiniLM

    return MiniLM.load()


class CountingEmbedder:
    """Stands in for a model: vectors derived from the text, calls and threads recorded."""

    name, model_id, dim = "counting", "counting-model", 4

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.calls: list[list[str]] = []
        self.threads: list[str] = []
        self.gate = gate

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.threads.append(threading.current_thread().name)
        if self.gate is not None:  # wait for the event loop: only possible if we are not on it
            assert self.gate.wait(10), "the event loop did not run while the query was encoded"
        return np.array([[len(t), t.count(" "), 1.0, 0.0] for t in texts], dtype=np.float32)

    encode_documents = encode_queries


class CountingRetriever:
    name, uses_vectors = "counting", True

    def __init__(self, embedder: CountingEmbedder, cache: QueryVectors) -> None:
        self.embedder, self.cache, self.search_threads = embedder, cache, []

    def prepare_queries(self, queries: list[str]) -> None:
        self.cache.get(self.embedder, queries)

    def search(self, query: str, k: int, exclude=()) -> list:
        self.search_threads.append(threading.current_thread().name)
        self.cache.get(self.embedder, [query])
        return []


@pytest.mark.slow
def test_one_forward_pass_per_document_batch_and_one_per_query(minilm, monkeypatch) -> None:
    passes = []
    real = minilm._forward
    monkeypatch.setattr(minilm, "_forward", lambda inputs: passes.append(inputs["input_ids"].shape) or real(inputs))
    minilm.encode_documents(DOCS)  # 72 texts: batches of 64 and 8
    assert [shape[0] for shape in passes] == [64, 8]
    passes.clear()
    minilm.encode_queries(QUERIES)
    assert [shape[0] for shape in passes] == [1, 1, 1, 1]  # each alone: no padding, no probe


@pytest.mark.slow
def test_vectors_are_the_bits_flagembedding_gives(minilm) -> None:
    flag = minilm.model  # FlagEmbedding's own encode, probe and all, at the same thread count
    assert np.array_equal(minilm.encode_documents(DOCS[:64]), flag.encode_corpus(DOCS[:64], batch_size=65))
    alone = np.stack([flag.encode_queries([q], batch_size=2)[0] for q in QUERIES])
    assert np.array_equal(minilm.encode_queries(QUERIES), alone)  # a list gives each query its own pass
    assert np.allclose(np.linalg.norm(alone, axis=1), 1, atol=1e-5)


@pytest.mark.slow
def test_encoding_runs_with_the_configured_torch_threads(minilm) -> None:
    import torch

    assert torch.get_num_threads() == torch_threads() == 1
    assert asyncio.run(off_loop(torch.get_num_threads)) == 1  # on the embedding thread too


def test_torch_threads_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.delenv(retrieval.TORCH_THREADS_ENV, raising=False)
    assert torch_threads() == 1
    monkeypatch.setenv(retrieval.TORCH_THREADS_ENV, "3")
    assert torch_threads() == 3
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(retrieval.TORCH_THREADS_ENV, bad)
        with pytest.raises(ValueError, match="MUSE_TORCH_THREADS"):
            torch_threads()


def test_a_query_text_is_encoded_once_and_the_cache_is_bounded() -> None:
    embedder, cache = CountingEmbedder(), QueryVectors(size=3)
    first = cache.get(embedder, ["a b", "c", "a b"])
    assert embedder.calls == [["a b", "c"]]  # duplicates within a call are encoded once
    assert np.array_equal(first[0], first[2])
    assert np.array_equal(cache.get(embedder, ["c"])[0], first[1]) and len(embedder.calls) == 1
    cache.get(embedder, ["d", "e"])  # "a b" was the least recently used: evicted
    cache.get(embedder, ["c", "a b"])
    assert embedder.calls[-1] == ["a b"] and len(cache.vectors) == 3
    assert (cache.hits, cache.misses) == (2, 5)


def test_search_encodes_off_the_event_loop_and_queries_sql_on_it() -> None:
    gate = threading.Event()
    embedder = CountingEmbedder(gate)
    retriever = CountingRetriever(embedder, QueryVectors())

    async def main() -> None:
        async def open_gate() -> None:  # runs only if the loop is free while the query is encoded
            await asyncio.sleep(0.01)
            gate.set()

        opener = asyncio.create_task(open_gate())
        await search(retriever, "navy wool coat", 5)
        await opener

    asyncio.run(main())
    assert embedder.calls == [["navy wool coat"]]
    assert embedder.threads == ["muse-embed_0"]
    assert retriever.search_threads == [threading.current_thread().name]  # the search (its SQL) stayed on the loop


def test_a_retriever_without_vectors_is_searched_as_before() -> None:
    class Plain:
        name, uses_vectors = "plain", False

        def search(self, query, k, exclude=()):
            return [query, k, tuple(exclude)]

    assert asyncio.run(search(Plain(), "q", 3, ["x"])) == ["q", 3, ("x",)]


def test_encode_texts_gives_nothing_for_no_text() -> None:
    assert encode_texts(None, None, [], alone=True).shape[0] == 0


@pytest.fixture(scope="module")
def hybrid_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample ingested, summarised and indexed with vectors, for the hybrid retriever."""
    from muse_core.config import load_config
    from tests.helpers import run_stages

    db = tmp_path_factory.mktemp("hybrid") / "sample.duckdb"
    run_stages(load_config(db=db, retrieval={"retriever": "hybrid"}).with_offline_engine(),
               ("ingest", "summaries", "index"))
    return db


def run_hybrid_profiles(db: Path, n: int) -> list[tuple]:
    from muse_core.config import load_config
    from muse_core.store import Store
    from tests.helpers import run_stages

    run_stages(load_config(db=db, retrieval={"retriever": "hybrid"},
                           profiles={"n": n, "scenarios": 40, "batch": 6}).with_offline_engine(),
               ("scenarios", "profiles"))
    with Store(db) as store:
        return store.con.execute("SELECT profile_id, scenario_id, target_product_id, backstory FROM profiles"
                                 " ORDER BY profile_id").fetchall()


@pytest.mark.slow
def test_profiles_commit_whole_batches_and_resume_to_the_same_targets(hybrid_db: Path, tmp_path: Path,
                                                                      monkeypatch) -> None:
    """Retrieval targets through the hybrid retriever (queries embedded off the loop): a run that
    stops part-way through a batch keeps whole batches only, and resumes to the same profiles."""
    import muse_core.profiles as profiles_module
    from muse_core.store import Store

    straight = tmp_path / "straight.duckdb"
    shutil.copy(hybrid_db, straight)
    expected = run_hybrid_profiles(straight, 10)

    interrupted = tmp_path / "interrupted.duckdb"
    shutil.copy(hybrid_db, interrupted)
    real_decide, decided = profiles_module._decide, []

    def crash_after_nine(*args, **kwargs):
        if len(decided) == 9:
            raise KeyboardInterrupt("simulated interruption")
        decided.append(1)
        return real_decide(*args, **kwargs)

    monkeypatch.setattr(profiles_module, "_decide", crash_after_nine)
    with pytest.raises(KeyboardInterrupt):
        run_hybrid_profiles(interrupted, 10)
    monkeypatch.setattr(profiles_module, "_decide", real_decide)
    with Store(interrupted) as store:  # the first batch of 6 only: the second was lost whole
        assert store.scalar("SELECT count(*) FROM profile_candidates") == 6
        assert store.scalar("SELECT count(*) FROM screens WHERE stage = 'profile' AND entity_id NOT IN"
                            " (SELECT candidate_id FROM profile_candidates)") == 0
    assert run_hybrid_profiles(interrupted, 10) == expected
