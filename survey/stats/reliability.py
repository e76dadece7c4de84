"""Whether a figure may be shown, and how firmly."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .estimates import Estimate, MeanEstimate, NPSEstimate
from .rounding import above, below

SUPPRESSED = "suppressed"
INDICATIVE = "indicative"
OK = "ok"


@dataclass(frozen=True)
class Thresholds:
    """Suppress below ``suppress_below`` responses; indicative below ``indicative_below``
    responses (ODRA 2023: fewer than 30 is "indicatief"), below ``indicative_below``
    effective responses, or when the interval's half-width exceeds ``max_half_width``
    (in the estimate's own unit: 0.10 = 10 percentage points for shares)."""

    suppress_below: int = 10
    indicative_below: int = 30
    max_half_width: float = 0.10


PROPORTION = Thresholds()
NPS = Thresholds(max_half_width=20.0)
MEAN = Thresholds(max_half_width=0.5)


def reliability(
    n: int, n_eff: float, half_width: float, thresholds: Thresholds = PROPORTION
) -> str:
    """Return ``"suppressed"``, ``"indicative"`` or ``"ok"``.

    ``thresholds`` defaults to the share rule (half-width 10 points); pass ``NPS`` for
    NPS (20 points) or your own ``Thresholds``. A missing half-width counts as too wide.
    """
    if n < thresholds.suppress_below:
        return SUPPRESSED
    # Thresholds are compared with a tolerance: 30 equal weights of 0.7 give an n_eff of
    # 29.999999999999982, which is 30 and not "indicative".
    if n < thresholds.indicative_below or below(n_eff, thresholds.indicative_below):
        return INDICATIVE
    if math.isnan(half_width) or above(half_width, thresholds.max_half_width):
        return INDICATIVE
    return OK


def reliability_of(estimate: Estimate, thresholds: Thresholds | None = None) -> str:
    """``reliability`` of an estimate, choosing the thresholds that fit its kind."""
    if thresholds is None:
        if isinstance(estimate, NPSEstimate):
            thresholds = NPS
        elif isinstance(estimate, MeanEstimate):
            thresholds = MEAN
        else:
            thresholds = PROPORTION
    return reliability(estimate.n, estimate.n_eff, estimate.half_width, thresholds)
