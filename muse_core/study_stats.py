"""The statistics of a human evaluation study: Wilson score intervals for win / tie / loss shares,
and inter-annotator agreement (Fleiss' kappa, Krippendorff's alpha for nominal data).

Pure functions over counts and ratings, so they can be checked against hand-computed examples."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence

Z95 = 1.959963984540054  # the standard normal's 97.5% quantile


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion successes/n (None when n is 0). Unlike the normal
    approximation it stays within [0, 1] and is sensible at 0 or n successes and small n."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n ({successes} of {n})")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # at 0 or n successes the bound is exactly 0 or 1 (the float arithmetic lands a hair off)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def fleiss_kappa(ratings: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa of items each rated by the same number (at least 2) of raters; `ratings` holds
    each item's categories. None when undefined: no items, or every rating in one category."""
    items = [list(r) for r in ratings]
    if not items:
        return None
    n = len(items[0])
    if n < 2 or any(len(r) != n for r in items):
        raise ValueError("Fleiss' kappa needs the same number of ratings (at least 2) for every item")
    per_item = [Counter(r) for r in items]
    p_bar = sum((sum(c * c for c in counts.values()) - n) / (n * (n - 1)) for counts in per_item) / len(items)
    totals = Counter()
    for counts in per_item:
        totals.update(counts)
    p_e = sum((t / (n * len(items))) ** 2 for t in totals.values())
    if math.isclose(p_e, 1.0):
        return None
    return (p_bar - p_e) / (1 - p_e)


def krippendorff_alpha(ratings: Sequence[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha for nominal data; `ratings` holds each item's categories, any number per
    item (an item with fewer than 2 cannot be paired and is left out). None when undefined: fewer
    than 2 pairable ratings, or every pairable rating in one category."""
    units = [Counter(r) for r in ratings if len(r) >= 2]
    # coincidences: within an item of m ratings, each ordered pair of different ratings counts 1/(m-1)
    observed_disagreement = 0.0
    totals: Counter = Counter()
    for counts in units:
        m = sum(counts.values())
        totals.update(counts)
        same = sum(c * (c - 1) for c in counts.values())
        observed_disagreement += (m * (m - 1) - same) / (m - 1)
    n = sum(totals.values())
    if n < 2:
        return None
    expected_disagreement = (n * n - sum(c * c for c in totals.values()))  # sum over c != k of n_c n_k
    if expected_disagreement == 0:
        return None
    return 1 - (n - 1) * observed_disagreement / expected_disagreement


def agreement_share(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """The share of pairs whose two ratings are the same (None with no pairs)."""
    return sum(a == b for a, b in pairs) / len(pairs) if pairs else None
