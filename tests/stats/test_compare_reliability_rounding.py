"""Comparisons, reliability labels and display rounding."""

import math

import pytest

from survey.stats import (
    Thresholds,
    compare_nps,
    compare_proportions,
    nps_estimate,
    proportion_estimate,
    reliability,
    reliability_of,
    round_half_up,
    round_percent,
)


def test_newcombe_hybrid_interval_example_from_newcombe_1998():
    a = proportion_estimate([1] * 56 + [0] * 14)
    b = proportion_estimate([1] * 48 + [0] * 32)
    diff = compare_proportions(a, b)
    assert diff.difference == pytest.approx(0.2)
    assert (round(diff.low, 4), round(diff.high, 4)) == (0.0524, 0.3339)
    se = math.sqrt(0.8 * 0.2 / 69 + 0.6 * 0.4 / 79)
    assert diff.z == pytest.approx(0.2 / se)
    assert diff.p == pytest.approx(math.erfc(0.2 / se / math.sqrt(2)))


def test_equal_groups_have_p_one():
    a = proportion_estimate([1, 1, 1])
    diff = compare_proportions(a, a)
    assert (diff.difference, diff.z, diff.p) == (0.0, 0.0, 1.0)


def test_compare_nps():
    a = nps_estimate([10] * 30 + [3] * 10)
    b = nps_estimate([10] * 10 + [3] * 30)
    diff = compare_nps(a, b)
    assert diff.difference == pytest.approx(100.0)
    half = 1.959963984540054 * math.hypot(a.se, b.se)
    assert diff.low == pytest.approx(100 - half)
    assert diff.p < 1e-6


def test_levels_must_match():
    with pytest.raises(ValueError, match="levels"):
        compare_proportions(proportion_estimate([1, 0]), proportion_estimate([1, 0], level=0.9))


@pytest.mark.parametrize(
    ("n", "n_eff", "half", "expected"),
    [
        (9, 9, 0.01, "suppressed"),
        (10, 10, 0.05, "indicative"),
        (29, 29, 0.05, "indicative"),
        (30, 30, 0.05, "ok"),
        (100, 25, 0.05, "indicative"),
        (100, 100, 0.11, "indicative"),
        (100, 100, 0.10, "ok"),
        (100, 100, float("nan"), "indicative"),
    ],
)
def test_reliability_thresholds(n, n_eff, half, expected):
    assert reliability(n, n_eff, half) == expected


def test_reliability_is_configurable_and_knows_nps():
    assert reliability(12, 12, 0.01, Thresholds(suppress_below=20)) == "suppressed"
    est = nps_estimate([10] * 200 + [0] * 200)
    assert est.half_width > 9
    assert reliability_of(est) == "ok"  # NPS allows 20 points
    assert reliability(est.n, est.n_eff, 21.0, Thresholds(max_half_width=20.0)) == "indicative"


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [(92.5, 0, 93), (0.5, 0, 1), (1.5, 0, 2), (2.5, 0, 3), (-2.5, 0, -3), (0.125, 2, 0.13),
     (2.675, 2, 2.68), (7.45, 1, 7.5), (92.4999, 0, 92)],
)
def test_round_half_up(x, digits, expected):
    assert round_half_up(x, digits) == expected


def test_round_percent_as_in_the_sources():
    assert round_percent(37 / 40) == 93
    assert round(37 / 40 * 100) == 92  # Python's own rounding would show 92%
    assert round_percent(1 / 8, 1) == 12.5
    assert math.isnan(round_half_up(float("nan")))
