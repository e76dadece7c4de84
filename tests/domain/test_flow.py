"""The question flow: show-if, next question, allowed values and typed replies. Pure, no app."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.demo.surveys import BALIE, TELEFOON, WEBSITE, WHATSAPP
from survey.domain import SurveyDefinition, ValidationError, validate_answers
from survey.domain.flow import (
    SCALES,
    allowed_values,
    is_complete,
    missing_required,
    next_question,
    parse_reply,
    scale,
    visible_answers,
    visible_questions,
)
from survey.domain.validation import validate_answer

balie = SurveyDefinition.from_dict(BALIE)
telefoon = SurveyDefinition.from_dict(TELEFOON)
website = SurveyDefinition.from_dict(WEBSITE)
whatsapp = SurveyDefinition.from_dict(WHATSAPP)
SETTINGS = settings(max_examples=150, deadline=None)


def keys(questions) -> list[str]:
    return [q.key for q in questions]


def test_follow_up_appears_only_after_its_answer():
    assert keys(visible_questions(telefoon, {})) == ["cijfer", "in_een_keer", "toelichting"]
    assert keys(visible_questions(telefoon, {"cijfer": 7})) == [
        "cijfer",
        "in_een_keer",
        "toelichting",
    ]
    assert keys(visible_questions(telefoon, {"cijfer": 6})) == [
        "cijfer",
        "reden",
        "afhandeling",
        "in_een_keer",
        "toelichting",
    ]


def test_next_question_walks_the_survey():
    assert next_question(balie, {}).key == "oordeel"
    assert next_question(balie, {"oordeel": "down"}).key == "reden"
    assert next_question(balie, {"oordeel": "up"}).key == "onderwerp"
    assert next_question(balie, {"oordeel": "up", "onderwerp": "rijbewijs"}) is None
    assert next_question(balie, {"oordeel": "down"}, skipped={"reden"}).key == "onderwerp"
    assert is_complete(balie, {"oordeel": "down"}, skipped={"reden", "onderwerp"})
    assert not is_complete(balie, {"oordeel": "down"}, skipped={"reden"})


def test_a_required_question_cannot_be_skipped():
    assert next_question(balie, {}, skipped={"oordeel"}).key == "oordeel"
    assert not is_complete(balie, {}, skipped={"oordeel", "reden", "onderwerp"})


def test_answers_to_hidden_questions_count_for_nothing():
    answers = {"cijfer": 8, "reden": ["klacht"], "toelichting": "Prima"}
    assert visible_answers(telefoon, answers) == {"cijfer": 8, "toelichting": "Prima"}
    assert next_question(telefoon, answers).key == "in_een_keer"
    validate_answers(telefoon, visible_answers(telefoon, answers))
    assert keys(missing_required(website, {"makkelijk": "yes"})) == ["geholpen"]
    assert missing_required(website, {"geholpen": "no"}) == ()


def test_a_choice_object_counts_by_its_selection():
    definition = SurveyDefinition.from_dict(
        {
            "questions": [
                {"key": "a", "kind": "thumbs", "required": True, "text": "A"},
                {
                    "key": "b",
                    "kind": "choice",
                    "allow_other": True,
                    "options": [{"code": "x", "text": "X"}],
                    "text": "B",
                },
                {
                    "key": "c",
                    "kind": "text",
                    "text": "C",
                    "show_if": {"question": "b", "equals": "other"},
                },
            ]
        }
    )
    answers = {"a": "up", "b": {"selected": "other", "other": "Iets"}}
    assert keys(visible_questions(definition, answers)) == ["a", "b", "c"]


def test_allowed_values_and_scales():
    assert allowed_values(telefoon.question("cijfer")) == tuple(range(1, 11))
    assert allowed_values(whatsapp.question("aanbevelen")) == tuple(range(0, 11))
    assert scale(whatsapp.question("aanbevelen")) == (0, 10)
    assert scale(balie.question("oordeel")) is None
    assert allowed_values(balie.question("oordeel")) == ("up", "down")
    assert allowed_values(website.question("geholpen")) == ("yes", "no", "na")
    reden = telefoon.question("reden")
    assert allowed_values(reden)[-1] == "other" and len(allowed_values(reden)) == 9
    assert allowed_values(telefoon.question("toelichting")) is None
    assert SCALES == {"grade": (1, 10), "nps": (0, 10), "ces": (1, 7)}


@pytest.mark.parametrize(
    ("definition", "key", "reply", "value"),
    [
        (telefoon, "cijfer", "4", 4),
        (telefoon, "cijfer", " 10. ", 10),
        (whatsapp, "aanbevelen", "0", 0),
        (balie, "oordeel", "Ja", "up"),
        (balie, "oordeel", "nee", "down"),
        (balie, "oordeel", "👍🏽", "up"),
        (balie, "oordeel", "2", "down"),
        (website, "geholpen", "JA", "yes"),
        (website, "geholpen", "n.v.t.", "na"),
        (website, "geholpen", "3", "na"),
        (telefoon, "afhandeling", "2", TELEFOON["questions"][2]["options"][1]["code"]),
        (balie, "onderwerp", "rijbewijs", "rijbewijs"),
        (balie, "onderwerp", "Driving licence", "rijbewijs"),
        (telefoon, "reden", "1, 3", ["niet_in_een_keer", "niet_teruggebeld"]),
        (telefoon, "reden", "3 en 1 en 3", ["niet_in_een_keer", "niet_teruggebeld"]),
        (telefoon, "reden", "9", ["other"]),
        (telefoon, "reden", "klacht", ["klacht"]),
        (telefoon, "toelichting", "  Prima geholpen ", "Prima geholpen"),
        (telefoon, "toelichting", "overslaan", None),
        (telefoon, "in_een_keer", "-", None),
    ],
)
def test_typed_replies(definition, key, reply, value):
    question = definition.question(key)
    assert parse_reply(question, reply) == value


@pytest.mark.parametrize(
    ("definition", "key", "reply", "code"),
    [
        (telefoon, "cijfer", "11", "out_of_range"),
        (telefoon, "cijfer", "0", "out_of_range"),
        (telefoon, "cijfer", "7,5", "unclear_reply"),
        (telefoon, "cijfer", "goed", "unclear_reply"),
        (telefoon, "cijfer", "overslaan", "answer_required"),
        (telefoon, "cijfer", "   ", "answer_required"),
        (balie, "oordeel", "misschien", "unclear_reply"),
        (balie, "oordeel", "3", "unclear_reply"),
        (telefoon, "afhandeling", "4", "unclear_reply"),
        (telefoon, "reden", "1, 12", "unclear_reply"),
        (telefoon, "toelichting", "x" * 1001, "too_long"),
    ],
)
def test_unreadable_replies_name_their_problem(definition, key, reply, code):
    with pytest.raises(ValidationError) as caught:
        parse_reply(definition.question(key), reply)
    assert caught.value.code == code
    assert caught.value.field == f"answers.{key}"


# ---- properties over generated surveys


@st.composite
def definitions(draw):
    """A random valid survey: mixed kinds, show-if on earlier questions, some required."""
    count = draw(st.integers(1, 7))
    questions: list[dict] = []
    for i in range(count):
        kind = draw(
            st.sampled_from(["thumbs", "grade", "nps", "ces", "choice", "yes_no_na", "text"])
        )
        q: dict = {"key": f"q{i}", "kind": kind, "text": f"Vraag {i}"}
        if kind == "choice":
            n = draw(st.integers(1, 4))
            q["options"] = [{"code": f"o{j}", "text": f"Optie {j}"} for j in range(n)]
            q["multiple"] = draw(st.booleans())
            q["allow_other"] = draw(st.booleans())
        q["required"] = draw(st.booleans())
        if questions and draw(st.booleans()):
            target = draw(st.sampled_from(questions))
            q["show_if"] = draw(condition_on(target))
        questions.append(q)
    return SurveyDefinition.from_dict({"questions": questions, "satisfied": {"values": ["x"]}})


def condition_on(target: dict):
    kind = target["kind"]
    key = target["key"]
    if kind in SCALES:
        low, high = SCALES[kind]
        return st.builds(
            lambda op, n: {"question": key, op: n},
            st.sampled_from(["lte", "gte", "lt", "gt", "equals"]),
            st.integers(low - 1, high + 1),
        )
    codes = {
        "thumbs": ["up", "down"],
        "yes_no_na": ["yes", "no", "na"],
        "choice": [o["code"] for o in target.get("options", [])] + ["other"],
        "text": ["ja", "x"],
    }[kind]
    return st.one_of(
        st.builds(lambda c: {"question": key, "equals": c}, st.sampled_from(codes)),
        st.builds(
            lambda cs: {"question": key, "in": cs},
            st.lists(st.sampled_from(codes), min_size=1, max_size=3),
        ),
        st.builds(lambda n: {"question": key, "gte": n}, st.integers(0, 10)),
    )


def answer_for(question, draw):
    """A valid answer value for any question."""
    values = allowed_values(question)
    if values is None:
        return draw(st.sampled_from(["ja", "x", "Prima geholpen"]))
    if question.kind == "choice" and question.multiple:
        return sorted(draw(st.sets(st.sampled_from(values), min_size=1)))
    return draw(st.sampled_from(values))


@SETTINGS
@given(definitions(), st.data())
def test_following_the_flow_ends_in_a_valid_complete_answer_set(definition, data):
    answers: dict = {}
    skipped: set[str] = set()
    for _ in range(len(definition.questions) + 1):
        question = next_question(definition, answers, skipped)
        if question is None:
            break
        assert question in visible_questions(definition, answers)
        assert question.key not in answers and question.key not in skipped
        if not question.required and data.draw(st.booleans(), label="skip"):
            skipped.add(question.key)
        else:
            answers[question.key] = answer_for(question, data.draw)
    else:
        pytest.fail("the flow did not end")
    assert is_complete(definition, answers, skipped)
    assert missing_required(definition, answers) == ()
    if answers:
        validated = validate_answers(definition, answers)
        assert {k: a.value for k, a in validated.items()} == answers
    else:
        with pytest.raises(ValidationError) as caught:
            validate_answers(definition, answers)
        assert caught.value.code == "empty_response"


@SETTINGS
@given(definitions(), st.data())
def test_validation_refuses_exactly_the_answers_to_hidden_questions(definition, data):
    """One truth: validate_answers applies show-if as visible_questions does."""
    answers = {
        q.key: answer_for(q, data.draw)
        for q in definition.questions
        if data.draw(st.booleans(), label=f"answer {q.key}")
    }
    shown = {q.key for q in visible_questions(definition, answers)}
    hidden_answered = [
        q.key for q in definition.questions if q.key in answers and q.key not in shown
    ]
    missing = [q.key for q in missing_required(definition, answers)]
    try:
        validate_answers(definition, answers)
    except ValidationError as error:
        assert error.code in ("not_applicable", "missing_answer", "empty_response")
        if error.code == "not_applicable":
            assert error.field == f"answers.{hidden_answered[0]}"
        elif error.code == "missing_answer":
            assert error.field.removeprefix("answers.") in missing
        else:
            assert answers == {}
    else:
        assert hidden_answered == [] and missing == []
    validate_or_empty = visible_answers(definition, answers)
    if validate_or_empty and not missing:
        validate_answers(definition, validate_or_empty)


@SETTINGS
@given(definitions(), st.data())
def test_every_offered_value_reads_back_from_its_reply(definition, data):
    """What a conversation offers (the value, or its number) parses back to that value."""
    question = data.draw(st.sampled_from(definition.questions))
    values = allowed_values(question)
    if values is None:
        return
    position = data.draw(st.integers(0, len(values) - 1))
    value = values[position]
    reply = str(value) if question.kind in SCALES else str(position + 1)
    parsed = parse_reply(question, reply)
    assert parsed == ([value] if question.multiple else value)
    assert validate_answer(question, parsed).value == parsed


@pytest.mark.parametrize(
    "show_if",
    [
        {"question": "a", "lte": "6"},
        {"question": "a", "gt": True},
        {"question": "a", "in": "up"},
        {"question": "a", "in": [["up"]]},
        {"question": "a", "equals": ["up"]},
        {"question": "a", "equals": None},
    ],
)
def test_conditions_the_browser_would_read_differently_are_refused(show_if):
    """A comparison with a text, or a list where a code belongs, is refused when saved."""
    with pytest.raises(ValidationError) as caught:
        SurveyDefinition.from_dict(
            {
                "questions": [
                    {"key": "a", "kind": "grade", "text": "A"},
                    {"key": "b", "kind": "text", "text": "B", "show_if": show_if},
                ]
            }
        )
    assert caught.value.code == "invalid_definition"


def test_true_is_not_one_in_a_condition():
    definition = SurveyDefinition.from_dict(
        {
            "questions": [
                {"key": "a", "kind": "grade", "text": "A"},
                {
                    "key": "b",
                    "kind": "text",
                    "text": "B",
                    "show_if": {"question": "a", "equals": 1},
                },
            ]
        }
    )
    assert keys(visible_questions(definition, {"a": True})) == ["a"]
    assert keys(visible_questions(definition, {"a": 1})) == ["a", "b"]
