"""Which cell rows a report can weigh (pure: no app, no database)."""

import math

import pandas as pd

from survey.reports.screening import MIN_INCLUSION, split, usable_probability, usable_score


def test_probabilities_outside_the_range_or_not_numbers_are_left_out_and_counted():
    frame = pd.DataFrame(
        {
            "channel": ["counter"] * 9,
            "p": [1.0, 0.5, MIN_INCLUSION, 1e-300, 0.0, -0.5, 1.5, math.nan, None],
            "count": [10, 20, 1, 2, 3, 4, 5, 6, 7],
        }
    )
    kept, dropped = split(frame, usable_probability(frame))
    assert list(kept["count"]) == [10, 20, 1]
    assert dropped == 2 + 3 + 4 + 5 + 6 + 7


def test_scores_off_their_scale_are_left_out():
    frame = pd.DataFrame({"value": [0, 10, 11, -1, math.nan], "count": [1, 2, 3, 4, 5]})
    kept, dropped = split(frame, usable_score(frame, "nps"))
    assert list(kept["value"]) == [0, 10] and dropped == 12
    kept, dropped = split(frame, usable_score(frame, "grade"))
    assert list(kept["value"]) == [10] and dropped == 1 + 3 + 4 + 5


def test_empty_tables_pass_through():
    frame = pd.DataFrame(columns=["p", "count"])
    kept, dropped = split(frame, usable_probability(frame))
    assert kept.empty and dropped == 0
