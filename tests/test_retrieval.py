import asyncio

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from muse_core.context import StageContext
from muse_core.indexing import build_index, product_doc
from muse_core.ingest import ingest_catalog
from muse_core.plugins import registry
from muse_core.retrieval import Hit, get_retriever
from muse_core.runs import start_run
from muse_core.stages import identity
from muse_core.summaries import summarize_products
from muse_plugins.dense import top_k
from muse_plugins.hybrid import reciprocal_rank_fusion


@pytest.fixture
def indexed(store, offline_config, tiny_catalog):
    run_id = start_run(store, "test", offline_config)
    asyncio.run(ingest_catalog(store, tiny_catalog, registry().get("domain", "fashion"), offline_config.ingest, run_id))
    ctx = StageContext.open(store, offline_config, run_id)
    asyncio.run(summarize_products(ctx, identity("summaries", offline_config, ctx.domain)))
    minilm = registry().get("embedder", "minilm")
    report = build_index(store, minilm.load, minilm.model_id)
    return store, offline_config, report


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bm25", "dense", "hybrid"])
def test_each_retriever_finds_the_obvious_product_and_honours_exclusions(indexed, name) -> None:
    store, config, _ = indexed
    retriever = get_retriever(store, config, name)
    assert retriever.search("waterproof leather hiking boots", 3)[0].product_id == "T3"
    assert retriever.search("silver necklace pendant", 3)[0].product_id == "T4"
    hits = retriever.search("waterproof leather hiking boots", 3, exclude=["T3"])
    assert "T3" not in [h.product_id for h in hits]
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


@pytest.mark.slow
def test_vectors_are_stored_per_model_and_reindex_is_incremental(indexed) -> None:
    store, _, report = indexed
    assert report.embedded == 5 and report.fts_rebuilt
    row = store.rows("SELECT model, dim, len(vector) AS n FROM product_embeddings LIMIT 1")[0]
    assert row == {"model": "all-MiniLM-L6-v2", "dim": 384, "n": 384}
    norms = store.con.execute("SELECT list_cosine_similarity(vector, vector) FROM product_embeddings").fetchall()
    assert all(abs(n[0] - 1) < 1e-4 for n in norms)

    def must_not_load():
        raise AssertionError("nothing changed: the model must not be loaded")

    again = build_index(store, must_not_load, "all-MiniLM-L6-v2")
    assert (again.docs_changed, again.embedded, again.fts_rebuilt) == (0, 0, False)
    # BM25 alone reads no vectors: another model's are not made either
    bm25_only = build_index(store, must_not_load, "another-model", vectors=False)
    assert bm25_only.embedded == 0 and store.scalar("SELECT count(DISTINCT model) FROM product_embeddings") == 1


def test_a_catalog_indexed_for_bm25_alone_is_refused_by_a_vector_retriever(store, offline_config, tiny_catalog) -> None:
    from muse_plugins.dense import DenseRetriever

    class Named:  # an embedder that is never asked to embed
        model_id = "all-MiniLM-L6-v2"

    run_id = start_run(store, "test", offline_config)
    asyncio.run(ingest_catalog(store, tiny_catalog, registry().get("domain", "fashion"), offline_config.ingest, run_id))
    # the ingest flow passes vectors=False for a retriever that reads none
    assert not registry().get("retriever", "bm25").uses_vectors and registry().get("retriever", "dense").uses_vectors
    assert build_index(store, Named, Named.model_id, vectors=False).embedded == 0
    assert get_retriever(store, offline_config, "bm25").search("hiking boots", 3)
    with pytest.raises(RuntimeError, match=r"5 products have no current 'all-MiniLM-L6-v2' vector; run `muse ingest`"):
        DenseRetriever(store, offline_config, embedder=Named())


def test_docs_fall_back_to_title_and_features_without_a_summary() -> None:
    assert product_doc("Red Hat", None, None, ["wool", "warm", "soft", "extra"]) == "Red Hat wool warm soft"
    doc = product_doc("Red Hat", "A red hat.", '{"colors": ["red"], "materials": ["wool"], "occasions": []}', [])
    assert doc == "Red Hat. A red hat. colours: red; materials: wool"


@settings(max_examples=60)
@given(matrix=arrays(np.float32, st.tuples(st.integers(1, 40), st.integers(1, 8)),
                     elements=st.floats(-1, 1, width=32)),
       k=st.integers(1, 50), data=st.data())
def test_top_k_matches_a_full_sort(matrix, k, data) -> None:
    query = data.draw(arrays(np.float32, matrix.shape[1], elements=st.floats(-1, 1, width=32)))
    banned = data.draw(arrays(bool, matrix.shape[0]))
    order, scores = top_k(matrix, query, k, banned)
    allowed = [i for i in range(len(matrix)) if not banned[i]]
    exact = {i: float(matrix[i].astype(np.float64) @ query.astype(np.float64)) for i in allowed}
    best = sorted(exact.values(), reverse=True)[:k]
    # BLAS may round identical rows differently, so ties are compared within float32 precision
    assert len(order) == len(best) and not set(order) & {i for i in range(len(matrix)) if banned[i]}
    assert np.allclose(sorted(scores, reverse=True), best, atol=1e-5)
    assert all(a >= b for a, b in zip(scores, scores[1:]))
    left_out = [exact[i] for i in allowed if i not in set(order)]
    assert not left_out or min(scores) >= max(left_out) - 1e-5


ranking = st.lists(st.sampled_from([f"p{i}" for i in range(15)]), unique=True, max_size=10).map(
    lambda ids: [Hit(pid, 1.0, rank) for rank, pid in enumerate(ids, start=1)])


@given(rankings=st.lists(ranking, min_size=1, max_size=3), k=st.integers(1, 20))
def test_rrf_fuses_without_duplicates_and_rewards_agreement(rankings, k) -> None:
    fused = reciprocal_rank_fusion(rankings, k)
    ids = [h.product_id for h in fused]
    everywhere = {h.product_id for r in rankings for h in r}
    assert len(ids) == len(set(ids)) == min(k, len(everywhere))
    assert set(ids) <= everywhere
    assert all(a.score >= b.score for a, b in zip(fused, fused[1:]))
    firsts = {r[0].product_id for r in rankings if r}
    if len(firsts) == 1 and all(rankings):
        assert ids[0] == firsts.pop()  # first everywhere -> first fused
