"""Survey definitions: parsing, defaults and refusal of inconsistent surveys."""

import pytest

from survey.demo.surveys import BALIE, SURVEYS, TELEFOON
from survey.domain import SurveyDefinition, ValidationError


def test_demo_surveys_parse_and_round_trip():
    for _slug, _name, definition, _settings in SURVEYS:
        parsed = SurveyDefinition.from_dict(definition)
        assert SurveyDefinition.from_dict(parsed.to_dict()) == parsed


def test_default_satisfied_rules_per_headline_kind():
    def rule(kind, **extra):
        question = {"key": "q", "kind": kind, "text": "Vraag", **extra}
        return SurveyDefinition.from_dict({"questions": [question]}).satisfied

    assert rule("thumbs").is_satisfied("up") is True
    assert rule("thumbs").is_satisfied("down") is False
    assert rule("grade").is_satisfied(7) is True
    assert rule("grade").is_satisfied(6) is False
    assert rule("ces").is_satisfied(6) is True and rule("ces").is_satisfied(5) is False
    assert rule("nps").is_satisfied(9) is True and rule("nps").is_satisfied(8) is False
    assert rule("yes_no_na").is_satisfied("yes") is True


def test_configured_satisfied_threshold_wins():
    definition = SurveyDefinition.from_dict({**TELEFOON, "satisfied": {"min": 8}})
    assert definition.satisfied.is_satisfied(7) is False
    assert definition.satisfied.is_satisfied(8) is True


def test_headline_defaults_to_first_question():
    definition = SurveyDefinition.from_dict({"questions": BALIE["questions"]})
    assert definition.headline == "oordeel"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"questions": []}, None),
        ({"questions": [{"key": "a b", "kind": "thumbs", "text": "x"}]}, "questions[0].key"),
        ({"questions": [{"key": "a", "kind": "stars", "text": "x"}]}, "questions[0].kind"),
        ({"questions": [{"key": "a", "kind": "thumbs", "text": {"en": "x"}}]}, "questions[0].text"),
        ({"questions": [{"key": "a", "kind": "choice", "text": "x"}]}, "questions[0].options"),
        (
            {
                "questions": [
                    {"key": "a", "kind": "thumbs", "text": "x",
                     "show_if": {"question": "b", "equals": "up"}},
                    {"key": "b", "kind": "thumbs", "text": "y"},
                ]
            },
            "questions[0].show_if",
        ),
        ({"questions": [{"key": "a", "kind": "text", "text": "x"}]}, "satisfied"),
        ({"questions": [{"key": "a", "kind": "thumbs", "text": "x"}], "headline": "z"},
         "headline"),
    ],
)
def test_inconsistent_definitions_are_refused(change, field):
    with pytest.raises(ValidationError) as caught:
        SurveyDefinition.from_dict(change)
    assert caught.value.code == "invalid_definition"
    assert caught.value.field == field


def test_duplicate_keys_are_refused():
    question = {"key": "a", "kind": "thumbs", "text": "x"}
    with pytest.raises(ValidationError, match="Duplicate"):
        SurveyDefinition.from_dict({"questions": [question, question]})


def test_duplicate_or_missing_option_codes_are_refused_at_the_option():
    question = {
        "key": "q",
        "kind": "choice",
        "text": "Vraag",
        "options": [{"code": "a", "text": "A"}, {"code": "a", "text": "B"}],
    }
    with pytest.raises(ValidationError) as refused:
        SurveyDefinition.from_dict({"questions": [question], "satisfied": {"values": ["a"]}})
    assert refused.value.field == "questions[0].options[1].code"
    question["options"][1] = {"text": "B"}
    with pytest.raises(ValidationError) as refused:
        SurveyDefinition.from_dict({"questions": [question], "satisfied": {"values": ["a"]}})
    assert refused.value.field == "questions[0].options[1].code"
