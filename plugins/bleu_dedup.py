"""`bleu` dedup metric: the MUSE authors' BLEU rule (muse_core.dedup), with the same decisions
as the exhaustive loop but without scoring every pair.

NLTK's unsmoothed BLEU replaces a zero n-gram precision by sys.float_info.min, so a kept text
that shares no top-order n-gram (4-gram by default) with the candidate scores at most
exp(0.25 * log(float_info.min)) ~ 1.2e-77: below any useful threshold, so it is never looked at.
The kept texts' n-grams of every order sit in one hashed inverted index; a lookup gives, for
every kept text sharing a 4-gram, its clipped match counts at each order (hash collisions can
only add matches), hence an upper bound of its score. Texts are then scored exactly, in NLTK's
arithmetic, in decreasing order of bound until the bound falls below the best exact score.
docs/dedup.md has the full argument. With a smoothing method, or a threshold under that
1.2e-77 ceiling, the shortcut does not hold: every kept text is scored with NLTK itself.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from muse_core.dedup import (
    DEFAULT_BLEU_THRESHOLD,
    DEFAULT_BLEU_WEIGHTS,
    DedupDecision,
    silenced_zero_count_warnings,
    smoothing_function,
    tokenize,
)
from muse_core.hookspecs import hookimpl

# NLTK (SmoothingFunction.method0) uses this in place of a zero n-gram precision.
_TINY = sys.float_info.min
# Bounds are computed with numpy, exact scores with `math` as NLTK does: the margin covers the
# last-bit differences between the two (and the underflow range).
_RELATIVE_MARGIN = 1e-9
_ABSOLUTE_MARGIN = 1e-300
# The insert segment of the index is merged into the large one past this size (or 1/16 of it).
_MIN_SMALL_SEGMENT = 1 << 16


def ngram_counts(tokens: Sequence[Hashable], n: int) -> Counter:
    """How often each n-gram (a tuple) occurs in `tokens`."""
    return Counter(zip(*(tokens[i:] for i in range(n))))


def clipped_matches(reference: Counter, hypothesis: Counter) -> int:
    """BLEU's clipped match count: each hypothesis n-gram counts at most as often as in the reference."""
    return sum(min(reference[gram], hypothesis[gram]) for gram in reference.keys() & hypothesis.keys())


def bleu_from_matches(matches: Sequence[int], hyp_len: int, ref_len: int, weights: Sequence[float]) -> float:
    """NLTK's unsmoothed sentence_bleu with one reference, from the clipped match count of each order.

    Follows nltk.translate.bleu_score.corpus_bleu operation by operation, so the float is the same.
    """
    if matches[0] == 0:
        return 0.0  # NLTK returns before smoothing when no unigram matches (empty texts too)
    brevity = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    logs = (
        weight * math.log(match / max(1, hyp_len - order) if match else _TINY)
        for order, (weight, match) in enumerate(zip(weights, matches))
    )
    return brevity * math.exp(math.fsum(logs))


def bleu(
    reference: Sequence[Hashable], hypothesis: Sequence[Hashable], weights: Sequence[float] = DEFAULT_BLEU_WEIGHTS
) -> float:
    """sentence_bleu([reference], hypothesis, weights), unsmoothed, without its warnings."""
    reference, hypothesis = tuple(reference), tuple(hypothesis)
    matches = [
        clipped_matches(ngram_counts(reference, n), ngram_counts(hypothesis, n)) for n in range(1, len(weights) + 1)
    ]
    return bleu_from_matches(matches, len(hypothesis), len(reference), weights)


_GOLDEN, _ODD = 0x9E3779B97F4A7C15, 0xD6E8FEB86659FD93


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer on uint64 (wrapping arithmetic): scatters bits, never merges values."""
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB
    return x ^ (x >> 31)


def ngram_features(ids: np.ndarray, n: int) -> np.ndarray:
    """Hashes of (n-gram, occurrence number) for every n-gram occurrence of `ids`.

    Two texts share min(count in one, count in the other) features of an n-gram, which is its
    clipped match count; equal hashes of different n-grams can only add shared features.
    """
    length = len(ids) - n + 1
    if length <= 0:
        return np.empty(0, dtype=np.uint64)
    # A seed per order and a multiply-add per token, so no simple pattern of ids cancels out.
    grams = _mix(np.full(length, n, dtype=np.uint64) * _GOLDEN)
    for i in range(n):
        grams = _mix(grams + (ids[i : i + length] + 1) * _ODD)
    grams.sort()
    positions = np.arange(length)
    run_starts = np.maximum.accumulate(np.where(np.r_[True, grams[1:] != grams[:-1]], positions, 0))
    occurrence = (positions - run_starts).astype(np.uint64)
    return _mix(grams + _mix(occurrence + _GOLDEN))


Segment = tuple[np.ndarray, np.ndarray]  # feature hashes (sorted), kept-text indices


def _insert(segment: Segment, keys: np.ndarray, values: np.ndarray) -> Segment:
    """`segment` with the pairs (keys, values) added; `keys` must be sorted."""
    at = np.searchsorted(segment[0], keys)
    return np.insert(segment[0], at, keys), np.insert(segment[1], at, values)


def _gather(segment: Segment, keys: np.ndarray) -> Segment:
    """The kept indices stored under each of `keys`, and for each the position of its key."""
    low = np.searchsorted(segment[0], keys, "left")
    counts = np.searchsorted(segment[0], keys, "right") - low
    starts = np.repeat(low - np.cumsum(counts) + counts, counts)
    return segment[1][starts + np.arange(len(starts))], np.repeat(np.arange(len(keys)), counts)


class _Postings:
    """(feature hash, kept index) pairs sorted by hash, in two numpy segments.

    Adds rewrite only the small segment; it is merged into the large one once it outgrows
    1/16 of it, so an add costs O(small) and a merge happens every few hundred texts at most.
    """

    def __init__(self) -> None:
        self._large: Segment = (np.empty(0, np.uint64), np.empty(0, np.int64))
        self._small: Segment = self._large

    def add(self, keys: np.ndarray, index: int) -> None:
        self._small = _insert(self._small, keys, np.full(len(keys), index, dtype=np.int64))
        if len(self._small[0]) > max(_MIN_SMALL_SEGMENT, len(self._large[0]) // 16):
            self._large = _insert(self._large, *self._small)
            self._small = (np.empty(0, np.uint64), np.empty(0, np.int64))

    def lookup(self, keys: np.ndarray) -> Segment:
        """Kept indices filed under any of `keys` (once per stored pair) and their key's position."""
        large, small = _gather(self._large, keys), _gather(self._small, keys)
        return np.concatenate([large[0], small[0]]), np.concatenate([large[1], small[1]])


@dataclass
class _Prepared:
    """A text tokenized once: token ids, hashed n-gram features, exact n-gram counts on demand."""

    text: str
    tokens: tuple[int, ...]
    keys: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))  # sorted feature hashes
    key_orders: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # n - 1 of each key
    _counts: dict[int, Counter] = field(default_factory=dict)

    def counts(self, n: int) -> Counter:
        if n not in self._counts:
            self._counts[n] = ngram_counts(self.tokens, n)
        return self._counts[n]


class BleuDedup:
    """Drops a candidate when NLTK's BLEU of some kept text against it exceeds the threshold.

    Options: `smoothing` names an NLTK SmoothingFunction method ("method1", ...; default none),
    `weights` the n-gram weights (default BLEU-4 uniform; all must be positive).
    `DedupDecision.score` is the exact highest score, counting texts that share no top-order
    n-gram with the candidate as 0 (they score at most ~1e-77); with smoothing it is the exact max.
    """

    name = "bleu"
    description = "MUSE's rule: drop a text when its NLTK BLEU-4 against a kept one exceeds 0.15 (exact, indexed)"

    def __init__(
        self,
        threshold: float | None = None,
        smoothing: str | None = None,
        weights: Sequence[float] = DEFAULT_BLEU_WEIGHTS,
    ) -> None:
        self.threshold = DEFAULT_BLEU_THRESHOLD if threshold is None else float(threshold)
        if not self.threshold >= 0:
            raise ValueError(f"BLEU threshold must be >= 0, got {threshold!r}")
        self.weights = tuple(float(w) for w in weights)
        if not self.weights or min(self.weights) <= 0:
            raise ValueError(f"BLEU weights must be positive, got {weights!r}")
        self.smoothing = smoothing
        self._smoother = smoothing_function(smoothing)
        # Highest score of a kept text sharing no top-order n-gram (doubled against rounding).
        ceiling = 2 * math.exp(self.weights[-1] * math.log(_TINY))
        self.indexed = self._smoother is None and self.threshold >= ceiling
        self._vocabulary: dict[str, int] = {}
        self._kept: list[tuple[int, ...]] = []
        self._lengths = np.zeros(1024, dtype=np.int64)
        self._postings = _Postings()
        self._last: _Prepared | None = None

    def __len__(self) -> int:
        return len(self._kept)

    def check(self, candidate: str) -> DedupDecision:
        prepared = self._prepare(candidate)
        if not self._kept:
            return DedupDecision(True, 0.0, None)
        score, closest = self._closest_indexed(prepared) if self.indexed else self._closest_scan(prepared)
        return DedupDecision(score <= self.threshold, score, closest)

    def add(self, text: str) -> None:
        prepared = self._prepare(text)
        index = len(self._kept)
        self._kept.append(prepared.tokens)
        if index == len(self._lengths):
            self._lengths = np.concatenate([self._lengths, np.zeros_like(self._lengths)])
        self._lengths[index] = len(prepared.tokens)
        if self.indexed:
            self._postings.add(prepared.keys, index)

    def _prepare(self, text: str) -> _Prepared:
        # dedup() checks then adds the same text: tokenize it once.
        if self._last is not None and self._last.text == text:
            return self._last
        tokens = tuple(self._vocabulary.setdefault(token, len(self._vocabulary)) for token in tokenize(text))
        prepared = _Prepared(text, tokens)
        if self.indexed:
            ids = np.array(tokens, dtype=np.uint64)
            features = [ngram_features(ids, n) for n in range(1, len(self.weights) + 1)]
            keys = np.concatenate(features)
            order = np.argsort(keys)  # sorted lookups are faster: searchsorted walks forward
            prepared.keys = keys[order]
            prepared.key_orders = np.repeat(np.arange(len(features)), [len(f) for f in features])[order]
        self._last = prepared
        return prepared

    def _closest_scan(self, candidate: _Prepared) -> tuple[float, int | None]:
        """Every kept text scored by NLTK itself: the path for smoothing and near-zero thresholds."""
        from nltk.translate.bleu_score import sentence_bleu  # lazily: importing nltk takes seconds

        best, closest = 0.0, None
        references = [list(candidate.tokens)]
        with silenced_zero_count_warnings():
            for index, tokens in enumerate(self._kept):
                score = sentence_bleu(references, list(tokens), self.weights, self._smoother)
                if score > best:
                    best, closest = float(score), index
        return best, closest

    def _closest_indexed(self, candidate: _Prepared) -> tuple[float, int | None]:
        orders = len(self.weights)
        # Clipped match counts (or more, on hash collisions) of every kept text at every order.
        kept, position = self._postings.lookup(candidate.keys)
        cells = kept * orders + candidate.key_orders[position]
        matches = np.bincount(cells, minlength=len(self._kept) * orders).reshape(-1, orders)
        sharing = np.flatnonzero(matches[:, -1])
        if not len(sharing):
            return 0.0, None
        bounds = self._upper_bounds(matches[sharing], self._lengths[sharing], len(candidate.tokens))

        best, closest = 0.0, None
        for i in np.argsort(-bounds, kind="stable"):
            if bounds[i] < best:
                break  # no remaining text can reach the best exact score
            index = int(sharing[i])
            score = self._exact(candidate, index)
            if score > best or (score == best > 0 and index < closest):
                best, closest = score, index
        return best, closest

    def _upper_bounds(self, matches: np.ndarray, hyp_lens: np.ndarray, ref_len: int) -> np.ndarray:
        """An upper bound of each exact score: BLEU is increasing in every match count."""
        orders = np.arange(len(self.weights))
        available = hyp_lens[:, None] - orders  # n-grams of each order in the kept text
        # A true match needs the n-gram in both texts; collisions can credit a text with too few tokens.
        clipped = np.minimum(matches, np.clip(np.minimum(available, ref_len - orders), 0, None))
        precisions = np.where(clipped > 0, clipped / np.maximum(available, 1), _TINY)
        brevity = np.where(hyp_lens > ref_len, 1.0, np.exp(1 - ref_len / np.maximum(hyp_lens, 1)))
        scores = brevity * np.exp(np.log(precisions) @ np.array(self.weights))
        return scores * (1 + _RELATIVE_MARGIN) + _ABSOLUTE_MARGIN

    def _exact(self, candidate: _Prepared, index: int) -> float:
        """The kept text's exact score, or 0 if it shares no top-order n-gram after all (hash collision)."""
        tokens = self._kept[index]
        matches = [
            clipped_matches(candidate.counts(n), ngram_counts(tokens, n)) for n in range(1, len(self.weights) + 1)
        ]
        if not matches[-1]:
            return 0.0
        return bleu_from_matches(matches, len(tokens), len(candidate.tokens), self.weights)


@hookimpl
def muse_dedup_metrics() -> list:
    return [BleuDedup]
