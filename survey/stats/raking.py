"""Calibration of weights by raking (iterative proportional fitting).

The input is a DataFrame with one row per respondent, or one row per cell of identical
respondents (a ``count`` column). Raking multiplies every base weight by a factor that
depends only on the respondent's combination of margin categories, so identical
respondents can be aggregated into cells without changing the result. ``rake`` does that
aggregation itself (``aggregate=True``); ``aggregate=False`` runs the same algorithm on the
rows as given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ConvergenceError, MarginError, WeightingError

Margins = Mapping[str, Mapping[object, float]]

# Above this many possible category combinations, cells are found with np.unique
# instead of a dense bincount.
_DENSE_CELL_LIMIT = 1 << 22


@dataclass(frozen=True)
class EncodedMargin:
    """One margin encoded as integer codes into its list of categories."""

    name: str
    categories: list
    targets: np.ndarray
    codes: np.ndarray


def _check_margins(margins: Margins) -> None:
    if not isinstance(margins, Mapping) or len(margins) == 0:
        raise WeightingError("margins must be a non-empty mapping of column -> {category: total}")
    totals = {}
    for name, targets in margins.items():
        if not isinstance(targets, Mapping) or len(targets) == 0:
            raise MarginError(f"margin {name!r} has no categories", margin=name)
        for category, total in targets.items():
            value = float(total)
            if not np.isfinite(value) or value <= 0:
                raise MarginError(
                    f"margin {name!r}, category {category!r}: population total must be a "
                    f"positive finite number, got {total!r}",
                    margin=name,
                    category=category,
                )
        totals[name] = float(sum(float(v) for v in targets.values()))
    names = list(totals)
    first = names[0]
    for name in names[1:]:
        if abs(totals[name] - totals[first]) > 1e-9 * max(totals[first], totals[name]):
            raise MarginError(
                f"margins disagree on the population total: {first!r} sums to "
                f"{totals[first]:g} but {name!r} sums to {totals[name]:g}",
                margin=name,
            )


def _encode_column(name: str, column: pd.Series, targets: Mapping[object, float]) -> EncodedMargin:
    categories = list(targets.keys())
    target_index = pd.Index(categories)
    if isinstance(column.dtype, pd.CategoricalDtype):
        local = column.cat.codes.to_numpy()
        uniques = column.cat.categories
    else:
        local, uniques = pd.factorize(column, use_na_sentinel=True)
    mapping = target_index.get_indexer(pd.Index(uniques)) if len(uniques) else np.empty(0, int)
    if (local < 0).any():
        raise MarginError(
            f"margin {name!r}: {int((local < 0).sum())} row(s) have no value (missing category)",
            margin=name,
            category=None,
        )
    present = np.bincount(local, minlength=len(uniques)) > 0
    unknown = [uniques[i] for i in np.flatnonzero((mapping < 0) & present)]
    if unknown:
        raise MarginError(
            f"margin {name!r}, category {unknown[0]!r}: respondents in this category but no "
            f"population total (categories without a target: {unknown!r})",
            margin=name,
            category=unknown[0],
        )
    codes = mapping[local].astype(np.intp) if len(local) else np.empty(0, np.intp)
    values = np.array([float(targets[c]) for c in categories])
    return EncodedMargin(name=name, categories=categories, targets=values, codes=codes)


def _row_weights(cells: pd.DataFrame, base_weight: str | None, count: str | None):
    n = len(cells)
    if base_weight is None:
        base = np.ones(n)
    else:
        if base_weight not in cells.columns:
            raise WeightingError(f"base weight column {base_weight!r} not found")
        base = cells[base_weight].to_numpy(dtype=float)
        bad = ~np.isfinite(base) | (base <= 0)
        if bad.any():
            row = cells.index[np.flatnonzero(bad)[0]]
            raise WeightingError(
                f"base weight column {base_weight!r} must be positive and finite "
                f"(row {row!r} has {base[bad][0]!r})"
            )
    if count is not None and count in cells.columns:
        counts = cells[count].to_numpy(dtype=float)
        bad = ~np.isfinite(counts) | (counts <= 0)
        if bad.any():
            row = cells.index[np.flatnonzero(bad)[0]]
            raise WeightingError(f"count column {count!r} must be positive (row {row!r})")
    else:
        counts = np.ones(n)
    return base, counts


def encode(cells: pd.DataFrame, margins: Margins) -> list[EncodedMargin]:
    """Validate ``margins`` against ``cells`` and encode each margin column as codes."""
    _check_margins(margins)
    if len(cells) == 0:
        raise WeightingError("no respondents to weight")
    encoded = []
    for name, targets in margins.items():
        if name not in cells.columns:
            raise MarginError(f"margin {name!r}: no such column in the data", margin=name)
        encoded.append(_encode_column(name, cells[name], targets))
    return encoded


def _check_coverage(encoded: list[EncodedMargin], counts: np.ndarray) -> None:
    for m in encoded:
        present = np.bincount(m.codes, weights=counts, minlength=len(m.categories))
        missing = [m.categories[i] for i in np.flatnonzero(present <= 0)]
        if missing:
            raise MarginError(
                f"margin {m.name!r}, category {missing[0]!r}: population total given but no "
                f"respondents (empty categories: {missing!r}); merge it with a neighbour",
                margin=m.name,
                category=missing[0],
            )


def cell_keys(encoded: list[EncodedMargin]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Group rows by their combination of categories.

    Returns ``inverse`` (cell number per row) and, per margin, the code of every cell.
    """
    sizes = [len(m.categories) for m in encoded]
    key = np.zeros(len(encoded[0].codes), dtype=np.int64)
    radix = 1
    for m, size in zip(encoded, sizes, strict=True):
        key += m.codes.astype(np.int64) * radix
        radix *= size
    if radix <= _DENSE_CELL_LIMIT:
        used = np.bincount(key, minlength=radix) > 0
        cell_key = np.flatnonzero(used)
        lookup = np.cumsum(used) - 1
        inverse = lookup[key]
    else:
        cell_key, inverse = np.unique(key, return_inverse=True)
    cell_codes = []
    rest = cell_key
    for size in sizes:
        cell_codes.append((rest % size).astype(np.intp))
        rest = rest // size
    return inverse, cell_codes


def _max_rel_diff(codes, weights, targets):
    worst, where = 0.0, (0, 0)
    for j, (c, t) in enumerate(zip(codes, targets, strict=True)):
        achieved = np.bincount(c, weights=weights, minlength=len(t))
        rel = np.abs(achieved - t) / t
        i = int(np.argmax(rel))
        if rel[i] > worst:
            worst, where = float(rel[i]), (j, i)
    return worst, where


def ipf(codes, weights, targets, max_iter=100, tol=1e-6):
    """Raking on arrays: ``codes[j]`` is the category per row of margin ``j``.

    ``weights`` are the total weights per row (base weight x count). Returns the raked
    weights, the number of sweeps and the largest relative margin difference. Raises
    ``ConvergenceError`` (with the margin index and category index in ``args[1:]``)
    when ``tol`` is not reached within ``max_iter`` sweeps.
    """
    w = np.array(weights, dtype=float)
    worst, where = _max_rel_diff(codes, w, targets)
    sweeps = 0
    while worst >= tol:
        if sweeps >= max_iter:
            raise ConvergenceError(
                f"raking did not converge in {max_iter} sweeps "
                f"(largest relative margin difference {worst:.3g})",
                *where,
            )
        for c, t in zip(codes, targets, strict=True):
            achieved = np.bincount(c, weights=w, minlength=len(t))
            w *= (t / achieved)[c]
        sweeps += 1
        worst, where = _max_rel_diff(codes, w, targets)
    return w, sweeps, worst


def rake(
    cells: pd.DataFrame,
    margins: Margins,
    base_weight: str | None = "w",
    max_iter: int = 100,
    tol: float = 1e-6,
    *,
    count: str | None = "count",
    aggregate: bool = True,
) -> pd.Series:
    """Rake base weights to population margins by iterative proportional fitting.

    ``cells`` has one row per respondent or per cell of identical respondents (column
    ``count``, default 1 when absent), the margin columns and the base-weight column
    (design weight 1/p; ``None`` means 1). ``margins`` maps a column to
    ``{category: population total}``. Converged when the largest relative difference
    between achieved and target margin total is below ``tol``.

    Returns the raked weight *per respondent* of every row (a row with ``count = k``
    contributes ``k`` times its weight), indexed like ``cells``. ``attrs`` holds
    ``sweeps`` and ``max_rel_diff``.
    """
    encoded = encode(cells, margins)
    base, counts = _row_weights(cells, base_weight, count)
    _check_coverage(encoded, counts)
    targets = [m.targets for m in encoded]
    start = base * counts
    if aggregate:
        inverse, cell_codes = cell_keys(encoded)
        cell_start = np.bincount(inverse, weights=start, minlength=len(cell_codes[0]))
        codes = cell_codes
    else:
        cell_start = start
        codes = [m.codes for m in encoded]
    try:
        final, sweeps, worst = ipf(codes, cell_start, targets, max_iter, tol)
    except ConvergenceError as exc:
        j, i = exc.args[1], exc.args[2]
        m = encoded[j]
        raise ConvergenceError(
            f"{exc.args[0]}; worst: margin {m.name!r}, category {m.categories[i]!r}. "
            "Margins may be inconsistent with the sample (e.g. a category combination "
            "without respondents); merge categories or raise max_iter"
        ) from None
    factor = final / cell_start
    weights = base * (factor[inverse] if aggregate else factor)
    result = pd.Series(weights, index=cells.index, name="weight")
    result.attrs["sweeps"] = sweeps
    result.attrs["max_rel_diff"] = worst
    return result
