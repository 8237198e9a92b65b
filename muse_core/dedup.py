"""Near-duplicate filters for generated texts (MUSE section 3.2: scenarios and purchase backstories).

The pipeline generates texts one at a time and keeps a candidate only if it is not too similar
to the texts kept so far. A metric answers `check(candidate)` without changing its state and
`add(text)` puts a text into the kept set; `dedup()` runs the usual loop.

The authors' rule, which the `bleu` plugin reproduces exactly:

* `tokenize(s) = nltk.word_tokenize(s.lower(), preserve_line=True)`. The authors called
  `word_tokenize` without `preserve_line`, which first splits sentences with NLTK's punkt model;
  that model (the `punkt_tab` data package) cannot be downloaded here. With `preserve_line=True`
  the text is tokenized as one line, so a full stop inside the text stays attached to its word
  ("shoes." instead of "shoes", ".") while the final one is split off as usual. Single-sentence
  texts (the basic scenarios) tokenize identically either way; multi-sentence backstories score
  slightly differently from the authors' runs.
* The score of a candidate against one kept text is
  `sentence_bleu([tokenize(candidate)], tokenize(kept))`: the candidate is the single reference
  and the kept text the hypothesis. BLEU-4 with uniform weights and no smoothing by default.
* A candidate is dropped when its highest score over the kept texts exceeds the threshold
  (0.15); the first text is always kept.

`exhaustive_bleu_keep` is that rule written as the plain quadratic loop over NLTK; tests and
`benchmarks/dedup_bench.py` check the fast plugin against it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

# nltk is imported where it is used: `import nltk` pulls in scipy and sklearn (seconds), and
# every command that builds the plugin registry would pay for it.

DEFAULT_BLEU_THRESHOLD = 0.15
DEFAULT_BLEU_WEIGHTS = (0.25, 0.25, 0.25, 0.25)

# NLTK warns on every pair with a zero n-gram count; for dedup that is the normal case.
_ZERO_COUNT_WARNING = r"\s*The hypothesis contains 0 counts of"


@dataclass(frozen=True)
class DedupDecision:
    keep: bool
    score: float  # highest similarity found against the kept texts, 0.0 if none
    closest: int | None  # insertion index of the kept text that scored `score`


class DedupMetric(Protocol):
    name: str

    def __init__(self, threshold: float | None = None, **options: object) -> None: ...

    def check(self, candidate: str) -> DedupDecision:
        """Decide on `candidate` against the kept texts; does not add it."""
        ...

    def add(self, text: str) -> None:
        """Put `text` into the kept set."""
        ...

    def __len__(self) -> int: ...


def dedup(texts: Iterable[str], metric: DedupMetric) -> list[DedupDecision]:
    """Check each text in order against the kept ones, keeping (adding) those that pass."""
    decisions: list[DedupDecision] = []
    for text in texts:
        decision = metric.check(text)
        if decision.keep:
            metric.add(text)
        decisions.append(decision)
    return decisions


def tokenize(text: str) -> list[str]:
    """The BLEU tokenization: lower-cased NLTK word tokens, the text taken as one line."""
    from nltk.tokenize import word_tokenize

    return word_tokenize(text.lower(), preserve_line=True)


def smoothing_function(name: str | None) -> Callable | None:
    """NLTK's SmoothingFunction method called `name` ("method1" ... "method7"), or None."""
    from nltk.translate.bleu_score import SmoothingFunction

    if name is None:
        return None
    if not (name.startswith("method") and hasattr(SmoothingFunction, name)):
        raise ValueError(f"unknown BLEU smoothing {name!r}: expected one of SmoothingFunction's method0 ... method7")
    return getattr(SmoothingFunction(), name)


@contextmanager
def silenced_zero_count_warnings() -> Iterator[None]:
    """Hide NLTK's zero-n-gram-count warning (and nothing else) inside the block."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_ZERO_COUNT_WARNING, category=UserWarning)
        yield


def exhaustive_bleu_keep(
    texts: Iterable[str], threshold: float = DEFAULT_BLEU_THRESHOLD, smoothing: str | None = None
) -> list[bool]:
    """The reference rule: score each text against every kept one with NLTK's sentence_bleu.

    Each text is tokenized once (tokenization is deterministic, so this changes no score).
    """
    from nltk.translate.bleu_score import sentence_bleu

    smoother = smoothing_function(smoothing)
    kept: list[list[str]] = []
    keep: list[bool] = []
    with silenced_zero_count_warnings():
        for text in texts:
            candidate = tokenize(text)
            scores = [sentence_bleu([candidate], other, smoothing_function=smoother) for other in kept]
            passes = not scores or max(scores) <= threshold
            if passes:
                kept.append(candidate)
            keep.append(passes)
    return keep
