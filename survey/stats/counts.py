"""Estimates from counted cells: the same numbers as ``estimates`` without expanding cells.

A cell is a value, a weight and how many respondents share both. A year of a million
responses is a few thousand cells, and the sums below give exactly what
``proportion_estimate`` gives on the expanded arrays (tests/stats/test_counts.py), in
time proportional to the cells.
"""

from __future__ import annotations

import math

import numpy as np

from .estimates import ProportionEstimate, wilson_interval


def proportion_from_counts(values, weights, counts, level: float = 0.95) -> ProportionEstimate:
    """Weighted share of 0/1 ``values`` (NaN: no answer) over cells of ``counts`` each."""
    y = np.asarray(values, dtype=float).ravel()
    w = np.asarray(weights, dtype=float).ravel()
    c = np.asarray(counts, dtype=float).ravel()
    keep = ~np.isnan(y) & (c > 0)
    y, w, c = y[keep], w[keep], c[keep]
    n = int(c.sum())
    if n == 0:
        raise ValueError("no non-missing values to estimate from")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("values must be 0/1 (NaN for no answer)")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    total = float(np.sum(c * w))
    if total <= 0.0:
        raise ValueError("weights of the non-missing values sum to zero")
    p = float(np.sum(c * w * y)) / total
    if n < 2:
        se = math.nan
    else:
        z = w * (y - p) / total
        z_bar = float(np.sum(c * z)) / n
        sum_sq = float(np.sum(c * (z - z_bar) ** 2))
        se = math.sqrt(n / (n - 1) * sum_sq)
    n_eff = total**2 / float(np.sum(c * w * w))
    low, high = wilson_interval(p, n_eff, level)
    return ProportionEstimate(
        estimate=p,
        se=se,
        low=min(low, p),
        high=max(high, p),
        n=n,
        n_eff=n_eff,
        unweighted=float(np.sum(c * y)) / n,
        level=level,
    )
