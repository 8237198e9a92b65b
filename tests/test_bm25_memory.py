"""The in-memory BM25 (muse_plugins.bm25) against DuckDB's fts `match_bm25`, on random catalogs and
queries: the same tokens, stems, hits and tie order, and scores equal bit for bit where the order
of adding a document's term weights cannot matter (two query terms or fewer), within a few ulps
where it can (DuckDB's own order changes with its thread count)."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muse_core.indexing import rebuild_fts
from muse_core.store import Store
from muse_plugins.bm25 import FTS, TOKEN_BREAK, WHITESPACE, MemoryBM25

# inflections that share a stem, stopwords, words the stemmer leaves alone, accents
WORDS = ["boot", "boots", "booted", "running", "runs", "runner", "red", "reds", "leather", "waterproof",
         "the", "a", "of", "and", "is", "café", "naïve", "ÉTÉ", "hiking", "hike", "hikes", "wool", "woollen",
         "summer", "silver", "x", "it's", "t-shirt", "3-pack", "user's", "lace-up"]
SEPARATORS = [" ", "  ", ", ", ". ", "; ", "\n", "\t", "!", "-", "/", "'", '"', " 2 ", "\v", "\x1c"]
QUERY_SIZE = 1000  # k larger than any catalog here: every hit comes back


def text(vocabulary: list[str], min_words: int, max_words: int) -> st.SearchStrategy[str]:
    word = st.sampled_from(vocabulary).flatmap(lambda w: st.sampled_from([w, w.upper(), w.capitalize()]))
    return st.lists(st.tuples(word, st.sampled_from(SEPARATORS)), min_size=min_words, max_size=max_words).map(
        lambda parts: "".join(w + s for w, s in parts))


# a few words per catalog, so that terms repeat within a document (tf > 2) and across documents
catalogs = st.lists(st.sampled_from(WORDS), min_size=2, max_size=12, unique=True).flatmap(
    lambda vocabulary: st.tuples(st.lists(text(vocabulary, 1, 30), min_size=1, max_size=12),
                                 st.lists(text(vocabulary + ["boots", "unknown"], 0, 6), min_size=1, max_size=6)))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    with Store(tmp_path_factory.mktemp("bm25") / "muse.duckdb") as opened:
        index_catalog(opened, ["a first catalog"])  # the fts schema and its tokenize macro exist from here on
        yield opened


def index_catalog(store: Store, docs: list[str]) -> MemoryBM25:
    store.con.execute("DELETE FROM product_docs")
    store.con.executemany("INSERT INTO product_docs VALUES (?, ?, 'x')",
                          [[f"P{i:03d}", doc] for i, doc in enumerate(docs)])
    rebuild_fts(store)
    return MemoryBM25(store)


def duckdb_search(store: Store, query: str, k: int, exclude: list[str]) -> list[tuple[str, float]]:
    """What the bm25 retriever asked DuckDB before it read the index into memory."""
    return store.con.execute(
        "SELECT product_id, score FROM ("
        f"  SELECT product_id, {FTS}.match_bm25(product_id, ?) AS score FROM product_docs"
        ") WHERE score IS NOT NULL AND NOT list_contains(?::VARCHAR[], product_id)"
        " ORDER BY score DESC, product_id LIMIT ?",
        [query, exclude, k]).fetchall()


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=8 * 2.0 ** -52)  # a few roundings of a sum of positive terms


@settings(max_examples=300, deadline=None)
@given(query=st.text(st.characters(min_codepoint=0, max_codepoint=127, blacklist_characters="\x00"), max_size=40))
def test_the_ascii_tokenizer_is_duckdb_s(store, query) -> None:
    ours = WHITESPACE.split(TOKEN_BREAK.sub(" ", query.lower()))
    assert ours == store.con.execute(f"SELECT {FTS}.tokenize(?)", [query]).fetchone()[0]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(catalog=catalogs, data=st.data())
def test_scores_and_rankings_equal_duckdb_fts(store, catalog, data) -> None:
    docs, queries = catalog
    index = index_catalog(store, docs)
    ids = [f"P{i:03d}" for i in range(len(docs))]
    for query in queries:
        stems = {row[0] for row in store.con.execute(
            f"SELECT DISTINCT stem(unnest({FTS}.tokenize(?)), 'porter')", [query]).fetchall()}
        in_index = {row[0] for row in store.con.execute(f"SELECT term FROM {FTS}.dict").fetchall()}
        assert index.query_stems(query) == sorted(stems & in_index)

        theirs = duckdb_search(store, query, QUERY_SIZE, [])
        ours = index.search(query, QUERY_SIZE)
        assert {pid for pid, _ in theirs} == {h.product_id for h in ours}  # the same documents are hits
        their_score = dict(theirs)
        assert all(close(h.score, their_score[h.product_id]) for h in ours)
        # ranked by score, then product id: the order can differ from DuckDB's only between
        # documents whose scores are a rounding apart
        assert all(their_score[a.product_id] >= their_score[b.product_id] or close(a.score, b.score)
                   for a, b in zip(ours, ours[1:]))
        assert [h.rank for h in ours] == list(range(1, len(ours) + 1))

        k = data.draw(st.integers(1, len(docs) + 1), label="k")
        exclude = data.draw(st.lists(st.sampled_from(ids), max_size=3), label="exclude")
        if len(index.query_stems(query)) <= 2:  # a sum of two terms is the same in any order: bit for bit
            assert [(h.product_id, h.score) for h in ours] == theirs
            assert [(h.product_id, h.score) for h in index.search(query, k, exclude)] == \
                duckdb_search(store, query, k, exclude)
        else:
            kept = [h.product_id for h in index.search(query, k, exclude)]
            assert not set(kept) & set(exclude) and len(kept) == min(k, len({p for p, _ in theirs} - set(exclude)))


def test_a_query_that_matches_nothing_has_no_hits_and_a_stale_doc_is_not_searched(store) -> None:
    index = index_catalog(store, ["red leather boots", "silver ring", "wool scarf"])
    assert index.search("the of and", 5) == [] and index.search("", 5) == [] and index.search("!!", 5) == []
    assert [h.product_id for h in index.search("Boots!", 5)] == ["P000"]
    # match_bm25 is asked per product_docs row: a product removed since the index was built is no hit
    store.con.execute("DELETE FROM product_docs WHERE product_id = 'P000'")
    assert MemoryBM25(store).search("boots", 5) == [] and duckdb_search(store, "boots", 5, []) == []
