"""Wilson intervals, Fleiss' kappa and Krippendorff's alpha against hand-computed examples, and the
properties that tie them together (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muse_core.study_stats import agreement_share, fleiss_kappa, krippendorff_alpha, wilson

# -- Wilson ------------------------------------------------------------------------------------------


def test_wilson_hand_computed() -> None:
    # 0/10: centre (z²/20)/(1+z²/10) = 0.13876, half-width the same: [0, 0.27753]
    low, high = wilson(0, 10)
    assert low == 0.0 and high == pytest.approx(0.27753, abs=1e-5)
    low, high = wilson(5, 10)  # symmetric about 1/2
    assert (low, high) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    low, high = wilson(10, 10)
    assert low == pytest.approx(0.72247, abs=1e-5) and high == 1.0
    low, high = wilson(68, 100)  # centre 0.69921/1.03841 = 0.67334, half 0.093424/1.03841 = 0.08997
    assert (low, high) == pytest.approx((0.58337, 0.76331), abs=1e-4)
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(11, 10)


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_the_share_stays_in_range_and_is_symmetric(case: tuple[int, int]) -> None:
    k, n = case
    low, high = wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    mirrored = wilson(n - k, n)
    assert mirrored == pytest.approx((1 - high, 1 - low), abs=1e-12)


@given(st.integers(1, 500), st.integers(0, 100))
def test_wilson_narrows_with_more_data(n: int, percent: int) -> None:
    k = round(n * percent / 100)
    small, large = wilson(k, n), wilson(4 * k, 4 * n)
    assert large[1] - large[0] < small[1] - small[0]


# -- agreement ----------------------------------------------------------------------------------------

# Fleiss (1971) as worked on Wikipedia: 10 subjects, 14 raters, 5 categories -> kappa 0.210
FLEISS_COUNTS = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
                 [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]


def _expand(counts: list[int]) -> list[int]:
    return [category for category, c in enumerate(counts) for _ in range(c)]


def test_fleiss_kappa_hand_computed() -> None:
    assert fleiss_kappa([_expand(row) for row in FLEISS_COUNTS]) == pytest.approx(0.2099, abs=1e-4)
    # two raters, four items: agree on 3 (win/win, tie/tie, loss/loss), differ on 1 (win/loss).
    # P-bar = 3/4; category shares win 3/8, tie 2/8, loss 3/8: Pe = 22/64; kappa = (3/4 - 22/64)/(42/64) = 26/42
    ratings = [["win", "win"], ["win", "loss"], ["tie", "tie"], ["loss", "loss"]]
    assert fleiss_kappa(ratings) == pytest.approx(26 / 42)
    assert fleiss_kappa([["win", "win"], ["win", "win"]]) is None  # one category: undefined
    with pytest.raises(ValueError):
        fleiss_kappa([["win", "win"], ["win"]])


def test_krippendorff_alpha_hand_computed() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 coders, 12 units with
    # missing values, nominal alpha = 0.743
    units = [[1, 1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4],
             [1, 1, 2, 1], [2, 2, 2, 2], [5, 5, 5], [1, 1], [3]]
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=5e-4)
    # the two-rater example above: n = 8 values, Do = 2 (one disagreeing pair, both orders),
    # sum over c != k of n_c n_k = 64 - (9 + 4 + 9) = 42: alpha = 1 - 7 * 2 / 42 = 2/3
    ratings = [["win", "win"], ["win", "loss"], ["tie", "tie"], ["loss", "loss"]]
    assert krippendorff_alpha(ratings) == pytest.approx(2 / 3)
    assert krippendorff_alpha([["win"], ["loss"]]) is None  # nothing pairable
    assert krippendorff_alpha([["tie", "tie", "tie"]]) is None


ratings_matrix = st.integers(2, 5).flatmap(
    lambda raters: st.lists(st.lists(st.sampled_from(["win", "tie", "loss"]), min_size=raters, max_size=raters),
                            min_size=1, max_size=30))


@settings(max_examples=200)
@given(ratings_matrix)
def test_alpha_and_kappa_agree_on_complete_data(ratings: list[list[str]]) -> None:
    """For complete data, alpha = 1 - (1 - kappa) (nN - 1) / (nN): the same statistic up to the
    small-sample correction."""
    kappa, alpha = fleiss_kappa(ratings), krippendorff_alpha(ratings)
    if kappa is None:
        assert alpha is None
        return
    total = len(ratings) * len(ratings[0])
    assert alpha == pytest.approx(1 - (1 - kappa) * (total - 1) / total, abs=1e-9)


@given(ratings_matrix, st.permutations(["win", "tie", "loss"]), st.randoms(use_true_random=False))
def test_agreement_ignores_labels_and_rater_order(ratings: list[list[str]], labels: list[str], rng) -> None:
    rename = dict(zip(["win", "tie", "loss"], labels))
    relabelled = [[rename[r] for r in row] for row in ratings]
    shuffled = [rng.sample(row, len(row)) for row in ratings]
    for statistic in (fleiss_kappa, krippendorff_alpha):
        base = statistic(ratings)
        for other in (statistic(relabelled), statistic(shuffled)):
            assert (base is None and other is None) or other == pytest.approx(base, abs=1e-9)


@given(st.lists(st.sampled_from(["win", "tie", "loss"]), min_size=2, max_size=30))
def test_perfect_agreement_is_one(column: list[str]) -> None:
    ratings = [[value, value, value] for value in column]
    if len(set(column)) == 1:
        assert fleiss_kappa(ratings) is None and krippendorff_alpha(ratings) is None
    else:
        assert fleiss_kappa(ratings) == pytest.approx(1.0) and krippendorff_alpha(ratings) == pytest.approx(1.0)


def test_agreement_share() -> None:
    assert agreement_share([("win", "win"), ("win", "tie"), ("loss", "loss"), ("tie", "tie")]) == 0.75
    assert agreement_share([]) is None
    assert agreement_share([("a", "b")]) == 0.0
