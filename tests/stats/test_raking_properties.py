"""Property-based tests of raking."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.stats import rake

SETTINGS = settings(max_examples=40, deadline=None)
# Near-boundary samples (one respondent carrying a whole category) converge slowly, not never.
MAX_ITER = 200_000


@st.composite
def samples(draw):
    """A sample with 2-3 margins and targets that some positive weights reproduce."""
    n_margins = draw(st.integers(2, 3))
    sizes = [draw(st.integers(2, 4)) for _ in range(n_margins)]
    n = draw(st.integers(max(sizes), 40))
    columns = {}
    for j, size in enumerate(sizes):
        extra = draw(st.lists(st.integers(0, size - 1), min_size=n - size, max_size=n - size))
        codes = draw(st.permutations(list(range(size)) + extra))
        columns[f"m{j}"] = [f"c{c}" for c in codes]
    frame = pd.DataFrame(columns)
    frame["w"] = draw(st.lists(st.floats(0.5, 10), min_size=n, max_size=n))
    hidden = np.array(draw(st.lists(st.floats(0.2, 20), min_size=n, max_size=n)))
    scale = draw(st.floats(1, 1e5))
    margins = {
        name: {k: float(v) * scale for k, v in pd.Series(hidden).groupby(frame[name]).sum().items()}
        for name in columns
    }
    return frame, margins


def achieved(frame, weights, name):
    return weights.groupby(frame[name]).sum()


@SETTINGS
@given(samples())
def test_raked_weights_reproduce_every_margin_and_stay_positive(sample):
    frame, margins = sample
    weights = rake(frame, margins, tol=1e-10, max_iter=MAX_ITER)
    assert (weights > 0).all()
    for name, targets in margins.items():
        got = achieved(frame, weights, name)
        for category, total in targets.items():
            assert abs(got[category] - total) <= 1e-9 * total


@SETTINGS
@given(samples())
def test_raking_twice_changes_nothing(sample):
    frame, margins = sample
    once = rake(frame, margins, tol=1e-10, max_iter=MAX_ITER)
    twice = rake(frame.assign(w=once), margins, tol=1e-10, max_iter=MAX_ITER)
    np.testing.assert_allclose(twice, once, rtol=1e-12)


@SETTINGS
@given(samples(), st.floats(0.01, 100))
def test_scaling_all_targets_scales_all_weights(sample, factor):
    frame, margins = sample
    base = rake(frame, margins, tol=1e-11, max_iter=MAX_ITER)
    scaled_margins = {m: {k: v * factor for k, v in t.items()} for m, t in margins.items()}
    scaled = rake(frame, scaled_margins, tol=1e-11, max_iter=MAX_ITER)
    np.testing.assert_allclose(scaled, base * factor, rtol=1e-8)


@SETTINGS
@given(samples())
def test_cells_rows_and_expanded_rows_agree(sample):
    frame, margins = sample
    cells = rake(frame, margins, tol=1e-11, max_iter=MAX_ITER)
    rows = rake(frame, margins, tol=1e-11, max_iter=MAX_ITER, aggregate=False)
    np.testing.assert_allclose(rows, cells, rtol=1e-8)
    # Aggregating identical respondents into a count column gives the same weights.
    keys = [c for c in frame.columns if c != "w"]
    doubled = pd.concat([frame, frame], ignore_index=True)
    grouped = doubled.groupby(keys + ["w"], as_index=False).size().rename(columns={"size": "count"})
    margins2 = {m: {k: 2 * v for k, v in t.items()} for m, t in margins.items()}
    per_cell = rake(grouped, margins2, tol=1e-11, max_iter=MAX_ITER)
    lookup = grouped.assign(weight=per_cell).set_index(keys + ["w"])["weight"]
    expected = lookup.loc[pd.MultiIndex.from_frame(frame[keys + ["w"]])].to_numpy()
    np.testing.assert_allclose(expected, cells.to_numpy(), rtol=1e-8)
