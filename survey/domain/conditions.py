"""Show-if conditions: a question is asked only when an earlier answer meets a condition."""

from __future__ import annotations

from dataclasses import dataclass

from survey.domain.errors import ValidationError

OPERATORS = ("equals", "in", "lte", "gte", "lt", "gt")


@dataclass(frozen=True)
class Condition:
    question: str
    operator: str
    value: object

    def holds(self, answers: dict) -> bool:
        """True when the earlier answer meets the condition; a missing answer never does."""
        given = answers.get(self.question)
        if given is None:
            return False
        values = given if isinstance(given, list) else [given]
        return any(self._match(v) for v in values)

    def _match(self, given) -> bool:
        op, target = self.operator, self.value
        if op == "equals":
            return given == target
        if op == "in":
            return given in target
        if isinstance(given, bool) or not isinstance(given, int | float):
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
            if not isinstance(value, list):
                raise ValidationError("invalid_definition", "'in' takes a list.", "show_if")
            value = tuple(value)
        return cls(question=raw["question"], operator=op, value=value)
