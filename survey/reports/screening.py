"""Rows a report cannot use, found in the cell tables before weighting (no database).

Ingest checks every value, but a report reads what is stored, and stored data can come
from older code, an import or a hand-made fix. One unusable row must never stop a report:
it is left out of the weighted figures, logged and counted (``data.LeftOut``).

- An inclusion probability must be a number in [MIN_INCLUSION, 1]. Its inverse is the
  design weight; a tiny probability (1e-300) gives a weight that swamps every other answer
  and overflows the variance sums. No channel samples below MIN_INCLUSION (a weight of
  10 000), so such a row cannot come from a configured design and is left out, not clipped.
- A score must lie on its question kind's scale (survey.domain.flow.SCALES).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey.domain.flow import SCALES

MIN_INCLUSION = 1e-4


def usable_probability(frame: pd.DataFrame) -> pd.Series:
    """True for the rows whose inclusion probability ``p`` gives a usable design weight."""
    p = pd.to_numeric(frame["p"], errors="coerce").astype(float)
    return pd.Series(np.isfinite(p) & (p >= MIN_INCLUSION) & (p <= 1.0), index=frame.index)


def usable_score(frame: pd.DataFrame, kind: str) -> pd.Series:
    """True for the rows whose ``value`` lies on the scale of the question kind."""
    low, high = SCALES[kind]
    value = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    return pd.Series(np.isfinite(value) & (value >= low) & (value <= high), index=frame.index)


def split(frame: pd.DataFrame, keep: pd.Series) -> tuple[pd.DataFrame, int]:
    """The kept rows, and how many respondents (sum of ``count``) the others stand for."""
    if frame.empty:
        return frame, 0
    dropped = int(frame.loc[~keep, "count"].sum())
    return frame[keep].reset_index(drop=True), dropped
