"""Answer validation against one survey version: types, ranges, show-if and required answers."""

from __future__ import annotations

from dataclasses import dataclass

from survey.domain.definition import Question, SurveyDefinition
from survey.domain.errors import ValidationError
from survey.domain.flow import OTHER, SCALES, allowed_values, is_shown


@dataclass(frozen=True)
class Answer:
    """A validated answer: a score, a code, a list of codes or a text, and any 'other' text."""

    value: object
    other_text: str | None = None


@dataclass(frozen=True)
class AnswerRow:
    """How one answer is stored: one row per score, text or selected option."""

    question: str
    number: int | None = None
    option: str | None = None
    text: str | None = None


def _fail(code: str, message: str, key: str) -> ValidationError:
    return ValidationError(code, message, f"answers.{key}")


def _clean_text(raw, question: Question) -> str:
    if not isinstance(raw, str):
        raise _fail("wrong_type", "This answer must be text.", question.key)
    text = raw.strip()
    if len(text) > question.max_length:
        raise _fail(
            "too_long",
            f"Text is longer than {question.max_length} characters.",
            question.key,
        )
    return text


def _score(raw, question: Question) -> int:
    low, high = SCALES[question.kind]
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _fail("wrong_type", f"This answer must be a whole number {low}-{high}.", question.key)
    if not low <= raw <= high:
        raise _fail("out_of_range", f"Score must be between {low} and {high}.", question.key)
    return raw


def _code(raw, allowed, question: Question) -> str:
    if not isinstance(raw, str):
        raise _fail("wrong_type", "This answer must be one of the given codes.", question.key)
    if raw not in allowed:
        raise _fail(
            "invalid_option",
            f"'{raw[:40]}' is not an option; use one of {', '.join(sorted(allowed))}.",
            question.key,
        )
    return raw


def _choice(raw, question: Question) -> Answer:
    other_text = None
    if isinstance(raw, dict):
        if set(raw) - {"selected", "other"}:
            raise _fail("wrong_type", "A choice object has 'selected' and 'other'.", question.key)
        if "other" in raw and raw["other"] is not None:
            if not question.allow_other:
                raise _fail("invalid_option", "This question has no 'other' field.", question.key)
            other_text = _clean_text(raw["other"], question) or None
        raw = raw.get("selected")
    allowed = set(allowed_values(question))
    if question.multiple:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            raise _fail("wrong_type", "Choose one or more options.", question.key)
        codes = [_code(c, allowed, question) for c in raw]
        if len(set(codes)) != len(codes):
            raise _fail("invalid_option", "An option was chosen twice.", question.key)
        value: object = sorted(codes)
    else:
        value = _code(raw, allowed, question)
    selected = value if isinstance(value, list) else [value]
    if other_text and OTHER not in selected:
        raise _fail("invalid_option", "'other' text needs the option 'other'.", question.key)
    return Answer(value=value, other_text=other_text)


def validate_answer(question: Question, raw) -> Answer:
    """Check one raw answer against its question and return its canonical form."""
    kind = question.kind
    if kind in SCALES:
        return Answer(_score(raw, question))
    if kind in ("thumbs", "yes_no_na"):
        return Answer(_code(raw, allowed_values(question), question))
    if kind == "text":
        return Answer(_clean_text(raw, question))
    return _choice(raw, question)


def validate_answers(
    definition: SurveyDefinition, raw_answers, partial: bool = False
) -> dict[str, Answer]:
    """Validate a whole set of answers in question order; raise on the first problem.

    `partial`: the answers so far of a flow that asks one question at a time (the link page),
    so a required question further on may still be unanswered.

    Whether a question applies is the flow's show-if rule (`flow.is_shown`), read against the
    valid answers to the questions before it, as `flow.visible_questions` reads it.
    """
    if not isinstance(raw_answers, dict):
        raise ValidationError("wrong_type", "answers must be an object.", "answers")
    for key in raw_answers:
        if definition.question(key) is None:
            raise _fail("unknown_question", f"This survey has no question '{key[:40]}'.", key)
    given = {k: v for k, v in raw_answers.items() if v is not None and v != ""}
    if not given:
        raise ValidationError("empty_response", "A response needs at least one answer.", "answers")
    valid: dict[str, Answer] = {}
    for question in definition.questions:
        raw = given.get(question.key)
        plain = {k: a.value for k, a in valid.items()}
        applies = is_shown(question, plain)
        if raw is None:
            if applies and question.required and not partial:
                raise _fail("missing_answer", "This question needs an answer.", question.key)
            continue
        if not applies:
            raise _fail(
                "not_applicable",
                "This question is only asked after another answer, which was not given.",
                question.key,
            )
        answer = validate_answer(question, raw)
        if answer.value != "" or answer.other_text:
            valid[question.key] = answer
    return valid


def answer_rows(definition: SurveyDefinition, answers: dict[str, Answer]) -> list[AnswerRow]:
    """Flatten validated answers into storage rows: one per score, text or selected option."""
    rows: list[AnswerRow] = []
    for key, answer in answers.items():
        kind = definition.question(key).kind
        value = answer.value
        if kind in SCALES:
            rows.append(AnswerRow(key, number=value))
        elif kind == "text":
            rows.append(AnswerRow(key, text=value))
        else:
            codes = value if isinstance(value, list) else [value]
            rows.extend(
                AnswerRow(key, option=code, text=answer.other_text if code == OTHER else None)
                for code in codes
            )
    return rows


def headline_outcome(
    definition: SurveyDefinition, answers: dict[str, Answer]
) -> tuple[int | None, bool | None]:
    """The headline score (numeric kinds only) and whether the respondent counts as satisfied."""
    answer = answers.get(definition.headline)
    if answer is None:
        return None, None
    value = answer.value
    if definition.headline_question.kind == "yes_no_na" and value == "na":
        return None, None
    score = value if isinstance(value, int) else None
    return score, definition.satisfied.is_satisfied(value)
