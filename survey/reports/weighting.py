"""Weights for one month's cells, and estimates from cell tables through the stats core.

Weights follow docs/METHOD.md: design weight 1/p, raked to the month's contact volumes
per channel, trimmed at TRIM_FACTOR x the median weight and raked again. Every respondent
of the same (channel, inclusion probability) gets the same weight, so a cell table with a
``count`` column is all the weighting needs. Estimates expand the cells to one value per
respondent (numpy arrays of a few bytes each) and call survey.stats unchanged, so the
report's numbers are the statistics core's numbers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey.reports.data import (
    DESIGN_WEIGHTS,
    NOT_TRIMMED,
    Estimate,
    Figure,
    Suppressed,
    WeightNote,
    number,
)
from survey.stats import (
    WeightingError,
    mean_estimate,
    nps_estimate,
    proportion_estimate,
    rake,
    reliability_of,
    times_median,
    trim_and_rake,
)

log = logging.getLogger(__name__)
TRIM_FACTOR = 5.0
KEY = ["channel", "p"]


@dataclass
class MonthWeights:
    """Weight per (channel, p) for one month, and how they were made."""

    weights: dict[tuple[str, float], float]
    calibrated: bool  # raked to contact volumes
    trimmed: bool = False
    missing_volumes: list[str] = field(default_factory=list)
    volumes: dict[str, int] = field(default_factory=dict)
    note: WeightNote | None = None  # why weighting fell back, if it did

    def of(self, frame: pd.DataFrame) -> np.ndarray:
        return np.array(
            [
                self.weights[(c, float(p))]
                for c, p in zip(frame["channel"], frame["p"], strict=True)
            ],
            dtype=float,
        )


def month_weights(cells: pd.DataFrame, volumes: dict[str, int]) -> MonthWeights:
    """Weights for the respondents counted in ``cells`` (columns channel, p, count)."""
    if cells.empty:
        return MonthWeights({}, calibrated=False, volumes=dict(volumes))
    base = cells.groupby(KEY, as_index=False)["count"].sum()
    base["p"] = base["p"].astype(float)
    base["w"] = 1.0 / base["p"]
    design = {(c, p): w for c, p, w in zip(base["channel"], base["p"], base["w"], strict=True)}
    present = sorted(set(base["channel"]))
    missing = [c for c in present if not volumes.get(c)]
    if missing:
        return MonthWeights(design, calibrated=False, missing_volumes=missing, volumes=volumes)
    margins = {"channel": {c: float(volumes[c]) for c in present}}
    note = None
    try:
        raked = trim_and_rake(base, margins, "w", upper=times_median(TRIM_FACTOR))
        trimmed = bool(raked.attrs.get("rounds", 0))
    except WeightingError as error:
        log.warning("Trimming failed, raked without trimming: %s", error)
        trimmed, note = False, WeightNote(NOT_TRIMMED, {"trim": TRIM_FACTOR})
        try:
            raked = rake(base, margins, "w")
        except WeightingError as again:
            # Raking to the volumes is impossible for these cells: report unweighted by
            # volume (design weights only) and say why, rather than no report at all.
            # The stats core's message is for the log; the report says it in its language.
            log.warning("Raking failed, design weights only: %s", again)
            return MonthWeights(
                design, False, volumes=dict(volumes), note=WeightNote(DESIGN_WEIGHTS)
            )
    weights = {
        (c, p): float(w)
        for c, p, w in zip(base["channel"], base["p"], raked.to_numpy(), strict=True)
    }
    return MonthWeights(weights, True, trimmed, [], dict(volumes), note)


def expand(frame: pd.DataFrame, weights: MonthWeights, value: str) -> tuple[np.ndarray, np.ndarray]:
    """One value and one weight per respondent from a cell table with a count column."""
    counts = frame["count"].to_numpy(dtype=np.int64)
    values = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)
    return np.repeat(values, counts), np.repeat(weights.of(frame), counts)


def _figure(estimate, scale: float = 1.0) -> Estimate | Suppressed:
    status = reliability_of(estimate)
    if status == "suppressed":
        return Suppressed(n=int(estimate.n))  # never a number from a suppressed cell
    return Estimate(
        n=int(estimate.n),
        reliability=status,
        estimate=number(estimate.estimate * scale),
        low=number(estimate.low * scale),
        high=number(estimate.high * scale),
        se=number(estimate.se * scale),
        n_eff=number(estimate.n_eff),
        unweighted=number(estimate.unweighted * scale),
    )


def share(frame: pd.DataFrame, weights: MonthWeights, value: str = "satisfied"):
    """Weighted share (stats core ProportionEstimate) of a 0/1 column, NaN left out."""
    frame = frame[frame[value].notna()]
    if frame.empty or frame["count"].sum() == 0:
        return None
    y, w = expand(frame, weights, value)
    return proportion_estimate(y.astype(float), w)


def nps(frame: pd.DataFrame, weights: MonthWeights):
    if frame.empty:
        return None
    y, w = expand(frame, weights, "value")
    return nps_estimate(y, w)


def mean(frame: pd.DataFrame, weights: MonthWeights):
    if frame.empty:
        return None
    y, w = expand(frame, weights, "value")
    return mean_estimate(y, w)


def summarise(estimate, scale: float = 1.0) -> Figure:
    """The report's figure; a suppressed estimate keeps only n and the flag."""
    return None if estimate is None else _figure(estimate, scale)
