"""Trimming weights and alternating trimming with raking."""

import numpy as np
import pandas as pd
import pytest

from survey.stats import (
    InfeasibleBoundsError,
    rake,
    times_median,
    trim_and_rake,
    trim_weights,
)


def test_trim_weights_spreads_the_excess_evenly():
    # 10 is capped at 6; the 4 trimmed are shared by the three weights inside.
    assert list(trim_weights([1.0, 2.0, 3.0, 10.0], upper=6)) == [
        pytest.approx(1 + 4 / 3), pytest.approx(2 + 4 / 3), pytest.approx(3 + 4 / 3), 6.0
    ]


def test_trim_weights_with_counts_matches_expanded_rows():
    cells = trim_weights([1.0, 8.0, 2.0], upper=5, lower=1.5, count=[3, 1, 2])
    rows = trim_weights([1.0, 1.0, 1.0, 8.0, 2.0, 2.0], upper=5, lower=1.5)
    assert cells == pytest.approx(rows[[0, 3, 4]])
    assert np.dot(cells, [3, 1, 2]) == pytest.approx(15.0)


def test_trim_weights_keeps_series_index():
    out = trim_weights(pd.Series([1.0, 9.0, 2.0], index=[5, 6, 7]), upper=4)
    assert list(out.index) == [5, 6, 7]


@pytest.fixture
def skewed():
    # Few counter respondents, counter is 40% of contacts; two web respondents came for
    # an ID document and must carry most of the ID total.
    frame = pd.DataFrame(
        {
            "channel": ["balie"] * 8 + ["web"] * 12,
            "topic": ["id"] * 6 + ["other"] * 2 + ["id"] * 2 + ["other"] * 10,
            "w": 1.0,
        }
    )
    margins = {"channel": {"balie": 400, "web": 600}, "topic": {"id": 600, "other": 400}}
    return frame, margins


def test_trim_and_rake_respects_bounds_and_margins(skewed):
    frame, margins = skewed
    raked = rake(frame, margins)
    cap = 3 * raked.median()
    assert raked.max() > cap * 1.05
    out = trim_and_rake(frame, margins, upper=times_median(3))
    assert out.max() <= cap * (1 + 1e-6)
    assert out.attrs["rounds"] > 1
    for name, targets in margins.items():
        got = out.groupby(frame[name]).sum()
        for category, total in targets.items():
            assert got[category] == pytest.approx(total, rel=1e-6)
    # the only way to satisfy both: web/id = balie/other + 100
    assert out.iloc[8] - out.iloc[6] == pytest.approx(100, rel=1e-5)


def test_bounds_that_one_category_cannot_meet_name_it(skewed):
    frame, margins = skewed
    with pytest.raises(InfeasibleBoundsError, match=r"margin 'channel', category 'balie'"):
        trim_and_rake(frame, margins, upper=45)


def test_jointly_infeasible_bounds_are_proved(skewed):
    # Every category alone can reach its total within [2.5, 3.5] ...
    frame, margins = skewed
    with pytest.raises(InfeasibleBoundsError, match="jointly"):
        trim_and_rake(frame, margins, upper=2.5 * rake(frame, margins).median())
    # ... and the same for a 2x2 table: x: 4*w_xp + w_xq = 50, p: 4*w_xp + w_yp = 46.
    table = pd.DataFrame({"a": list("xxxxxyyyyy"), "b": list("ppppqpqqqq"), "w": 1.0})
    targets = {"a": {"x": 50, "y": 50}, "b": {"p": 46, "q": 54}}
    with pytest.raises(InfeasibleBoundsError, match="jointly"):
        trim_and_rake(table, targets, upper=11, lower=9)


def test_bounds_that_already_hold_change_nothing(skewed):
    frame, margins = skewed
    raked = rake(frame, margins)
    out = trim_and_rake(frame, margins, upper=raked.max() * 2)
    np.testing.assert_array_equal(out, raked)
    assert out.attrs["rounds"] == 0
