"""Answers given on the link page, one question at a time, into one response.

The link page (survey/channels/link) asks the questions of a survey one per screen, in the
order of the question flow (survey.domain.flow). Nothing is held back until the end: the
first answer creates the response at once, in one unit of work with the invitation's
completion, under a client UUID derived from the invitation (or, for a plain QR/web link,
from the form the page gave out), so a double tap or a second visit never makes a second
response. Every later answer adds its answer rows to that same response, once per question:
an answer already stored is never changed. A person who stops after the first tap is counted.

The helpers here are shared by the invitation path (survey.services.invitation_link) and the
plain-link path (survey.services.plain_links).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from survey.domain import SurveyDefinition, ValidationError
from survey.domain.flow import allowed_values, next_question, parse_reply
from survey.domain.validation import answer_rows, headline_outcome, validate_answers
from survey.models import Answer, Response
from survey.services import catalogue

# The UUIDs of responses made on the link page are derived from what authorises them.
NAMESPACE = uuid.UUID("6f1c2a52-5d7e-4b0c-9a43-2f3f1f4b6a10")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")
MAX_SKIPPED = 50


def derived_uuid(kind: str, value: str | int) -> uuid.UUID:
    """The response id for an invitation or a handed-out form: the same every time."""
    return uuid.uuid5(NAMESPACE, f"{kind}:{value}")


@dataclass(frozen=True)
class Reply:
    """What a person did on one screen: answered a question (value) or passed it (skipped)."""

    question: str
    value: object = None
    skipped: bool = False


def read_reply(
    definition: SurveyDefinition, question_key: str, values: Sequence[str], other: str = ""
) -> Reply:
    """A posted screen as a Reply, read with the flow's parse_reply (a clear error if unclear).

    `values` are the submitted values of the question's field: one for a button or a text,
    several for the boxes of a multiple choice. No value is a skip (refused when required).
    """
    question = definition.question(question_key)
    if question is None:
        raise ValidationError("unknown_question", "This survey has no such question.", "question")
    given = [v for v in values if isinstance(v, str) and v.strip()]
    if not given and not other.strip():
        parse_reply(question, "")  # raises answer_required for a required question
        return Reply(question.key, skipped=True)
    if question.kind == "choice" and question.multiple:
        codes: set[str] = set()
        for given_value in given:
            exact = _offered(question, given_value)
            codes.update([exact] if exact is not None else parse_reply(question, given_value))
        value: object = sorted(codes)
    elif question.kind == "text":
        value = parse_reply(question, given[0] if given else "")
    elif not given:
        value = None  # only the 'other' text of a choice (below)
    else:
        if len(given) != 1:
            raise ValidationError(
                "unclear_reply", "Choose one answer.", f"answers.{question.key}"
            )
        value = _offered(question, given[0])
        if value is None:
            value = parse_reply(question, given[0])
    tapped = question.kind == "choice" and not question.multiple and value not in (None, "other")
    if other.strip() and question.kind == "choice" and not tapped:  # a tapped option wins
        if not question.allow_other:
            raise ValidationError(
                "invalid_option", "This question has no 'other' field.", f"answers.{question.key}"
            )
        selected = value if isinstance(value, list) else [value] if value else []
        if "other" not in selected:
            selected = [*selected, "other"] if question.multiple else ["other"]
        value = {
            "selected": sorted(selected) if question.multiple else selected[0],
            "other": other.strip(),
        }
    if value is None:
        raise ValidationError("unclear_reply", "Choose one answer.", f"answers.{question.key}")
    return Reply(question.key, value=value)


def _offered(question, posted: str):
    """The offered value whose form value this is exactly (a button's or a box's value)."""
    for value in allowed_values(question) or ():
        if str(value) == posted:
            return value
    return None


def parse_skipped(raw: str | None, definition: SurveyDefinition) -> frozenset[str]:
    """The optional questions passed so far, as carried in the page's address (?skip=a,b)."""
    keys = [k for k in (raw or "").split(",")[:MAX_SKIPPED] if _KEY.match(k)]
    return frozenset(k for k in keys if definition.question(k) is not None)


def stored_answers(session: Session, definition: SurveyDefinition, response_id: int) -> dict:
    """The answers of a stored response as plain values by question, as the flow reads them."""
    answers: dict[str, object] = {}
    rows = session.execute(
        select(Answer.question_key, Answer.number, Answer.option, Answer.text)
        .where(Answer.response_id == response_id)
        .order_by(Answer.id)
    )
    for key, number, option, text in rows:
        question = definition.question(key)
        if question is None:
            continue
        if number is not None:
            answers[key] = number
        elif option is not None:
            if question.kind == "choice" and question.multiple:
                answers.setdefault(key, []).append(option)
            else:
                answers[key] = option
        elif text is not None:
            answers[key] = text
    return answers


def next_key(
    definition: SurveyDefinition, answers: Mapping[str, object], skipped: Iterable[str]
) -> str | None:
    """The key of the question to ask next, or None when the flow is done."""
    question = next_question(definition, answers, skipped)
    return question.key if question is not None else None


def add_answer(
    session: Session, definition: SurveyDefinition, response_id: int, reply: Reply
) -> bool:
    """Add one more answer to a stored response, inside the caller's unit of work.

    Only the question the flow asks now is taken; an answer to a question that already has
    one (a double tap, the browser's back button) or that the flow does not show is left
    out, so what was stored never changes. Returns whether rows were added.
    """
    if reply.skipped:
        return False
    answers = stored_answers(session, definition, response_id)
    if reply.question in answers:
        return False
    combined = {**answers, reply.question: reply.value}
    try:
        valid = validate_answers(definition, combined, partial=True)
    except ValidationError as error:
        if error.code == "not_applicable":
            return False
        raise
    new = {reply.question: valid[reply.question]} if reply.question in valid else {}
    rows = answer_rows(definition, new)
    if not rows:
        return False
    submitted_at = session.execute(
        select(Response.submitted_at).where(Response.id == response_id)
    ).scalar_one()
    session.execute(
        insert(Answer),
        [
            {
                "response_id": response_id,
                "submitted_at": submitted_at,
                "question_key": r.question,
                "number": r.number,
                "option": r.option,
                "text": r.text,
            }
            for r in rows
        ],
    )
    if reply.question == definition.headline:  # a survey that asks its headline later
        score, satisfied = headline_outcome(definition, valid)
        session.execute(
            update(Response)
            .where(Response.id == response_id)
            .values(headline_score=score, satisfied=satisfied)
        )
    return True


def definition_of_response(session: Session, response_id: int) -> tuple[int, SurveyDefinition]:
    """The survey version a stored response answered, and its definition."""
    version_id = session.execute(
        select(Response.survey_version_id).where(Response.id == response_id)
    ).scalar_one()
    return version_id, catalogue.definition_for(version_id)
