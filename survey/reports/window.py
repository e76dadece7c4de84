"""A period's month cells and the estimates made from them, under a view's filters.

A ``Window`` holds the cached month cells (survey.reports.dashboard_cells) of one period:
each month weighted to its own contact volumes, the months pooled, estimates from counted
cells (survey.stats.proportion_from_counts, equal to the report's estimates on expanded
rows). The dashboard (survey.reports.dashboard_data) and the comparison of organisations
(survey.reports.comparison) both read their figures through it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import pandas as pd

from survey.domain.channels import CONTACT_CHANNELS
from survey.reports.dashboard_cells import MonthCells, month_cells
from survey.reports.periods import Period
from survey.stats import mean_estimate, nps_estimate, proportion_from_counts


@dataclass(frozen=True)
class Filters:
    """What a dashboard view is narrowed to (None: everything)."""

    channel: str | None = None
    mode: str | None = None
    location_id: int | None = None
    unit_id: int | None = None
    topic_id: int | None = None

    def query(self) -> dict[str, str]:
        names = {
            "channel": "channel",
            "mode": "mode",
            "location_id": "location",
            "unit_id": "unit",
            "topic_id": "topic",
        }
        return {
            names[f.name]: str(getattr(self, f.name))
            for f in fields(self)
            if getattr(self, f.name) is not None
        }

    def apply(self, frame: pd.DataFrame, channel: bool = True) -> pd.DataFrame:
        if frame.empty:
            return frame
        keep = pd.Series(True, index=frame.index)
        for name in ("mode", "location_id", "unit_id", "topic_id"):
            value = getattr(self, name)
            if value is not None:
                keep &= frame[name] == value
        if channel and self.channel is not None and "channel" in frame:
            keep &= frame["channel"] == self.channel
        return frame[keep]


def _arrays(cells: MonthCells, filters: Filters, dimension: str | None = None):
    """channel, satisfied (NaN: no answer), weight and count per cell of one month under the
    filters (all but the channel), plus the ``dimension`` column when asked; cached on the
    month's cells, so every estimate of a view is a mask over a few hundred numbers."""
    key = (filters.mode, filters.location_id, filters.unit_id, filters.topic_id, dimension)
    found = cells.derived.get(key)
    if found is not None:
        return found
    frame = filters.apply(cells.responses, channel=False)
    by = ["channel", "p", "satisfied"] + ([dimension] if dimension else [])
    if frame.empty:
        empty = np.array([], dtype=float)
        found = (np.array([], dtype=object), empty, empty, empty, empty)
    else:
        agg = frame.groupby(by, as_index=False, dropna=False)["count"].sum()
        agg["p"] = agg["p"].astype(float)
        found = (
            agg["channel"].to_numpy(object),
            agg["satisfied"].to_numpy(float),
            cells.weights.of(agg),
            agg["count"].to_numpy(float),
            agg[dimension].to_numpy(float) if dimension else np.array([], dtype=float),
        )
    cells.derived[key] = found
    return found


class Window:
    """The month cells of one period."""

    def __init__(self, org_id: int, period: Period, today: date, index):
        self.period = period
        self.months: list[MonthCells] = [
            month_cells(org_id, m, today, index) for m in period.months()
        ]

    def _masked(self, filters: Filters, channel, dimension=None, key=None):
        parts = []
        for cells in self.months:
            ch, y, w, c, dim = _arrays(cells, filters, dimension)
            keep = np.ones(ch.shape, dtype=bool)
            for wanted in (channel, filters.channel):
                if wanted is not None:
                    keep &= ch == wanted
            if dimension is not None:
                keep &= dim == key
            parts.append((y[keep], w[keep], c[keep]))
        if not parts:
            empty = np.array([], dtype=float)
            return empty, empty, empty
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))

    def estimate(self, filters: Filters, channel: str | None = None, dimension=None, key=None):
        y, w, c = self._masked(filters, channel, dimension, key)
        answered = ~np.isnan(y)
        if not np.any(answered & (c > 0)):
            return None
        return proportion_from_counts(y, w, c)

    def scores(self, kind: str, filters: Filters, channel: str | None = None):
        """One value and weight per answer to the NPS or grade questions of the period's
        months (each month's own weights), under the filters; None when there are none."""
        values, weights = [], []
        for cells in self.months:
            frame = cells.nps if kind == "nps" else cells.grades
            frame = filters.apply(frame) if not frame.empty else frame
            if channel is not None and not frame.empty:
                frame = frame[frame["channel"] == channel]
            if frame.empty:
                continue
            w = np.array(
                [cells.weights.weights.get((c, float(p)), np.nan)
                 for c, p in zip(frame["channel"], frame["p"], strict=True)],
                dtype=float,
            )
            counts = frame["count"].to_numpy(dtype=np.int64)
            y = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
            keep = np.isfinite(w) & np.isfinite(y)
            values.append(np.repeat(y[keep], counts[keep]))
            weights.append(np.repeat(w[keep], counts[keep]))
        if not values or not sum(len(v) for v in values):
            return None
        y, w = np.concatenate(values), np.concatenate(weights)
        return nps_estimate(y, w) if kind == "nps" else mean_estimate(y, w)

    def asked(self, kind: str, filters: Filters) -> tuple[str, ...]:
        """The channels whose answers to the kind's questions are in the period."""
        found: set[str] = set()
        for cells in self.months:
            frame = cells.nps if kind == "nps" else cells.grades
            if not frame.empty:
                found |= set(filters.apply(frame)["channel"])
        return tuple(c for c in CONTACT_CHANNELS if c in found)

    def responses(self, filters: Filters, channel: str | None = None, dimension=None, key=None):
        return int(self._masked(filters, channel, dimension, key)[2].sum())

    def keys(self, filters: Filters, dimension: str) -> set[int]:
        found: set[int] = set()
        for cells in self.months:
            dim = _arrays(cells, filters, dimension)[4]
            found |= {int(k) for k in dim[~np.isnan(dim)]}
        return found

    def contacts(self, channel: str) -> int | None:
        values = [c.volumes.get(channel) for c in self.months]
        return None if any(v is None for v in values) else int(sum(values))

    @property
    def weighted(self) -> bool:
        used = [c for c in self.months if not c.responses.empty]
        return bool(used) and all(c.weights.calibrated for c in used)
