"""Dedup metrics: the indexed `bleu` decides exactly as the exhaustive NLTK loop, `minhash` behaves."""

from __future__ import annotations

import json
from unittest import mock

import nltk.tokenize
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.tokenize.punkt import PunktSentenceTokenizer
from nltk.translate.bleu_score import sentence_bleu

from muse_core.dedup import (
    DedupDecision,
    dedup,
    exhaustive_bleu_keep,
    silenced_zero_count_warnings,
    tokenize,
)
from muse_plugins import bleu_dedup, minhash_dedup
from muse_plugins.bleu_dedup import BleuDedup, bleu, clipped_matches, ngram_counts
from muse_plugins.minhash_dedup import MinHashDedup, shingle_hashes
from tests.helpers import SHARED_DATA

BASIC_SCENARIOS = SHARED_DATA / "muse" / "basic_scenarios.json"
# The authors' 593 basic scenarios, deduplicated in file order by their own rule at 0.15.
BASIC_SCENARIOS_KEPT = 284
THRESHOLDS = [0.0, 0.05, 0.15, 0.4]

# Small vocabularies so that n-grams repeat; capitals and punctuation exercise the tokenizer.
random_words = st.sampled_from("a b c the red The RED shoes . , !".split())
random_corpus = st.lists(st.lists(random_words, max_size=14).map(" ".join), min_size=1, max_size=12)
token_lists = st.lists(st.sampled_from("a b c d".split()), max_size=10)
weightings = st.sampled_from(
    [(0.25, 0.25, 0.25, 0.25), (0.5, 0.5), (1 / 3, 1 / 3, 1 / 3), (0.1, 0.2, 0.3, 0.4), (1.0,)]
)


base_words = st.sampled_from(
    "i need new boots for a hiking trip with my sister next month and she wants the red ones too".split()
)


@st.composite
def near_duplicate_corpus(draw: st.DrawFn) -> list[str]:
    """Texts made from a few base sentences by word swaps, insertions, deletions, case and punctuation."""
    bases = draw(st.lists(st.lists(base_words, min_size=3, max_size=16), min_size=1, max_size=3))
    texts = []
    for _ in range(draw(st.integers(1, 12))):
        words = list(draw(st.sampled_from(bases)))
        for _ in range(draw(st.integers(0, 3))):
            i = draw(st.integers(0, len(words) - 1)) if words else 0
            edit = draw(st.sampled_from(["swap", "insert", "delete", "case", "punctuation"]))
            if edit == "insert" or not words:
                words.insert(i, draw(base_words))
            elif edit == "swap" and i + 1 < len(words):
                words[i], words[i + 1] = words[i + 1], words[i]
            elif edit == "delete":
                del words[i]
            elif edit == "case":
                words[i] = words[i].upper()
            else:
                words[i] += draw(st.sampled_from([".", ",", "!", "?"]))
        texts.append(" ".join(words))
    return texts


def reference_decisions(texts: list[str], threshold: float, indexed: bool) -> list[DedupDecision]:
    """The decisions, scores and closest texts straight from NLTK's sentence_bleu.

    The indexed metric counts texts sharing no 4-gram (score <= 1.2e-77) as 0; with texts this
    short, any text sharing a 4-gram scores far above 1e-70.
    """
    kept: list[list[str]] = []
    decisions = []
    with silenced_zero_count_warnings():
        for text in texts:
            candidate = tokenize(text)
            scores = [float(sentence_bleu([candidate], other)) for other in kept]
            reported = [s if s > 1e-70 or not indexed else 0.0 for s in scores]
            best = max(reported, default=0.0)
            keep = not scores or max(scores) <= threshold
            decisions.append(DedupDecision(keep, best, reported.index(best) if best > 0 else None))
            if keep:
                kept.append(candidate)
    return decisions


def assert_matches_nltk(texts: list[str], threshold: float) -> None:
    # A tiny insert segment makes the index merge segments all the time.
    with mock.patch.object(bleu_dedup, "_MIN_SMALL_SEGMENT", 8):
        metric = BleuDedup(threshold)
        got = dedup(texts, metric)
    assert [d.keep for d in got] == exhaustive_bleu_keep(texts, threshold)
    expected = reference_decisions(texts, threshold, metric.indexed)
    assert [d.closest for d in got] == [d.closest for d in expected]
    assert [d.score for d in got] == pytest.approx([d.score for d in expected], rel=0, abs=1e-12)
    assert len(metric) == sum(d.keep for d in got)


@settings(max_examples=150, deadline=None)
@given(random_corpus, st.sampled_from(THRESHOLDS))
def test_bleu_decides_like_the_exhaustive_loop_on_random_corpora(texts: list[str], threshold: float) -> None:
    assert_matches_nltk(texts, threshold)


@settings(max_examples=150, deadline=None)
@given(near_duplicate_corpus(), st.sampled_from(THRESHOLDS))
def test_bleu_decides_like_the_exhaustive_loop_on_near_duplicates(texts: list[str], threshold: float) -> None:
    assert_matches_nltk(texts, threshold)


@settings(max_examples=30, deadline=None)
@given(near_duplicate_corpus(), st.sampled_from([0.05, 0.15, 0.4, 1.0]))
def test_bleu_stays_exact_when_every_feature_hash_collides(texts: list[str], threshold: float) -> None:
    # Two hash values for all n-grams: the bounds grow loose, the decisions must not change.
    original = bleu_dedup.ngram_features
    with mock.patch.object(bleu_dedup, "ngram_features", lambda ids, n: original(ids, n) & np.uint64(1)):
        assert_matches_nltk(texts, threshold)


@settings(max_examples=30, deadline=None)
@given(near_duplicate_corpus(), st.sampled_from([0.15, 1.0]))
def test_bleu_search_is_exact_for_any_valid_bounds(texts: list[str], threshold: float) -> None:
    # Bounds above every score, largest for the latest text: the search meets ties in the worst order.
    def loose_bounds(self: BleuDedup, matches: np.ndarray, hyp_lens: np.ndarray, ref_len: int) -> np.ndarray:
        return 1.0 + np.arange(len(hyp_lens), dtype=float)

    with mock.patch.object(BleuDedup, "_upper_bounds", loose_bounds):
        assert_matches_nltk(texts, threshold)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("a b c".split()), min_size=4, max_size=12),
       st.lists(st.sampled_from("a b c".split()), min_size=4, max_size=12), weightings)
def test_bleu_bound_from_exact_counts_is_tight(reference: list[str], hypothesis: list[str], weights: tuple) -> None:
    orders = range(1, len(weights) + 1)
    matches = [clipped_matches(ngram_counts(reference, n), ngram_counts(hypothesis, n)) for n in orders]
    if not matches[-1]:
        return  # the index never bounds a text sharing no top-order n-gram
    metric = BleuDedup(weights=weights)
    bound = metric._upper_bounds(np.array([matches]), np.array([len(hypothesis)]), len(reference))[0]
    exact = bleu(reference, hypothesis, weights)
    assert exact <= bound <= exact * (1 + 1e-6)


def test_bleu_keeps_a_score_equal_to_the_threshold() -> None:
    kept, candidate = "a pair of red boots for hiking", "a pair of red boots for hiking in may"
    with silenced_zero_count_warnings():
        score = sentence_bleu([tokenize(candidate)], tokenize(kept))
    assert 0 < score < 1
    for threshold, keep in [(score, True), (np.nextafter(score, 0), False)]:
        assert [d.keep for d in dedup([kept, candidate], BleuDedup(threshold))] == [True, keep]
        assert exhaustive_bleu_keep([kept, candidate], threshold) == [True, keep]


@settings(max_examples=40, deadline=None)
@given(near_duplicate_corpus(), st.sampled_from(["method1", "method3", "method7"]), st.sampled_from(THRESHOLDS))
def test_bleu_with_smoothing_scans_with_nltk(texts: list[str], smoothing: str, threshold: float) -> None:
    metric = BleuDedup(threshold, smoothing=smoothing)
    assert not metric.indexed
    assert [d.keep for d in dedup(texts, metric)] == exhaustive_bleu_keep(texts, threshold, smoothing)


@settings(max_examples=400, deadline=None)
@given(token_lists, token_lists, weightings)
def test_own_bleu_equals_sentence_bleu(reference: list[str], hypothesis: list[str], weights: tuple) -> None:
    with silenced_zero_count_warnings():
        expected = sentence_bleu([reference], hypothesis, weights)
    assert bleu(reference, hypothesis, weights) == pytest.approx(expected, rel=0, abs=1e-12)


def test_bleu_edge_cases_follow_nltk() -> None:
    shared_words_only = (["a", "b", "c", "d", "e"], ["e", "d", "c", "b", "a"])
    with pytest.warns(UserWarning) as warned:
        nltk_score = sentence_bleu([shared_words_only[0]], shared_words_only[1])
    assert [str(w.message).split(" of ")[1][:6] for w in warned] == ["2-gram", "3-gram", "4-gram"]
    # Zero 4-gram matches do not give 0: NLTK uses float_info.min, so about 1e-77 or less.
    assert 0 < nltk_score < 1.2e-77
    assert bleu(*shared_words_only) == nltk_score
    assert bleu([], []) == bleu(["a"], []) == bleu([], ["a"]) == sentence_bleu([[]], ["a"]) == 0
    with silenced_zero_count_warnings():  # hypotheses shorter than 4 tokens have no 3- or 4-grams
        assert bleu(["a", "b"], ["a", "b"]) == sentence_bleu([["a", "b"]], ["a", "b"]) > 0
    assert bleu(list("abcdef"), list("abcd")) == pytest.approx(np.exp(1 - 6 / 4), rel=1e-12)  # brevity penalty


def test_bleu_orientation_is_candidate_as_reference() -> None:
    # A long candidate containing a short kept text: precision is perfect, only brevity penalizes.
    kept, candidate = "I need red running shoes", "I need red running shoes for the marathon in May"
    metric = BleuDedup(0.15)
    metric.add(kept)
    decision = metric.check(candidate)
    with silenced_zero_count_warnings():
        assert decision.score == sentence_bleu([tokenize(candidate)], tokenize(kept))
        assert decision.score != sentence_bleu([tokenize(kept)], tokenize(candidate))
    assert decision == DedupDecision(False, decision.score, 0)


def test_tokenize_keeps_inner_full_stops_attached() -> None:
    assert tokenize("I need shoes. My old ones broke.") == ["i", "need", "shoes.", "my", "old", "ones", "broke", "."]


def test_sentence_splitting_would_change_tokens_and_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    # The authors' word_tokenize(s) splits sentences with the punkt_tab model first, which is not
    # available here; an untrained Punkt splits these plain sentences the same way.
    untrained_punkt = PunktSentenceTokenizer()
    monkeypatch.setattr(nltk.tokenize, "sent_tokenize", lambda text, language="english": untrained_punkt.tokenize(text))
    text, other = "i need shoes. my old ones broke.", "i need shoes. my new ones broke."
    authors = nltk.tokenize.word_tokenize(text)
    assert authors == ["i", "need", "shoes", ".", "my", "old", "ones", "broke", "."]
    assert authors != tokenize(text)
    with silenced_zero_count_warnings():
        theirs = sentence_bleu([authors], nltk.tokenize.word_tokenize(other))
        ours = sentence_bleu([tokenize(text)], tokenize(other))
    assert theirs != ours


def test_check_does_not_add_and_dedup_adds_kept_texts() -> None:
    metric = BleuDedup()
    assert metric.check("a pair of red boots for hiking") == DedupDecision(True, 0.0, None)
    assert len(metric) == 0
    texts = ["a pair of red boots for hiking", "a pair of red boots for hiking!", "a blue silk scarf"]
    decisions = dedup(texts, metric)
    assert [d.keep for d in decisions] == [True, False, True]
    assert decisions[1].closest == 0 and decisions[1].score > 0.15
    assert len(metric) == 2


def test_bleu_options_are_validated() -> None:
    with pytest.raises(ValueError, match="smoothing"):
        BleuDedup(smoothing="method42")
    with pytest.raises(ValueError, match="threshold"):
        BleuDedup(-0.1)
    with pytest.raises(ValueError, match="weights"):
        BleuDedup(weights=(0.5, 0.0))
    assert BleuDedup().threshold == 0.15 and BleuDedup(smoothing="method1")._smoother is not None
    assert BleuDedup(0.15).indexed and not BleuDedup(0.0).indexed


@pytest.mark.shared_data
@pytest.mark.skipif(not BASIC_SCENARIOS.is_file(), reason=f"{BASIC_SCENARIOS} is absent")
def test_basic_scenarios_keep_a_pinned_count() -> None:
    categories = json.loads(BASIC_SCENARIOS.read_text())  # {category: [scenario, ...]}
    texts = [scenario for scenarios in categories.values() for scenario in scenarios]
    assert len(texts) == 593
    exhaustive = exhaustive_bleu_keep(texts, 0.15)
    assert sum(exhaustive) == BASIC_SCENARIOS_KEPT
    assert [d.keep for d in dedup(texts, BleuDedup(0.15))] == exhaustive


LONG_TEXT = (
    "Maria works as a nurse in Denver and needs a warm waterproof jacket for winter walks with her dog, "
    "something in navy or olive that still looks smart at the clinic and survives a rainy commute"
)


def test_minhash_identical_texts_are_duplicates_and_disjoint_ones_are_not() -> None:
    metric = MinHashDedup()
    decisions = dedup([LONG_TEXT, LONG_TEXT, "a completely unrelated sentence about garden tools and soil",
                       LONG_TEXT.upper() + "!"], metric)
    assert [d.keep for d in decisions] == [True, False, True, False]
    assert decisions[1] == DedupDecision(False, 1.0, 0)
    assert decisions[2] == DedupDecision(True, 0.0, None)
    assert len(metric) == 2


def test_minhash_scores_are_exact_jaccard_of_shingles() -> None:
    edited = LONG_TEXT.replace("olive", "grey")
    decision = dedup([LONG_TEXT, edited], MinHashDedup())[1]
    a, b = shingle_hashes(LONG_TEXT), shingle_hashes(edited)
    expected = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    assert decision == DedupDecision(False, expected, 0) and 0.5 < expected < 1


@settings(max_examples=30, deadline=None)
@given(near_duplicate_corpus())
def test_minhash_is_deterministic(texts: list[str]) -> None:
    assert dedup(texts, MinHashDedup(0.3)) == dedup(texts, MinHashDedup(0.3))


def test_minhash_banding_finds_pairs_at_the_threshold() -> None:
    metric = MinHashDedup()
    assert (metric.bands, metric.rows) == (42, 3)
    assert 1 - (1 - 0.5**metric.rows) ** metric.bands >= 0.99
    with pytest.raises(ValueError, match="threshold"):
        MinHashDedup(1.5)


def test_plugins_expose_their_classes() -> None:
    assert bleu_dedup.muse_dedup_metrics() == [BleuDedup]
    assert minhash_dedup.muse_dedup_metrics() == [MinHashDedup]
    for cls, name in [(BleuDedup, "bleu"), (MinHashDedup, "minhash")]:
        assert cls.name == name and cls.description and "\n" not in cls.description
