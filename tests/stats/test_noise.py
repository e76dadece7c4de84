"""Floating-point noise never crosses a documented boundary (rounding, flags)."""

from __future__ import annotations

import numpy as np
import pytest

from survey.stats import (
    at_least,
    kish_neff,
    proportion_estimate,
    reliability,
    reliability_of,
    round_half_up,
    round_percent,
)


@pytest.mark.parametrize("weight", [0.3, 0.7, 0.15, 1 / 7])
def test_37_of_40_with_equal_weights_is_93_percent(weight):
    y = np.array([1.0] * 37 + [0.0] * 3)
    est = proportion_estimate(y, np.full(40, weight))
    assert est.estimate != 0.925  # the noise is really there ...
    assert round_percent(est.estimate) == 93  # ... and does not reach the display
    assert round_half_up(100 * est.estimate) == 93


@pytest.mark.parametrize("weight", [0.7, 1 / 7])
def test_30_equal_weights_are_30_effective_responses(weight):
    n_eff = kish_neff(np.full(30, weight))
    assert n_eff < 30  # 29.999999999999982
    assert round_half_up(n_eff) == 30
    assert reliability(30, n_eff, 0.05) == "ok"
    y = np.array([1.0] * 27 + [0.0] * 3)
    est = proportion_estimate(y, np.full(30, weight))
    assert est.n_eff < 30
    assert reliability(30, est.n_eff, est.half_width) != "indicative" or est.half_width > 0.1


def test_noisy_half_width_is_not_too_wide():
    assert reliability(40, 40.0, 0.1 + 1e-15) == "ok"
    assert reliability(40, 40.0, 0.1 + 1e-6) == "indicative"
    assert reliability(40, 29.99, 0.05) == "indicative"  # a real shortfall still counts


def test_thresholds_with_tolerance():
    assert at_least(0.8999999999999999, 0.9)
    assert not at_least(0.8995, 0.9)
    assert round_percent(0.14500000000000002) == 15
    assert round_half_up(100 * 0.145) == 15  # 14.499999999999998 without snapping
    assert round_percent(0.895, 1) == 89.5


def test_reliability_of_a_noisy_estimate():
    y = np.array([1.0] * 20 + [0.0] * 10)
    est = proportion_estimate(y, np.full(30, 0.7))
    assert est.n_eff < 30
    # Half-width of 20/30 on 30 is above 10 points: indicative for the width, not n_eff.
    assert reliability(est.n, est.n_eff, 0.05) == "ok"
    assert reliability_of(est) == "indicative"
