"""Agreement with R's survey package on the api example data.

The numbers come from tests/reference/survey_reference.R (run with Rscript); R is not
needed to run these tests.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey.stats import (
    mean_estimate,
    nps_estimate,
    proportion_estimate,
    rake,
    times_median,
    trim_and_rake,
    trim_weights,
)

REF = Path(__file__).resolve().parents[1] / "reference"
AGREE = 1e-8  # largest relative difference accepted


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "survey_reference.json").read_text())


@pytest.fixture(scope="module")
def strat():
    return pd.read_csv(REF / "api_strat.csv")


@pytest.fixture(scope="module")
def clus1():
    return pd.read_csv(REF / "api_clus1.csv")


def rel_diff(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def test_derived_answers_follow_documented_formulas(strat):
    grade = np.clip(np.floor((strat["api00"] - 350) / 55) + 1, 1, 10)
    score = np.clip(np.floor((strat["api00"] - 400) / 45), 0, 10)
    assert (strat["grade"] == grade).all()
    assert (strat["score"] == score).all()
    assert (strat["satisfied"] == (grade >= 7)).all()
    assert set(strat["score"]) == set(range(11))


def test_rake_matches_r_documentation_example(ref, clus1):
    case = ref["rake_clus1"]
    weights = rake(clus1, case["margins"], base_weight="pw", tol=1e-13, max_iter=1000)
    assert rel_diff(weights, case["weights"]) < AGREE
    assert weights.groupby(clus1["stype"]).sum()["E"] == pytest.approx(4421, rel=1e-12)


def test_rake_with_unequal_design_weights_matches_r(ref, strat):
    case = ref["rake_strat"]
    weights = rake(strat, case["margins"], base_weight="pw", tol=1e-13, max_iter=1000)
    assert rel_diff(weights, case["weights"]) < AGREE
    assert weights.nunique() > 3


def test_row_path_matches_r(ref, strat):
    case = ref["rake_strat"]
    weights = rake(strat, case["margins"], "pw", tol=1e-13, max_iter=1000, aggregate=False)
    assert rel_diff(weights, case["weights"]) < AGREE


def test_trim_weights_matches_r_trimweights(ref):
    case = ref["trim"]
    trimmed = trim_weights(ref["rake_strat"]["weights"], case["upper"], case["lower"])
    assert rel_diff(trimmed, case["weights"]) < AGREE
    assert min(ref["rake_strat"]["weights"]) < case["lower"]  # the bound really binds


def test_trim_and_rake_matches_r(ref, strat):
    case = ref["trim_rake"]
    margins = ref["rake_strat"]["margins"]
    weights = trim_and_rake(
        strat, margins, "pw", upper=case["upper"], lower=case["lower"], tol=1e-13,
        max_iter=1000, max_rounds=1000,
    )
    assert rel_diff(weights, case["weights"]) < AGREE
    assert max(ref["rake_strat"]["weights"]) > case["upper"]  # the upper bound binds
    assert weights.max() <= case["upper"] * (1 + 1e-12)


def test_median_bounds_are_the_ones_r_used(ref, strat):
    raked = pd.Series(ref["rake_strat"]["weights"])
    counts = np.ones(len(raked))
    assert times_median(1.6)(raked, counts) == pytest.approx(ref["trim"]["upper"], rel=1e-13)
    assert times_median(0.45)(raked, counts) == pytest.approx(ref["trim"]["lower"], rel=1e-13)


WEIGHT_SETS = {
    "unweighted": lambda ref, d: None,
    "design": lambda ref, d: d["pw"],
    "raked": lambda ref, d: ref["rake_strat"]["weights"],
    "trimmed_raked": lambda ref, d: ref["trim_rake"]["weights"],
}


@pytest.mark.parametrize("name", list(WEIGHT_SETS))
def test_weighted_estimates_match_svymean(ref, strat, name):
    expected = ref["estimates"][name]
    w = WEIGHT_SETS[name](ref, strat)

    mean = mean_estimate(strat["grade"], w)
    assert rel_diff(mean.estimate, expected["grade_mean"]["estimate"]) < AGREE
    assert rel_diff(mean.se, expected["grade_mean"]["se"]) < AGREE

    share = proportion_estimate(strat["satisfied"], w)
    assert rel_diff(share.estimate, expected["satisfied_share"]["estimate"]) < AGREE
    assert rel_diff(share.se, expected["satisfied_share"]["se"]) < AGREE

    nps = nps_estimate(strat["score"], w)
    assert rel_diff(nps.estimate, 100 * expected["nps_code_mean"]["estimate"]) < AGREE
    assert rel_diff(nps.se, 100 * expected["nps_code_mean"]["se"]) < AGREE


def test_pipeline_from_our_own_weights_matches_r(ref, strat):
    weights = rake(strat, ref["rake_strat"]["margins"], "pw", tol=1e-13, max_iter=1000)
    expected = ref["estimates"]["raked"]["nps_code_mean"]
    nps = nps_estimate(strat["score"], weights)
    assert rel_diff(nps.se, 100 * expected["se"]) < AGREE
