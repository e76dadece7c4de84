"""Survey definitions as plain immutable values, built from and turned back into plain dicts."""

from __future__ import annotations

from dataclasses import dataclass, field

from survey.domain.errors import ValidationError
from survey.domain.flow import Condition

QUESTION_KINDS = ("thumbs", "grade", "nps", "ces", "choice", "yes_no_na", "text")

TEXT_MAX_LENGTH = 2000

# What counts as satisfied when a survey does not say otherwise.
DEFAULT_SATISFIED = {
    "thumbs": {"values": ["up"]},
    "grade": {"min": 7},
    "nps": {"min": 9},
    "ces": {"min": 6},  # top-2 box on 1..7
    "yes_no_na": {"values": ["yes"]},
}


@dataclass(frozen=True)
class Option:
    code: str
    text: dict[str, str]
    # "I want to make a complaint": the thank-you screen points to the complaint page.
    complaint: bool = False

    def to_dict(self) -> dict:
        data = {"code": self.code, "text": dict(self.text)}
        if self.complaint:
            data["complaint"] = True
        return data


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    text: dict[str, str]
    required: bool = False
    options: tuple[Option, ...] = ()
    multiple: bool = False
    allow_other: bool = False
    show_if: Condition | None = None
    max_length: int = TEXT_MAX_LENGTH

    def label(self, language: str = "nl") -> str:
        return self.text.get(language) or self.text.get("nl") or self.key

    def to_dict(self) -> dict:
        data: dict = {"key": self.key, "kind": self.kind, "text": dict(self.text)}
        if self.required:
            data["required"] = True
        if self.options:
            data["options"] = [o.to_dict() for o in self.options]
        if self.multiple:
            data["multiple"] = True
        if self.allow_other:
            data["allow_other"] = True
        if self.show_if is not None:
            data["show_if"] = self.show_if.to_dict()
        if self.kind == "text" and self.max_length != TEXT_MAX_LENGTH:
            data["max_length"] = self.max_length
        return data


@dataclass(frozen=True)
class SatisfiedRule:
    """Which headline answers count as satisfied: a set of values or a minimum score."""

    values: frozenset[str] = frozenset()
    min: int | None = None

    def is_satisfied(self, value) -> bool | None:
        if value is None:
            return None
        if self.min is not None:
            return isinstance(value, int) and value >= self.min
        return value in self.values

    def to_dict(self) -> dict:
        if self.min is not None:
            return {"min": self.min}
        return {"values": sorted(self.values)}


@dataclass(frozen=True)
class SurveyDefinition:
    """One immutable version of a survey: its questions, headline and satisfied rule."""

    questions: tuple[Question, ...]
    headline: str
    satisfied: SatisfiedRule
    title: dict[str, str] = field(default_factory=dict)

    def question(self, key: str) -> Question | None:
        return self._index().get(key)

    def _index(self) -> dict[str, Question]:
        return {q.key: q for q in self.questions}

    @property
    def headline_question(self) -> Question:
        return self._index()[self.headline]

    def to_dict(self) -> dict:
        return {
            "title": dict(self.title),
            "headline": self.headline,
            "satisfied": self.satisfied.to_dict(),
            "questions": [q.to_dict() for q in self.questions],
        }

    @classmethod
    def from_dict(cls, data: dict) -> SurveyDefinition:
        return parse_definition(data)


def _texts(raw, field_name: str) -> dict[str, str]:
    if isinstance(raw, str):
        raw = {"nl": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("nl"), str) or not raw["nl"].strip():
        raise ValidationError("invalid_definition", "A Dutch text ('nl') is required.", field_name)
    return {lang: str(text) for lang, text in raw.items() if lang in ("nl", "en")}


def _options(raw, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list):
        raise ValidationError("invalid_definition", "Options are a list.", f"{where}.options")
    options: list[Option] = []
    for j, o in enumerate(raw):
        code = o.get("code") if isinstance(o, dict) else None
        if not isinstance(code, str | int) or isinstance(code, bool) or str(code) == "":
            raise ValidationError(
                "invalid_definition", "An option needs a code.", f"{where}.options[{j}].code"
            )
        if any(str(code) == known.code for known in options):
            raise ValidationError(
                "invalid_definition",
                f"Duplicate option code '{code}'.",
                f"{where}.options[{j}].code",
            )
        complaint = o.get("complaint", False)
        if not isinstance(complaint, bool):
            raise ValidationError(
                "invalid_definition",
                "'complaint' is true or false.",
                f"{where}.options[{j}].complaint",
            )
        options.append(
            Option(
                code=str(code),
                text=_texts(o.get("text"), f"{where}.options"),
                complaint=complaint,
            )
        )
    return tuple(options)


def _question(raw: dict, position: int, earlier: dict[str, Question]) -> Question:
    where = f"questions[{position}]"
    if not isinstance(raw, dict):
        raise ValidationError("invalid_definition", "A question must be an object.", where)
    key = raw.get("key")
    if not isinstance(key, str) or not key.isidentifier() or len(key) > 40:
        raise ValidationError(
            "invalid_definition", "A question key is a short identifier.", f"{where}.key"
        )
    if key in earlier:
        raise ValidationError("invalid_definition", f"Duplicate question key '{key}'.", where)
    kind = raw.get("kind")
    if kind not in QUESTION_KINDS:
        raise ValidationError(
            "invalid_definition",
            f"Unknown question kind '{kind}'; use one of {', '.join(QUESTION_KINDS)}.",
            f"{where}.kind",
        )
    options = _options(raw.get("options", []), where)
    if kind == "choice" and not options:
        raise ValidationError("invalid_definition", "A choice needs options.", f"{where}.options")
    show_if = None
    if raw.get("show_if") is not None:
        show_if = Condition.from_dict(raw["show_if"])
        if show_if.question not in earlier:
            raise ValidationError(
                "invalid_definition",
                f"show_if must refer to an earlier question, not '{show_if.question}'.",
                f"{where}.show_if",
            )
    return Question(
        key=key,
        kind=kind,
        text=_texts(raw.get("text"), f"{where}.text"),
        required=bool(raw.get("required", False)),
        options=options,
        multiple=bool(raw.get("multiple", False)),
        allow_other=bool(raw.get("allow_other", False)),
        show_if=show_if,
        max_length=min(int(raw.get("max_length", TEXT_MAX_LENGTH)), TEXT_MAX_LENGTH),
    )


def parse_definition(data: dict) -> SurveyDefinition:
    """Build a definition from its dict form, refusing anything inconsistent."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise ValidationError("invalid_definition", "A survey needs a list of questions.")
    questions: dict[str, Question] = {}
    for position, raw in enumerate(data["questions"]):
        question = _question(raw, position, questions)
        questions[question.key] = question
    if not questions:
        raise ValidationError("invalid_definition", "A survey needs at least one question.")
    headline = data.get("headline") or next(iter(questions))
    if headline not in questions:
        raise ValidationError("invalid_definition", f"Unknown headline '{headline}'.", "headline")
    kind = questions[headline].kind
    rule_raw = data.get("satisfied") or DEFAULT_SATISFIED.get(kind)
    if not rule_raw:
        raise ValidationError(
            "invalid_definition",
            f"Say what counts as satisfied for a {kind} headline.",
            "satisfied",
        )
    rule = SatisfiedRule(
        values=frozenset(rule_raw.get("values", ())),
        min=rule_raw.get("min"),
    )
    title = data.get("title") or {}
    return SurveyDefinition(
        questions=tuple(questions.values()), headline=headline, satisfied=rule, title=dict(title)
    )
