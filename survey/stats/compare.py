"""Differences between two independent estimates (e.g. two channels or two months)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from .estimates import NPSEstimate, ProportionEstimate, _z


@dataclass(frozen=True)
class Comparison:
    """``a - b`` with an interval, z statistic and two-sided p-value."""

    difference: float
    low: float
    high: float
    z: float
    p: float
    level: float


def _z_and_p(difference: float, se_a: float, se_b: float) -> tuple[float, float]:
    se = math.sqrt(se_a * se_a + se_b * se_b)
    if math.isnan(se):
        return math.nan, math.nan
    if se == 0.0:
        if difference == 0.0:
            return 0.0, 1.0
        return math.copysign(math.inf, difference), 0.0
    z = difference / se
    return z, float(2.0 * stats.norm.sf(abs(z)))


def _same_level(a, b) -> float:
    if a.level != b.level:
        raise ValueError(f"estimates have different levels ({a.level} and {b.level})")
    return a.level


def compare_proportions(a: ProportionEstimate, b: ProportionEstimate) -> Comparison:
    """Difference of two independent shares with Newcombe's hybrid score interval.

    The interval combines the two Wilson intervals (Newcombe 1998, method 10); z and p
    use the linearisation standard errors.
    """
    level = _same_level(a, b)
    d = a.estimate - b.estimate
    low = d - math.sqrt((a.estimate - a.low) ** 2 + (b.high - b.estimate) ** 2)
    high = d + math.sqrt((a.high - a.estimate) ** 2 + (b.estimate - b.low) ** 2)
    z, p = _z_and_p(d, a.se, b.se)
    return Comparison(d, max(-1.0, low), min(1.0, high), z, p, level)


def compare_nps(a: NPSEstimate, b: NPSEstimate) -> Comparison:
    """Difference of two independent NPS values (points) with a normal interval."""
    level = _same_level(a, b)
    d = a.estimate - b.estimate
    se = math.sqrt(a.se * a.se + b.se * b.se)
    half = _z(level) * se
    z, p = _z_and_p(d, a.se, b.se)
    return Comparison(d, max(-200.0, d - half), min(200.0, d + half), z, p, level)
