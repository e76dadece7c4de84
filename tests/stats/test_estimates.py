"""Weighted estimates: hand-checked values and properties."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.stats import kish_neff, mean_estimate, nps_estimate, proportion_estimate

SETTINGS = settings(max_examples=60, deadline=None)


def test_kish_neff():
    assert kish_neff([1, 1, 1, 1]) == 4
    assert kish_neff([1, 3]) == pytest.approx(16 / 10)
    assert kish_neff([]) == 0.0


def test_unweighted_share_and_wilson_interval_from_newcombe_1998():
    est = proportion_estimate([1] * 81 + [0] * 182)
    assert est.estimate == pytest.approx(81 / 263)
    assert (round(est.low, 4), round(est.high, 4)) == (0.2553, 0.3662)
    p = 81 / 263
    assert est.se == pytest.approx(math.sqrt(p * (1 - p) / 262), rel=1e-12)
    assert est.n == 263 and est.n_eff == 263 and est.deff == 1


def test_weighted_share_reports_unweighted_figure_and_design_effect():
    est = proportion_estimate([1, 0, 1, 1, np.nan], [1, 2, 3, 4, 5])
    assert est.estimate == pytest.approx(0.8)
    assert est.unweighted == pytest.approx(0.75)
    assert est.n == 4  # the blank leaves the denominator
    assert est.n_eff == pytest.approx(100 / 30)
    assert est.deff == pytest.approx(1.2)
    # linearisation SE by hand: z_i = w_i (y_i - p) / W
    z = np.array([1 * 0.2, 2 * -0.8, 3 * 0.2, 4 * 0.2]) / 10
    assert est.se == pytest.approx(math.sqrt(4 / 3 * np.sum(z**2)), rel=1e-12)


def test_share_rejects_non_binary():
    with pytest.raises(ValueError, match="0/1"):
        proportion_estimate([0, 2, 1])


def test_nps_shares_and_value():
    est = nps_estimate([10, 9, 8, 7, 6, 0, 5, 10, np.nan, 3])
    assert (est.promoters, est.passives, est.detractors) == (pytest.approx(3 / 9),
                                                             pytest.approx(2 / 9),
                                                             pytest.approx(4 / 9))
    assert est.estimate == pytest.approx(100 * (3 - 4) / 9)
    assert est.n == 9


@pytest.mark.parametrize("bad", [11, -1, 7.5])
def test_nps_rejects_scores_outside_0_10(bad):
    with pytest.raises(ValueError, match="0..10"):
        nps_estimate([5, bad])


def test_mean_of_grades():
    est = mean_estimate([7, 8, 9, 3])
    assert est.estimate == 6.75
    assert est.se == pytest.approx(np.std([7, 8, 9, 3], ddof=1) / 2, rel=1e-12)
    assert est.low < 6.75 < est.high


def test_empty_input_is_an_error():
    with pytest.raises(ValueError, match="no non-missing"):
        mean_estimate([np.nan])


weights_st = st.floats(0.1, 50)


@SETTINGS
@given(st.integers(1, 60), st.integers(1, 30).map(float), st.data())
def test_nps_of_all_detractors_is_minus_100(n, _, data):
    scores = data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    weights = data.draw(st.lists(weights_st, min_size=n, max_size=n))
    est = nps_estimate(scores, weights)
    assert est.estimate == -100
    assert est.detractors == 1.0
    assert nps_estimate([9, 10] * n).estimate == 100


@SETTINGS
@given(st.data(), st.integers(2, 80))
def test_intervals_contain_estimate_and_neff_at_most_n(data, n):
    weights = data.draw(st.lists(weights_st, min_size=n, max_size=n))
    ones = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    scores = data.draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))
    grades = data.draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))
    for est in (
        proportion_estimate(ones, weights),
        nps_estimate(scores, weights),
        mean_estimate(grades, weights),
    ):
        assert est.low <= est.estimate <= est.high
        assert est.n == n
        assert 1 - 1e-9 <= est.n_eff <= n * (1 + 1e-12)
        assert est.se >= 0
    share = proportion_estimate(ones, weights)
    assert 0 <= share.low <= share.high <= 1
