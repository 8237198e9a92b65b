"""BLEU and Distinct as CRSLab computes them, so muse's figures can sit beside numbers that
conversational-recommendation papers report from CRSLab (RUCAIBox/CRSLab, `StandardEvaluator`).

They differ from muse's own metrics (corpus BLEU-4 in `response_task`, corpus-level Distinct-n
in `stats`), so every table labels which convention a figure follows:

- BLEU-n (CRSLab): for each generated sentence, the modified precision of its n-grams of order n
  only (not the geometric mean of orders 1..n) times the brevity penalty, against its reference;
  no smoothing; then the plain mean over sentences. A sentence with no matching n-gram of
  order n scores 0.
- Dist-n (CRSLab): the number of distinct n-grams over all sentences together, divided by the
  number of non-empty sentences. It is a count per sentence, not a ratio: it can exceed 1, and
  it grows with sentence length.

CRSLab's released evaluator (since December 2020) passes the sentence as a string to
`nltk.ngrams`, so its dist@n counts character n-grams (reported as RUCAIBox/CRSLab issue 42).
muse counts word n-grams, as CRSLab's `DistMetric` and the papers define Dist-n; figures made
with CRSLab's code are therefore not comparable to these.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from muse_core.stats import ngrams


def crslab_sentence_bleu(reference: list[str], hypothesis: list[str], n: int) -> float:
    """BLEU of one sentence with all weight on n-grams of order n, no smoothing (CRSLab's bleu@n).

    Clipped n-gram matches / n-grams of the hypothesis (at least 1), times the brevity penalty
    exp(1 - r/c) when the hypothesis (c tokens) is not longer than the reference (r tokens)."""
    grams = Counter(ngrams(hypothesis, n))
    if not hypothesis or not grams:
        return 0.0
    available = Counter(ngrams(reference, n))
    matches = sum(min(count, available[gram]) for gram, count in grams.items())
    precision = matches / sum(grams.values())
    length, ref_length = len(hypothesis), len(reference)
    brevity = 1.0 if length > ref_length else math.exp(1 - ref_length / length)
    return brevity * precision


def crslab_bleu(references: list[list[str]], hypotheses: list[list[str]], n: int) -> float:
    """Mean of `crslab_sentence_bleu` over aligned reference and generated token lists; CRSLab
    skips empty generations, and so does this (0.0 when none is left)."""
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(hypotheses)} generated sentences for {len(references)} references")
    scores = [crslab_sentence_bleu(r, h, n) for r, h in zip(references, hypotheses) if h]
    return sum(scores) / len(scores) if scores else 0.0


def crslab_distinct(token_lists: Iterable[list[str]], n: int) -> float:
    """CRSLab's Dist-n: distinct n-grams of all sentences together / non-empty sentences (0.0
    when there are none). An n-gram never spans two sentences."""
    seen: set[tuple[str, ...]] = set()
    sentences = 0
    for tokens in token_lists:
        if tokens:
            sentences += 1
            seen.update(ngrams(tokens, n))
    return len(seen) / sentences if sentences else 0.0
