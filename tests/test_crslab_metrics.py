"""BLEU and Distinct in CRSLab's convention: hand-computed cases, NLTK's sentence_bleu with all
weight on one order as the oracle, and properties of the per-sentence Distinct."""

from __future__ import annotations

import math
import random
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.translate.bleu_score import sentence_bleu

from muse_core.crslab_metrics import crslab_bleu, crslab_distinct, crslab_sentence_bleu
from muse_core.stats import distinct_n, ngram_counts

words = st.sampled_from(["a", "b", "c", "d", "the", "red"])  # a small vocabulary makes matches likely
sentences = st.lists(words, max_size=12)
ns = st.integers(min_value=1, max_value=4)


def test_bleu_by_hand() -> None:
    ref = "the cat sat on the mat".split()
    # all 3 unigrams match; 3 tokens against 6: brevity penalty exp(1 - 6/3)
    assert crslab_sentence_bleu(ref, "the cat sat".split(), 1) == pytest.approx(math.exp(-1))
    # bigrams (the cat) (cat sat) (sat down): 2 of 3 match; 4 tokens against 6
    assert crslab_sentence_bleu(ref, "the cat sat down".split(), 2) == pytest.approx(2 / 3 * math.exp(1 - 6 / 4))
    # clipping: "the" occurs twice in the reference, four times here; longer than the reference: no penalty
    assert crslab_sentence_bleu(ref, "the the the the the the the".split(), 1) == pytest.approx(2 / 7)
    assert crslab_sentence_bleu(ref, ref, 4) == 1.0
    assert crslab_sentence_bleu(ref, ["the", "cat"], 3) == 0.0  # no trigram to match
    assert crslab_sentence_bleu(ref, [], 1) == 0.0
    # the mean skips empty generations, as CRSLab's evaluator does
    assert crslab_bleu([ref, ref], [ref, []], 2) == 1.0
    with pytest.raises(ValueError, match="2 generated sentences for 1 references"):
        crslab_bleu([ref], [ref, ref], 1)
    with pytest.raises(ValueError, match="at least 1"):
        crslab_sentence_bleu(ref, ref, 0)


def test_distinct_by_hand() -> None:
    # bigrams (a b) (b c) | (a b) (b d): 3 distinct over 2 sentences; the empty one does not count
    assert crslab_distinct([["a", "b", "c"], ["a", "b", "d"], []], 2) == 1.5
    assert crslab_distinct([["a", "b", "c"], ["a", "b", "d"]], 1) == 2.0  # a b c d over 2 sentences
    assert crslab_distinct([], 1) == 0.0 and crslab_distinct([["x"]], 2) == 0.0


@settings(max_examples=300, deadline=None)
@given(sentences, sentences.filter(bool), ns)
def test_bleu_agrees_with_nltk_sentence_bleu_weighted_on_one_order(reference: list[str], hypothesis: list[str],
                                                                    n: int) -> None:
    weights = [0.0] * 4
    weights[n - 1] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NLTK warns when an order has no match; it then scores ~0
        expected = sentence_bleu([reference], hypothesis, weights=weights)
    assert crslab_sentence_bleu(reference, hypothesis, n) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(sentences, sentences, ns)
def test_bleu_is_a_share_and_perfect_only_for_a_copy(reference: list[str], hypothesis: list[str], n: int) -> None:
    score = crslab_sentence_bleu(reference, hypothesis, n)
    assert 0.0 <= score <= 1.0
    if len(reference) >= n:
        assert crslab_sentence_bleu(reference, reference, n) == 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(sentences, sentences), min_size=1, max_size=8), ns, st.randoms(use_true_random=False))
def test_bleu_is_the_mean_over_nonempty_sentences(pairs: list[tuple[list[str], list[str]]], n: int,
                                                  rnd: random.Random) -> None:
    refs, hyps = [r for r, _ in pairs], [h for _, h in pairs]
    score = crslab_bleu(refs, hyps, n)
    kept = [crslab_sentence_bleu(r, h, n) for r, h in pairs if h]
    assert score == pytest.approx(sum(kept) / len(kept) if kept else 0.0)
    shuffled = pairs[:]
    rnd.shuffle(shuffled)
    assert crslab_bleu([r for r, _ in shuffled], [h for _, h in shuffled], n) == pytest.approx(score)
    assert crslab_bleu(refs * 2, hyps * 2, n) == pytest.approx(score)  # a mean: doubling changes nothing


@settings(max_examples=200, deadline=None)
@given(st.lists(sentences, max_size=10), ns)
def test_distinct_counts_distinct_ngrams_per_nonempty_sentence(token_lists: list[list[str]], n: int) -> None:
    value = crslab_distinct(token_lists, n)
    nonempty = [t for t in token_lists if t]
    counts = ngram_counts(token_lists, n)
    # the two conventions count the same distinct n-grams; only the denominator differs
    assert value * len(nonempty) == pytest.approx(distinct_n(token_lists, n) * sum(counts.values()))
    assert value == pytest.approx(len(counts) / len(nonempty) if nonempty else 0.0)
    assert 0.0 <= value <= max((len(t) for t in nonempty), default=0)  # never more than a sentence's n-grams
    assert crslab_distinct(token_lists + [[]], n) == value  # empty sentences do not count
    if nonempty:
        assert crslab_distinct(token_lists * 2, n) == pytest.approx(value / 2)  # repeats add no new n-gram
