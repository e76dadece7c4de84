"""Bad input to raking raises an error that names the margin and category at fault."""

import numpy as np
import pandas as pd
import pytest

from survey.stats import ConvergenceError, MarginError, WeightingError, rake


@pytest.fixture
def sample():
    return pd.DataFrame(
        {
            "channel": ["balie", "balie", "telefoon", "web", "web", "web"],
            "topic": ["id", "other", "id", "other", "id", "other"],
            "w": [1.0, 1.0, 2.0, 1.0, 1.0, 1.0],
        }
    )


MARGINS = {
    "channel": {"balie": 300, "telefoon": 500, "web": 200},
    "topic": {"id": 600, "other": 400},
}


def test_valid_input_rakes(sample):
    weights = rake(sample, MARGINS)
    assert weights.groupby(sample["channel"]).sum()["telefoon"] == pytest.approx(500, rel=1e-6)
    assert weights.groupby(sample["topic"]).sum()["id"] == pytest.approx(600, rel=1e-6)
    # one telephone respondent carries the whole telephone total
    assert weights.iloc[2] == pytest.approx(500, rel=1e-6)


def test_totals_that_disagree_name_both_margins(sample):
    margins = {**MARGINS, "topic": {"id": 600, "other": 300}}
    with pytest.raises(MarginError, match=r"'channel' sums to 1000 but 'topic' sums to 900"):
        rake(sample, margins)


def test_target_without_respondents_names_category(sample):
    margins = {**MARGINS, "channel": {"balie": 300, "telefoon": 400, "web": 200, "email": 100}}
    with pytest.raises(MarginError, match=r"margin 'channel', category 'email'.*no respondents"):
        rake(sample, margins)


def test_respondent_without_target_names_category(sample):
    margins = {**MARGINS, "channel": {"balie": 500, "telefoon": 500}}
    with pytest.raises(MarginError, match=r"margin 'channel', category 'web'.*no population"):
        rake(sample, margins)


def test_missing_value_is_reported(sample):
    sample.loc[1, "topic"] = np.nan
    with pytest.raises(MarginError, match=r"margin 'topic'.*no value"):
        rake(sample, MARGINS)


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf")])
def test_non_positive_total_names_category(sample, bad):
    margins = {**MARGINS, "topic": {"id": bad, "other": 400}}
    with pytest.raises(MarginError, match=r"margin 'topic', category 'id'.*positive") as info:
        rake(sample, margins)
    assert (info.value.margin, info.value.category) == ("topic", "id")


def test_unknown_column(sample):
    with pytest.raises(MarginError, match=r"margin 'unit': no such column"):
        rake(sample, {**MARGINS, "unit": {"a": 1000}})


def test_bad_base_weight(sample):
    sample.loc[3, "w"] = 0.0
    with pytest.raises(WeightingError, match=r"base weight column 'w'.*row 3"):
        rake(sample, MARGINS)


def test_non_convergence_is_an_error_naming_the_worst_margin():
    # balie only ever with id, web only with other: targets cannot both hold.
    frame = pd.DataFrame(
        {"channel": ["balie", "web"], "topic": ["id", "other"], "w": [1.0, 1.0]}
    )
    margins = {"channel": {"balie": 50, "web": 50}, "topic": {"id": 30, "other": 70}}
    with pytest.raises(ConvergenceError, match=r"did not converge in 100 sweeps.*margin"):
        rake(frame, margins)


def test_categorical_columns_and_integer_categories():
    frame = pd.DataFrame(
        {
            "channel": pd.Categorical(["a", "b", "b", "a"], categories=["a", "b", "c"]),
            "month": [1, 1, 2, 2],
        }
    )
    weights = rake(frame, {"channel": {"a": 10, "b": 30}, "month": {1: 20, 2: 20}}, None)
    assert weights.sum() == pytest.approx(40)
    assert weights.groupby(frame["channel"], observed=True).sum()["b"] == pytest.approx(30)
