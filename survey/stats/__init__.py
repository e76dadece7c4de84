"""Statistics for KTO reports: weighting, estimates, comparisons, display rules.

Plain numpy/pandas in, plain numbers out; no web framework or database.
"""

from .compare import Comparison, compare_nps, compare_proportions
from .counts import proportion_from_counts
from .errors import ConvergenceError, InfeasibleBoundsError, MarginError, WeightingError
from .estimates import (
    Estimate,
    MeanEstimate,
    NPSEstimate,
    ProportionEstimate,
    kish_neff,
    mean_estimate,
    nps_estimate,
    proportion_estimate,
)
from .raking import rake
from .reliability import Thresholds, reliability, reliability_of
from .rounding import above, at_least, below, round_half_up, round_percent, snap
from .trimming import times_median, trim_and_rake, trim_weights

__all__ = [
    "above",
    "at_least",
    "below",
    "snap",
    "Comparison",
    "ConvergenceError",
    "Estimate",
    "InfeasibleBoundsError",
    "MarginError",
    "MeanEstimate",
    "NPSEstimate",
    "ProportionEstimate",
    "Thresholds",
    "WeightingError",
    "compare_nps",
    "compare_proportions",
    "kish_neff",
    "mean_estimate",
    "nps_estimate",
    "proportion_estimate",
    "proportion_from_counts",
    "rake",
    "reliability",
    "reliability_of",
    "round_half_up",
    "round_percent",
    "times_median",
    "trim_and_rake",
    "trim_weights",
]
