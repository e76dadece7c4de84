"""Estimates from counted cells equal the estimates from the expanded respondents."""

from __future__ import annotations

import numpy as np
import pytest

from survey.stats import proportion_estimate, proportion_from_counts


@pytest.mark.parametrize("seed", range(5))
def test_counts_equal_expanded(seed):
    rng = np.random.default_rng(seed)
    cells = 30
    y = rng.integers(0, 2, cells).astype(float)
    y[rng.integers(0, cells)] = np.nan
    w = rng.uniform(0.2, 8.0, cells)
    c = rng.integers(0, 50, cells)
    expected = proportion_estimate(np.repeat(y, c), np.repeat(w, c))
    got = proportion_from_counts(y, w, c)
    for field in ("estimate", "se", "low", "high", "n_eff", "unweighted"):
        assert getattr(got, field) == pytest.approx(getattr(expected, field), rel=1e-9)
    assert got.n == expected.n


def test_counts_refuse_what_the_estimate_refuses():
    with pytest.raises(ValueError):
        proportion_from_counts([np.nan], [1.0], [3])
    with pytest.raises(ValueError):
        proportion_from_counts([2.0], [1.0], [3])
