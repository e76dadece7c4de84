"""Trimming of extreme weights, alone or alternated with raking."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from .errors import ConvergenceError, InfeasibleBoundsError, WeightingError
from .raking import Margins, _row_weights, cell_keys, encode, ipf, rake

Bound = float | Callable[[pd.Series, np.ndarray], float] | None

# Above this many category combinations the joint feasibility LP is skipped.
_LP_CELL_LIMIT = 20000


def trim_weights(weights, upper=np.inf, lower=-np.inf, count=None, strict=True, max_iter=1000):
    """Cap weights at ``upper`` and ``lower`` and spread the trimmed amount evenly.

    Same rule as R ``survey::trimWeights``: weights outside the bounds are set to the
    bound, and the total trimmed is added in equal parts to every respondent that was
    inside the bounds, so the sum of weights is kept. ``strict=True`` repeats this until
    no weight is outside. ``count`` gives the number of respondents per row (default 1).
    """
    w = np.array(weights, dtype=float)
    counts = np.ones_like(w) if count is None else np.asarray(count, dtype=float)
    for _ in range(max_iter):
        outside = (w < lower) | (w > upper)
        if not outside.any():
            break
        if outside.all():
            raise InfeasibleBoundsError(
                f"every weight lies outside [{lower:g}, {upper:g}]; nothing left to absorb "
                "the trimmed weight"
            )
        new = np.clip(w, lower, upper)
        trimmed = float(np.sum((w - new) * counts))
        new[~outside] += trimmed / float(counts[~outside].sum())
        w = new
        if not strict:
            break
    else:
        raise ConvergenceError(f"trimming to [{lower:g}, {upper:g}] did not settle")
    if isinstance(weights, pd.Series):
        return pd.Series(w, index=weights.index, name=weights.name)
    return w


def weighted_median(weights: pd.Series, counts: np.ndarray) -> float:
    """Median weight over respondents (rows count ``counts`` times)."""
    values = np.asarray(weights, dtype=float)
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(np.asarray(counts, dtype=float)[order])
    half = cum[-1] / 2.0
    lo = np.searchsorted(cum, half, side="left")
    hi = np.searchsorted(cum, half, side="right")
    if cum[lo] == half and hi < len(values):
        return float((values[order[lo]] + values[order[hi]]) / 2.0)
    return float(values[order[lo]])


def times_median(factor: float) -> Callable[[pd.Series, np.ndarray], float]:
    """Bound equal to ``factor`` times the median raked weight, e.g. ``upper=times_median(5)``."""

    def bound(weights: pd.Series, counts: np.ndarray) -> float:
        return factor * weighted_median(weights, counts)

    return bound


def _check_feasible(encoded, counts, lower, upper) -> None:
    """Prove, where possible, that no weights within the bounds reproduce the margins."""
    lo = 0.0 if lower is None or not np.isfinite(lower) else lower
    hi = np.inf if upper is None else upper
    for m in encoded:
        n = np.bincount(m.codes, weights=counts, minlength=len(m.categories))
        for i in range(len(m.categories)):
            if m.targets[i] > n[i] * hi * (1 + 1e-12) or m.targets[i] < n[i] * lo * (1 - 1e-12):
                raise InfeasibleBoundsError(
                    f"margin {m.name!r}, category {m.categories[i]!r}: total "
                    f"{m.targets[i]:g} cannot be reached by {n[i]:g} respondents with weights "
                    f"in [{lo:g}, {hi:g}]"
                )
    inverse, cell_codes = cell_keys(encoded)
    ncells = len(cell_codes[0])
    if ncells > _LP_CELL_LIMIT:
        return
    size = np.bincount(inverse, weights=counts, minlength=ncells)
    blocks, rhs = [], []
    for m, codes in zip(encoded, cell_codes, strict=True):
        blocks.append(
            sparse.csr_array(
                (np.ones(ncells), (codes, np.arange(ncells))), shape=(len(m.categories), ncells)
            )
        )
        rhs.append(m.targets)
    res = linprog(
        np.zeros(ncells),
        A_eq=sparse.vstack(blocks),
        b_eq=np.concatenate(rhs),
        bounds=np.column_stack([size * lo, size * hi]),
        method="highs",
    )
    if res.status == 2:
        raise InfeasibleBoundsError(
            f"no weights within [{lo:g}, {hi:g}] reproduce all margins jointly "
            f"({', '.join(m.name for m in encoded)}); widen the bounds or merge categories"
        )


def trim_and_rake(
    cells: pd.DataFrame,
    margins: Margins,
    base_weight: str | None = "w",
    upper: Bound = None,
    lower: Bound = None,
    max_iter: int = 100,
    tol: float = 1e-6,
    *,
    count: str | None = "count",
    max_rounds: int = 2000,
) -> pd.Series:
    """Rake, then alternately trim (``trim_weights``) and re-rake until both hold.

    ``upper`` and ``lower`` are numbers or callables ``f(raked_weights, counts)`` evaluated
    once on the first raked weights (e.g. ``times_median(5)``). The result reproduces the
    margins to ``tol`` and lies within the bounds up to a relative ``tol``. Raises
    ``InfeasibleBoundsError`` when it can prove the bounds cannot hold together with the
    margins, ``ConvergenceError`` when the alternation does not settle in ``max_rounds``.
    """
    weights = rake(cells, margins, base_weight, max_iter, tol, count=count)
    _, counts = _row_weights(cells, base_weight, count)
    hi = upper(weights, counts) if callable(upper) else upper
    lo = lower(weights, counts) if callable(lower) else lower
    hi = np.inf if hi is None else float(hi)
    lo = -np.inf if lo is None else float(lo)
    if not hi > 0 or (np.isfinite(lo) and lo >= hi):
        raise WeightingError(f"invalid bounds: lower={lo!r}, upper={hi!r}")
    encoded = encode(cells, margins)
    _check_feasible(encoded, counts, lo, hi)
    # Re-raking trimmed weights multiplies them by a factor per category combination,
    # so each round rakes the cell totals only (same result as rake() on the rows).
    inverse, cell_codes = cell_keys(encoded)
    targets = [m.targets for m in encoded]
    ncells = len(cell_codes[0])
    w = weights.to_numpy()
    for rounds in range(max_rounds + 1):
        if (w <= hi * (1 + tol)).all() and (w >= lo * (1 - tol)).all():
            result = pd.Series(w, index=cells.index, name="weight")
            result.attrs["rounds"] = rounds
            return result
        trimmed = trim_weights(w, hi, lo, counts)
        if not (trimmed > 0).all():
            raise WeightingError(
                f"trimming to [{lo:g}, {hi:g}] left weights at or below zero; use a higher "
                "lower bound"
            )
        start = np.bincount(inverse, weights=trimmed * counts, minlength=ncells)
        try:
            final, _, _ = ipf(cell_codes, start, targets, max_iter, tol)
        except ConvergenceError:
            raise ConvergenceError(
                f"re-raking after trimming to [{lo:g}, {hi:g}] did not converge in "
                f"{max_iter} sweeps (round {rounds + 1})"
            ) from None
        w = trimmed * (final / start)[inverse]
    raise ConvergenceError(
        f"trimming to [{lo:g}, {hi:g}] and re-raking did not settle in {max_rounds} rounds "
        f"(largest weight {w.max():g}, smallest {w.min():g})"
    )
