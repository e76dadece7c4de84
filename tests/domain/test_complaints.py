"""The complaint reason: its flag in a definition, the editor's check, the rule in Python and
(with node) in static/js/flow.js, and the address the kiosk shows."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from survey.demo.surveys import BALIE, TELEFOON
from survey.domain import SurveyDefinition, ValidationError
from survey.domain.checks import check_definition
from survey.domain.complaints import (
    complaint_chosen,
    complaint_options,
    complaint_options_in,
    short_address,
)
from survey.domain.templates import TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
FLOW_JS = ROOT / "static" / "js" / "flow.js"

REASONS = {
    "key": "reden",
    "kind": "choice",
    "multiple": True,
    "text": {"nl": "Wat ging er niet goed?"},
    "options": [
        {"code": "lang_wachten", "text": {"nl": "Lang wachten"}},
        {"code": "klacht", "text": {"nl": "Ik wil een klacht indienen"}, "complaint": True},
    ],
}
SURVEY = {
    "headline": "oordeel",
    "questions": [
        {"key": "oordeel", "kind": "thumbs", "required": True, "text": {"nl": "Tevreden?"}},
        REASONS,
        {"key": "soort", "kind": "choice", "text": {"nl": "Soort"},
         "options": [{"code": "klacht", "text": {"nl": "Klacht (geen reden)"}}]},
    ],
}  # fmt: skip


def test_the_flag_survives_a_round_trip_and_is_left_out_when_false():
    parsed = SurveyDefinition.from_dict(SURVEY)
    assert [o.complaint for o in parsed.question("reden").options] == [False, True]
    stored = parsed.to_dict()
    assert stored["questions"][1]["options"][1] == {
        "code": "klacht", "text": {"nl": "Ik wil een klacht indienen"}, "complaint": True
    }
    assert "complaint" not in stored["questions"][1]["options"][0]
    assert SurveyDefinition.from_dict(stored) == parsed


@pytest.mark.parametrize("bad", ["yes", 1, None, [True]])
def test_a_flag_that_is_not_a_boolean_is_refused(bad):
    data = json.loads(json.dumps(SURVEY))
    data["questions"][1]["options"][0]["complaint"] = bad
    with pytest.raises(ValidationError) as error:
        SurveyDefinition.from_dict(data)
    assert error.value.field == "questions[1].options[0].complaint"
    problems = check_definition(data)
    assert [(p.code, p.field) for p in problems] == [
        ("complaint_invalid", "questions[1].options[0].complaint")
    ]


def test_only_one_option_of_a_survey_is_the_complaint_reason():
    assert check_definition(SURVEY) == []
    data = json.loads(json.dumps(SURVEY))
    data["questions"][2]["options"][0]["complaint"] = True
    assert [(p.code, p.field) for p in check_definition(data)] == [
        ("complaint_once", "questions[2].options[0].complaint")
    ]


def test_complaint_chosen_by_a_list_or_a_single_value():
    parsed = SurveyDefinition.from_dict(SURVEY)
    assert complaint_options(parsed) == {("reden", "klacht")}
    assert complaint_options_in(SURVEY) == {("reden", "klacht")}
    assert complaint_chosen(parsed, {"oordeel": "down", "reden": ["lang_wachten", "klacht"]})
    assert not complaint_chosen(parsed, {"oordeel": "down", "reden": ["lang_wachten"]})
    # the same code in a question whose option is not flagged does not count
    assert not complaint_chosen(parsed, {"oordeel": "down", "soort": "klacht"})
    assert not complaint_chosen(parsed, {})
    single = json.loads(json.dumps(SURVEY))
    single["questions"][1].pop("multiple")
    assert complaint_chosen(SurveyDefinition.from_dict(single), {"reden": "klacht"})


def test_templates_and_demo_surveys_flag_their_complaint_reason():
    den_haag = SurveyDefinition.from_dict(TEMPLATES["den_haag_telefoon"].definition)
    assert complaint_options(den_haag) == {("reden", "klacht")}
    option = next(o for o in den_haag.question("reden").options if o.complaint)
    assert option.text == {"nl": "Ik wil een klacht indienen", "en": "I want to make a complaint"}
    for demo in (BALIE, TELEFOON):
        assert complaint_options(SurveyDefinition.from_dict(demo)) == {("reden", "klacht")}
    for key, found in TEMPLATES.items():
        assert len(complaint_options(SurveyDefinition.from_dict(found.definition))) <= 1, key


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.voorbeeld.nl/klacht", ("https://www.voorbeeld.nl/klacht",
                                              "www.voorbeeld.nl/klacht")),
        ("https://voorbeeld.nl/klacht/", ("https://voorbeeld.nl/klacht/", "voorbeeld.nl/klacht")),
        ("https://www.voorbeeld.nl/bestuur/klachten-en-bezwaar/klacht-indienen",
         ("https://kto.voorbeeld.nl/k/demo", "kto.voorbeeld.nl/k/demo")),
    ],
)  # fmt: skip
def test_short_address_on_the_kiosk(url, expected):
    assert short_address(url, "https://kto.voorbeeld.nl/k/demo") == expected


NODE = r"""
const fs = require("fs"), vm = require("vm");
const flow = vm.runInNewContext("(function () {" + fs.readFileSync(process.argv[1], "utf8") +
  "\n return {complaintChosen: complaintChosen}; })()");
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map(c => flow.complaintChosen(c.q, c.a))));
"""


def test_browser_rule_agrees_with_python():
    node = shutil.which("node")
    assert node, "node is needed to test static/js/flow.js"
    parsed = SurveyDefinition.from_dict(SURVEY)
    answer_sets = [
        {"reden": ["klacht"]}, {"reden": ["lang_wachten"]}, {"reden": ["lang_wachten", "klacht"]},
        {"soort": "klacht"}, {"oordeel": "down"}, {}, {"reden": "klacht"}, {"reden": None},
    ]  # fmt: skip
    served = [{"q": parsed.to_dict()["questions"], "a": a} for a in answer_sets]
    done = subprocess.run(
        [node, "-e", NODE, str(FLOW_JS)], input=json.dumps(served), capture_output=True,
        text=True, timeout=60, check=True,
    )  # fmt: skip
    assert json.loads(done.stdout) == [complaint_chosen(parsed, a) for a in answer_sets]
    assert json.loads(done.stdout) == [True, False, True, False, False, False, True, False]
