"""Weighted estimates with standard errors and intervals.

Standard errors are the linearisation (Taylor) standard errors of a weighted mean for a
design with one stage, no strata and no finite-population correction, the same as R's
``svymean(~y, svydesign(ids = ~1, weights = ~w, data = d))``:

    se^2 = n / (n - 1) * sum(z_i^2),  z_i = w_i (y_i - ybar) / sum(w)

The weights are treated as fixed; calibration gains in precision are not claimed.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

# Observations with a missing value (NaN) leave the denominator.


@dataclass(frozen=True)
class Estimate:
    """A weighted estimate. ``unweighted`` is the same estimate with all weights 1."""

    estimate: float
    se: float
    low: float
    high: float
    n: int
    n_eff: float
    unweighted: float
    level: float

    @property
    def deff(self) -> float:
        """Kish design effect due to weighting, n / n_eff (1 for equal weights)."""
        return self.n / self.n_eff

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0


@dataclass(frozen=True)
class ProportionEstimate(Estimate):
    """A share as a fraction 0..1 with a Wilson interval on the effective sample size."""


@dataclass(frozen=True)
class MeanEstimate(Estimate):
    """A mean (e.g. of grades 1-10) with a Student-t interval on n_eff - 1 df."""


@dataclass(frozen=True)
class NPSEstimate(Estimate):
    """Net Promoter Score on -100..100 with shares as fractions 0..1."""

    promoters: float
    passives: float
    detractors: float


def kish_neff(weights) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2."""
    w = np.asarray(weights, dtype=float)
    if w.size == 0:
        return 0.0
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    sum_sq = float(np.sum(w * w))
    if sum_sq == 0.0:
        return 0.0
    return float(np.sum(w)) ** 2 / sum_sq


@functools.lru_cache(maxsize=16)
def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    return float(stats.norm.ppf(0.5 + level / 2.0))


def _prepare(values, weights) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(values, dtype=float).ravel()
    if weights is None:
        w = np.ones_like(y)
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if w.shape != y.shape:
            raise ValueError(f"{y.size} values but {w.size} weights")
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError("weights must be finite and non-negative")
    keep = ~np.isnan(y)
    y, w = y[keep], w[keep]
    if y.size == 0:
        raise ValueError("no non-missing values to estimate from")
    if float(w.sum()) <= 0.0:
        raise ValueError("weights of the non-missing values sum to zero")
    return y, w


def weighted_mean_se(y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Weighted mean and its linearisation standard error (svymean, ids = ~1)."""
    total = float(w.sum())
    mean = float(np.sum(w * y)) / total
    n = y.size
    if n < 2:
        return mean, math.nan
    z = w * (y - mean) / total
    z = z - z.mean()
    return mean, math.sqrt(n / (n - 1) * float(np.sum(z * z)))


def wilson_interval(p: float, n_eff: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a share ``p`` observed on ``n_eff`` (effective) trials."""
    z = _z(level)
    z2 = z * z
    denom = 1.0 + z2 / n_eff
    centre = (p + z2 / (2.0 * n_eff)) / denom
    half = z / denom * math.sqrt(max(p * (1.0 - p), 0.0) / n_eff + z2 / (4.0 * n_eff**2))
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion_estimate(successes, weights=None, level: float = 0.95) -> ProportionEstimate:
    """Weighted share of successes (booleans or 0/1; NaN = no answer)."""
    y, w = _prepare(successes, weights)
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("successes must be 0/1 or booleans (NaN for no answer)")
    p, se = weighted_mean_se(y, w)
    n_eff = kish_neff(w)
    low, high = wilson_interval(p, n_eff, level)
    return ProportionEstimate(
        estimate=p,
        se=se,
        low=min(low, p),
        high=max(high, p),
        n=int(y.size),
        n_eff=n_eff,
        unweighted=float(y.mean()),
        level=level,
    )


def mean_estimate(values, weights=None, level: float = 0.95) -> MeanEstimate:
    """Weighted mean (e.g. of grades 1-10; NaN = no answer) with a t interval."""
    y, w = _prepare(values, weights)
    mean, se = weighted_mean_se(y, w)
    n_eff = kish_neff(w)
    if math.isnan(se) or n_eff <= 1.0:
        low = high = math.nan
    else:
        t = float(stats.t.ppf(0.5 + level / 2.0, n_eff - 1.0))
        low, high = mean - t * se, mean + t * se
    return MeanEstimate(
        estimate=mean,
        se=se,
        low=low,
        high=high,
        n=int(y.size),
        n_eff=n_eff,
        unweighted=float(y.mean()),
        level=level,
    )


def nps_coding(scores) -> np.ndarray:
    """Code 0-10 scores as +1 (promoter, 9-10), 0 (passive, 7-8), -1 (detractor, 0-6)."""
    s = np.asarray(scores, dtype=float).ravel()
    present = s[~np.isnan(s)]
    if np.any((present < 0) | (present > 10) | (present != np.round(present))):
        raise ValueError("NPS scores must be whole numbers 0..10 (NaN for no answer)")
    coded = np.where(s >= 9, 1.0, np.where(s >= 7, 0.0, -1.0))
    coded[np.isnan(s)] = np.nan
    return coded


def nps_estimate(scores, weights=None, level: float = 0.95) -> NPSEstimate:
    """Weighted NPS (-100..100) from 0-10 scores, with a normal interval on the
    linearisation SE of the +1/0/-1 coding, clipped to -100..100."""
    y, w = _prepare(nps_coding(scores), weights)
    mean, se = weighted_mean_se(y, w)
    total = float(w.sum())
    nps, se100 = 100.0 * mean, 100.0 * se
    if math.isnan(se100):
        low = high = math.nan
    else:
        z = _z(level)
        low, high = max(-100.0, nps - z * se100), min(100.0, nps + z * se100)
    return NPSEstimate(
        estimate=nps,
        se=se100,
        low=low,
        high=high,
        n=int(y.size),
        n_eff=kish_neff(w),
        unweighted=100.0 * float(y.mean()),
        level=level,
        promoters=float(w[y == 1].sum()) / total,
        passives=float(w[y == 0].sum()) / total,
        detractors=float(w[y == -1].sum()) / total,
    )
