"""Plain links of a survey for places without a tablet: QR codes on posters, letters, receipts.

`/s/q/<org>/<survey>[/<location>]` (survey mode `qr`) and `/s/l/<org>/<survey>[/<location>]`
(mode `link`) open the same one-question-per-screen page as an invitation, without a token:
anyone may answer, with inclusion probability 1. Protection against repeat answers is the
website widget's: the page's small script keeps a random id in the browser (localStorage,
never a cookie) and sends it as `visitor`; the server stores only its keyed hash and flags a
second answer to the same survey within the recontact window (survey.services.visitors),
never dropping it. Without JavaScript there is no id and no flag.

The page hands out a signed form (itsdangerous, the app's secret key) with a random response
id, so a double tap stores one response; the first answer returns a signed follow-up key for
the next screens, valid for an hour, which authorises adding answers to that response only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain import SurveyDefinition, ValidationError
from survey.domain.submission import parse_submission
from survey.errors import Conflict, Gone, Invalid, NotFound
from survey.extensions import db
from survey.models import Organisation, Response
from survey.services import catalogue, complaints
from survey.services.link_answers import (
    add_answer,
    definition_of_response,
    next_key,
    parse_skipped,
    read_reply,
    stored_answers,
)
from survey.services.responses import Origin, record_submission

MODES = ("qr", "link")
DEFAULT_CHANNEL = "counter"
FORM_SECONDS = 2 * 3600
FOLLOW_UP_SECONDS = 3600


@dataclass(frozen=True)
class PlainSurvey:
    organisation: str  # the organisation's name
    org: str
    survey: str
    location: str | None
    mode: str
    ref: catalogue.SurveyRef
    definition: SurveyDefinition
    contact_channel: str


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kto-link-{purpose}")


def plain_survey(org: str, survey: str, location: str | None, mode: str) -> PlainSurvey:
    """The survey a plain link opens; NotFound for an unknown survey, location or mode."""
    if mode not in MODES:
        raise NotFound("unknown_link", "This link is not valid.")
    try:
        ref = catalogue.find_survey_version(org, survey, None)
        catalogue.place_id("location", ref.organisation_id, location)
    except Invalid:
        raise NotFound("unknown_link", "This link is not valid.") from None
    settings = catalogue.survey_settings(ref.survey_id)
    name = db.session.execute(
        select(Organisation.name).where(Organisation.id == ref.organisation_id)
    ).scalar_one()
    return PlainSurvey(
        organisation=name,
        org=org,
        survey=survey,
        location=location,
        mode=mode,
        ref=ref,
        definition=catalogue.definition_for(ref.version_id),
        contact_channel=settings.get("contact_channel") or DEFAULT_CHANNEL,
    )


def form_key(plain: PlainSurvey, now: datetime) -> str:
    """A signed form for one person's answer: a new response id and when it was shown."""
    return _serializer("form").dumps(
        {
            "id": str(uuid.uuid4()),
            "at": now.isoformat(),
            "where": [plain.org, plain.survey, plain.location, plain.mode],
        }
    )


def _read_form(plain: PlainSurvey, key: str) -> dict:
    try:
        form = _serializer("form").loads(key or "", max_age=FORM_SECONDS)
    except SignatureExpired:
        raise Gone("form_expired", "This page was open too long; please answer again.") from None
    except BadSignature:
        raise Invalid("invalid_form", "This form was not made by this page.") from None
    if form.get("where") != [plain.org, plain.survey, plain.location, plain.mode]:
        raise Invalid("invalid_form", "This form was not made by this page.")
    return form


def answer_first(
    plain: PlainSurvey,
    key: str,
    question_key: str,
    values: Sequence[str],
    other: str,
    skipped: str | None,
    visitor: str | None,
    language: str,
    now: datetime,
) -> tuple[str | None, frozenset[str]]:
    """Store the first answer given through a plain link as a new response.

    Returns the signed follow-up key (None while nothing is stored: an optional first
    question passed) and the questions passed so far. A second post of the same form stores
    nothing more. Raises Invalid for a forged form, Gone for one open too long,
    ValidationError for an unclear answer.
    """
    form = _read_form(plain, key)
    definition = plain.definition
    skips = parse_skipped(skipped, definition)
    reply = read_reply(definition, question_key, values, other)
    if reply.skipped:
        return None, skips | {reply.question}
    if reply.question != next_key(definition, {}, skips):
        raise Invalid("not_asked", "This question is not asked now.", "question")
    payload = {
        "id": form["id"],
        "organisation": plain.org,
        "survey": plain.survey,
        "version": plain.ref.version_number,
        "contact_channel": plain.contact_channel,
        "survey_mode": plain.mode,
        "language": language,
        "started_at": form["at"],
        "submitted_at": now.isoformat(),
        "answers": {reply.question: reply.value},
    }
    if plain.location:
        payload["location"] = plain.location
    if visitor:
        payload["visitor"] = visitor
    try:
        submission = parse_submission(payload, now, timedelta(seconds=60))
    except ValidationError as error:
        if error.field == "visitor":  # a broken id from the browser: answer without it
            payload.pop("visitor")
            submission = parse_submission(payload, now, timedelta(seconds=60))
        else:
            raise
    try:
        record_submission(
            submission, now, lambda ref: Origin(inclusion_probability=1.0), partial=True
        )
    except Conflict:
        pass  # the same form posted twice with another answer: the first one stands
    return _serializer("follow-up").dumps(form["id"]), skips


def _response_for(key: str) -> int:
    try:
        response_uuid = _serializer("follow-up").loads(key, max_age=FOLLOW_UP_SECONDS)
    except SignatureExpired:
        raise Gone("link_expired", "This link has expired.") from None
    except BadSignature:
        raise NotFound("unknown_link", "This link is not valid.") from None
    found = db.session.execute(
        select(Response.id).where(Response.uuid == uuid.UUID(response_uuid))
    ).scalar()
    if found is None:
        raise NotFound("unknown_link", "This link is not valid.")
    return found


def response_of(key: str) -> int:
    """The id of the response a follow-up key authorises (Gone when expired, else NotFound)."""
    return _response_for(key)


@dataclass(frozen=True)
class FollowUp:
    organisation: str
    definition: SurveyDefinition
    question: str | None  # None: thanks
    language: str
    complaint_url: str | None = None  # thanks after a complaint reason: its page


def follow_up(key: str, skipped: str | None) -> FollowUp:
    """The next question of a response begun through a plain link, or thanks when done."""
    response_id = _response_for(key)
    _, definition = definition_of_response(db.session, response_id)
    answers = stored_answers(db.session, definition, response_id)
    row = db.session.execute(
        select(Organisation.id, Organisation.name, Response.language)
        .join(Response, Response.organisation_id == Organisation.id)
        .where(Response.id == response_id)
    ).one()
    question = next_key(definition, answers, parse_skipped(skipped, definition))
    referral = None if question else complaints.referral_for(row.id, definition, answers)
    return FollowUp(row.name, definition, question, row.language, referral)


def answer_follow_up(
    key: str, question_key: str, values: Sequence[str], other: str, skipped: str | None
) -> frozenset[str]:
    """Add a follow-up answer to a response begun through a plain link (once per question)."""
    response_id = _response_for(key)
    _, definition = definition_of_response(db.session, response_id)
    skips = parse_skipped(skipped, definition)
    reply = read_reply(definition, question_key, values, other)
    if reply.skipped:
        return skips | {reply.question}
    with unit_of_work() as session:
        answers = stored_answers(session, definition, response_id)
        if reply.question == next_key(definition, answers, skips):
            add_answer(session, definition, response_id, reply)
    return skips
