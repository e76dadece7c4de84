"""The question flow: which questions are shown, which comes next, what each one accepts.

The server's one truth for every front end that asks questions itself: a conversation that
asks one question per message (WhatsApp, SMS) and a server-rendered link page (all questions
on one page, or one at a time). `validate_answers` applies the same show-if rule. The kiosk
and the widget, which work offline, evaluate the same rule in the browser from
`static/js/flow.js`; `tests/domain/flow_cases.json` runs the same cases through both.

Answers here are plain values by question key, as the API takes them and as `Answer.value`
holds them: a score (int), a code (str), a list of codes, or a text. A choice given as
``{"selected": ..., "other": ...}`` counts by its selection. ``None`` and ``""`` mean "not
answered".

The show-if rule: questions are read in order; a question without a condition is shown; a
question with one is shown when the condition holds for the answers to the questions shown
*before* it (an answer to a question that is not shown counts for nothing). A condition on
an unanswered question never holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.domain.errors import ValidationError

if TYPE_CHECKING:  # the definition module builds on this one, not the other way round
    from survey.domain.definition import Question, SurveyDefinition

# Inclusive score ranges for the numeric kinds.
SCALES = {"grade": (1, 10), "nps": (0, 10), "ces": (1, 7)}
THUMBS = ("up", "down")
YES_NO_NA = ("yes", "no", "na")
OTHER = "other"

OPERATORS = ("equals", "in", "lte", "gte", "lt", "gt")
COMPARISONS = ("lte", "gte", "lt", "gt")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(given, target) -> bool:
    """Equality as the browser's ``===`` sees it for JSON values: true is not 1."""
    if isinstance(given, bool) or isinstance(target, bool):
        return given is target
    return given == target


@dataclass(frozen=True)
class Condition:
    """A show-if condition: the answer to an earlier question meets one comparison."""

    question: str
    operator: str
    value: object

    def holds(self, answers: Mapping[str, object]) -> bool:
        """True when the earlier answer meets the condition; a missing answer never does.

        A list answer (multiple choice) holds when any of its codes does.
        """
        given = plain(answers.get(self.question))
        if not is_answered(given):
            return False
        values = given if isinstance(given, list) else [given]
        return any(self._match(v) for v in values)

    def _match(self, given) -> bool:
        op, target = self.operator, self.value
        if op == "equals":
            return _same(given, target)
        if op == "in":
            return any(_same(given, t) for t in target)
        if not _is_number(given):
            return False
        return {
            "lte": given <= target,
            "gte": given >= target,
            "lt": given < target,
            "gt": given > target,
        }[op]

    def to_dict(self) -> dict:
        value = list(self.value) if self.operator == "in" else self.value
        return {"question": self.question, self.operator: value}

    @classmethod
    def from_dict(cls, raw: dict) -> Condition:
        if not isinstance(raw, dict) or not isinstance(raw.get("question"), str):
            raise ValidationError("invalid_definition", "show_if needs a question.", "show_if")
        ops = [op for op in OPERATORS if op in raw]
        if len(ops) != 1:
            raise ValidationError(
                "invalid_definition",
                f"show_if needs exactly one of {', '.join(OPERATORS)}.",
                "show_if",
            )
        op = ops[0]
        value = raw[op]
        if op == "in":
            if not isinstance(value, list) or not all(_is_scalar(v) for v in value):
                raise ValidationError(
                    "invalid_definition", "'in' takes a list of codes or numbers.", "show_if"
                )
            value = tuple(value)
        elif op in COMPARISONS and not _is_number(value):
            raise ValidationError("invalid_definition", f"'{op}' takes a number.", "show_if")
        elif op == "equals" and not _is_scalar(value):
            raise ValidationError(
                "invalid_definition", "'equals' takes a code or a number.", "show_if"
            )
        return cls(question=raw["question"], operator=op, value=value)


def _is_scalar(value) -> bool:
    return isinstance(value, str) or _is_number(value)


def plain(value):
    """The value a condition reads: a choice object counts by its selection."""
    if isinstance(value, dict):
        return value.get("selected")
    return value


def is_answered(value) -> bool:
    return value is not None and value != ""


def is_shown(question: Question, earlier: Mapping[str, object]) -> bool:
    """Whether a question is shown, given the answers to the questions shown before it."""
    return question.show_if is None or question.show_if.holds(earlier)


def visible_questions(
    definition: SurveyDefinition, answers: Mapping[str, object]
) -> tuple[Question, ...]:
    """The questions shown for these answers, in order."""
    shown: list[Question] = []
    counted: dict[str, object] = {}
    for question in definition.questions:
        if is_shown(question, counted):
            shown.append(question)
            if is_answered(answers.get(question.key)):
                counted[question.key] = answers[question.key]
    return tuple(shown)


def visible_answers(definition: SurveyDefinition, answers: Mapping[str, object]) -> dict:
    """Only the answers to shown questions (a one-page form may send the hidden ones too)."""
    return {
        q.key: answers[q.key]
        for q in visible_questions(definition, answers)
        if is_answered(answers.get(q.key))
    }


def next_question(
    definition: SurveyDefinition,
    answers: Mapping[str, object],
    skipped: Iterable[str] = (),
) -> Question | None:
    """The first shown question that still needs asking, or None when the flow is done.

    `skipped` holds the keys of optional questions the person chose to pass; a required
    question is asked until it is answered.
    """
    passed = frozenset(skipped)
    for question in visible_questions(definition, answers):
        if is_answered(answers.get(question.key)):
            continue
        if question.key in passed and not question.required:
            continue
        return question
    return None


def is_complete(
    definition: SurveyDefinition,
    answers: Mapping[str, object],
    skipped: Iterable[str] = (),
) -> bool:
    """True when nothing is left to ask."""
    return next_question(definition, answers, skipped) is None


def missing_required(
    definition: SurveyDefinition, answers: Mapping[str, object]
) -> tuple[Question, ...]:
    """The shown required questions without an answer (a one-page form's error list)."""
    return tuple(
        q
        for q in visible_questions(definition, answers)
        if q.required and not is_answered(answers.get(q.key))
    )


def allowed_values(question: Question) -> tuple | None:
    """Every value a question accepts, in the order it is offered; None for free text.

    For a coded kind the position in this tuple (from 1) is the number a person may reply
    with. A multiple choice accepts any non-empty set of these codes.
    """
    kind = question.kind
    if kind in SCALES:
        low, high = SCALES[kind]
        return tuple(range(low, high + 1))
    if kind == "thumbs":
        return THUMBS
    if kind == "yes_no_na":
        return YES_NO_NA
    if kind == "choice":
        codes = tuple(o.code for o in question.options)
        return codes + (OTHER,) if question.allow_other and OTHER not in codes else codes
    return None


def scale(question: Question) -> tuple[int, int] | None:
    """The inclusive score range of a numeric question, None for other kinds."""
    return SCALES.get(question.kind)


# Typed replies, Dutch first, English too. Compared after lower-casing and trimming.
SKIP_WORDS = frozenset({"-", "overslaan", "sla over", "skip", "geen", "none"})
REPLY_WORDS = {
    "thumbs": {
        "up": {"ja", "j", "yes", "y", "tevreden", "goed", "satisfied", "👍"},
        "down": {"nee", "n", "no", "niet tevreden", "slecht", "not satisfied", "👎"},
    },
    "yes_no_na": {
        "yes": {"ja", "j", "yes", "y"},
        "no": {"nee", "n", "no"},
        "na": {
            "nvt",
            "n.v.t.",
            "n.v.t",
            "niet van toepassing",
            "weet niet",
            "weet ik niet",
            "n/a",
            "na",
            "not applicable",
            "don't know",
            "dont know",
        },
    },
}
_SPACES = re.compile(r"\s+")
_WHOLE_NUMBER = re.compile(r"^[+]?(\d{1,3})[.!]?$")
_NUMBER_LIST = re.compile(r"^\d{1,3}((\s*,\s*|\s*;\s*|\s+en\s+|\s+and\s+|\s+)\d{1,3})*$")


# Skin tones and the emoji variation selector, so "👍🏽" reads as "👍".
_EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f]")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", _EMOJI_MODIFIERS.sub("", text).strip().lower())


def _unclear(question: Question, message: str) -> ValidationError:
    return ValidationError("unclear_reply", message, f"answers.{question.key}")


def parse_reply(question: Question, text: str):
    """Read a typed reply (one message) as an answer value for this question.

    Returns a value `validate_answer` accepts, or None when the person skips an optional
    question ("overslaan", "-", "skip"). Raises ValidationError: `unclear_reply` when the
    reply cannot be read, `out_of_range` for a score outside the scale, `answer_required`
    for a skip of a required question, `too_long` for text over the limit.

    Scales take the number ("4"); thumbs and yes/no take words ("ja", "nee", "nvt") or the
    option number; a choice takes the option number (see `allowed_values`), its code or its
    text; a multiple choice takes several numbers ("1, 3" or "1 en 3").
    """
    if not isinstance(text, str):
        raise _unclear(question, "A reply is text.")
    said = _norm(text)
    if not said or said in SKIP_WORDS:
        if question.required:
            raise ValidationError(
                "answer_required", "This question needs an answer.", f"answers.{question.key}"
            )
        return None
    kind = question.kind
    if kind == "text":
        reply = text.strip()
        if len(reply) > question.max_length:
            raise ValidationError(
                "too_long",
                f"Text is longer than {question.max_length} characters.",
                f"answers.{question.key}",
            )
        return reply
    if kind in SCALES:
        return _parse_score(question, said)
    allowed = allowed_values(question)
    if kind == "choice" and question.multiple:
        return _parse_codes(question, said, allowed)
    return _parse_code(question, said, allowed)


def _parse_score(question: Question, said: str) -> int:
    low, high = SCALES[question.kind]
    found = _WHOLE_NUMBER.match(said)
    if not found:
        raise _unclear(question, f"Reply with a whole number from {low} to {high}.")
    score = int(found.group(1))
    if not low <= score <= high:
        raise ValidationError(
            "out_of_range", f"Score must be between {low} and {high}.", f"answers.{question.key}"
        )
    return score


def _by_number(said: str, allowed: tuple) -> str | None:
    found = _WHOLE_NUMBER.match(said)
    if found and 1 <= int(found.group(1)) <= len(allowed):
        return allowed[int(found.group(1)) - 1]
    return None


def _by_word(question: Question, said: str, allowed: tuple) -> str | None:
    for code, words in REPLY_WORDS.get(question.kind, {}).items():
        if said in words:
            return code
    for code in allowed:
        if said == code.lower():
            return code
    for option in question.options:
        if said in {_norm(t) for t in option.text.values()}:
            return option.code
    return None


def _parse_code(question: Question, said: str, allowed: tuple) -> str:
    code = _by_number(said, allowed) or _by_word(question, said, allowed)
    if code is None:
        raise _unclear(question, f"Reply with a number from 1 to {len(allowed)}.")
    return code


def _parse_codes(question: Question, said: str, allowed: tuple) -> list[str]:
    if _NUMBER_LIST.match(said):
        numbers = [int(n) for n in re.findall(r"\d+", said)]
        if all(1 <= n <= len(allowed) for n in numbers):
            return sorted({allowed[n - 1] for n in numbers})
        raise _unclear(question, f"Reply with numbers from 1 to {len(allowed)}.")
    code = _by_word(question, said, allowed)
    if code is None:
        raise _unclear(question, f"Reply with one or more numbers from 1 to {len(allowed)}.")
    return [code]
