"""Answer validation and storage rows: pure, no app needed."""

import pytest

from survey.demo.surveys import BALIE, TELEFOON, WEBSITE, WHATSAPP
from survey.domain import SurveyDefinition, ValidationError, validate_answers
from survey.domain.flow import Condition
from survey.domain.validation import AnswerRow, answer_rows, headline_outcome

balie = SurveyDefinition.from_dict(BALIE)
telefoon = SurveyDefinition.from_dict(TELEFOON)
website = SurveyDefinition.from_dict(WEBSITE)
whatsapp = SurveyDefinition.from_dict(WHATSAPP)


def codes(definition, answers):
    with pytest.raises(ValidationError) as caught:
        validate_answers(definition, answers)
    return caught.value.code, caught.value.field


def test_show_if_follow_up_only_after_thumbs_down():
    assert validate_answers(balie, {"oordeel": "down", "reden": ["klacht"]})["reden"].value == [
        "klacht"
    ]
    assert codes(balie, {"oordeel": "up", "reden": ["klacht"]}) == (
        "not_applicable",
        "answers.reden",
    )


def test_grade_follow_ups_only_at_six_or_lower():
    assert "reden" in validate_answers(telefoon, {"cijfer": 6, "reden": ["lang_wachten"]})
    assert codes(telefoon, {"cijfer": 7, "reden": ["lang_wachten"]})[0] == "not_applicable"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"cijfer": 0}, "out_of_range"),
        ({"cijfer": 11}, "out_of_range"),
        ({"cijfer": 7.0}, "wrong_type"),
        ({"cijfer": False}, "wrong_type"),
        ({"cijfer": None, "in_een_keer": "yes"}, "missing_answer"),
        ({"cijfer": 5, "reden": []}, "wrong_type"),
        ({"cijfer": 5, "reden": ["bestaat_niet"]}, "invalid_option"),
        ({"cijfer": 5, "reden": {"selected": ["klacht"], "other": "x"}}, "invalid_option"),
        ({"cijfer": 5, "reden": {"selected": ["other"], "extra": 1}}, "wrong_type"),
        ({"cijfer": 5, "afhandeling": ["direct", "doorverbonden"]}, "wrong_type"),
        ({"cijfer": 8, "in_een_keer": "misschien"}, "invalid_option"),
        ({"cijfer": 8, "toelichting": 12}, "wrong_type"),
        ({"cijfer": 8, "toelichting": "x" * 1001}, "too_long"),
        ({"cijfer": 8, "kleur": "blauw"}, "unknown_question"),
        ({}, "empty_response"),
    ],
)
def test_wrong_answers_name_their_problem(answers, expected):
    assert codes(telefoon, answers)[0] == expected


def test_nps_range_is_zero_to_ten():
    assert validate_answers(whatsapp, {"oordeel": "up", "aanbevelen": 0})["aanbevelen"].value == 0
    assert codes(whatsapp, {"oordeel": "up", "aanbevelen": 11})[0] == "out_of_range"


def test_multiple_choice_is_sorted_and_other_text_kept():
    answers = validate_answers(
        telefoon, {"cijfer": 2, "reden": {"selected": ["other", "klacht"], "other": " Te laat "}}
    )
    assert answers["reden"].value == ["klacht", "other"]
    assert answer_rows(telefoon, answers) == [
        AnswerRow("cijfer", number=2),
        AnswerRow("reden", option="klacht"),
        AnswerRow("reden", option="other", text="Te laat"),
    ]


def test_headline_outcome():
    assert headline_outcome(telefoon, validate_answers(telefoon, {"cijfer": 7})) == (7, True)
    assert headline_outcome(balie, validate_answers(balie, {"oordeel": "down"})) == (None, False)
    na = validate_answers(website, {"geholpen": "na"})
    assert headline_outcome(website, na) == (None, None)


def test_blank_text_is_not_stored():
    answers = validate_answers(telefoon, {"cijfer": 8, "toelichting": "   "})
    assert "toelichting" not in answers


@pytest.mark.parametrize(
    ("raw", "answers", "holds"),
    [
        ({"question": "q", "lte": 6}, {"q": 6}, True),
        ({"question": "q", "lte": 6}, {"q": 7}, False),
        ({"question": "q", "gte": 9}, {"q": 9}, True),
        ({"question": "q", "lt": 3}, {"q": 3}, False),
        ({"question": "q", "gt": 3}, {"q": 4}, True),
        ({"question": "q", "equals": "down"}, {"q": "down"}, True),
        ({"question": "q", "in": ["a", "b"]}, {"q": ["c", "b"]}, True),
        ({"question": "q", "in": ["a", "b"]}, {"q": "c"}, False),
        ({"question": "q", "lte": 6}, {}, False),
        ({"question": "q", "lte": 6}, {"q": "down"}, False),
    ],
)
def test_conditions(raw, answers, holds):
    condition = Condition.from_dict(raw)
    assert condition.holds(answers) is holds
    assert Condition.from_dict(condition.to_dict()) == condition
