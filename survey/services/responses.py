"""record_response: the one path every channel's answers take into the database."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from survey.database import DriverStatement, unit_of_work
from survey.domain.channels import settled_inclusion_probability
from survey.domain.errors import ValidationError
from survey.domain.submission import Submission, parse_submission
from survey.domain.validation import AnswerRow, answer_rows, headline_outcome, validate_answers
from survey.errors import Conflict, Invalid
from survey.extensions import db
from survey.models import Answer, Response
from survey.models.types import utcnow
from survey.services import catalogue, visitors

# One response is written by the driver inside the unit of work (see DriverWrite: about a tenth
# more responses a second at peak, docs/PERFORMANCE.md); batches go through SQLAlchemy Core.
_INSERT_RESPONSE = DriverStatement(insert(Response.__table__).returning(Response.__table__.c.id))
_INSERT_ANSWERS = DriverStatement(insert(Answer.__table__))
_BY_UUID = select(Response.id, Response.payload_hash).where(Response.uuid == bindparam("uuid"))


@dataclass(frozen=True)
class Recorded:
    id: int
    uuid: str
    created: bool


@dataclass(frozen=True)
class Origin:
    """What the front end's channel proved about an answer (survey/channels).

    `inclusion_probability` is the chance of being asked as the server configured it for the
    channel (the widget's sampling rate, 1 for a kiosk); a client's own number must match it.
    None only for trusted callers (imports with an API key, the demo loader): their number
    stands.
    """

    device_id: int | None = None
    location_id: int | None = None
    invitation_id: int | None = None
    suspect_reason: str | None = None
    inclusion_probability: float | None = None
    rule_at: datetime | None = None  # kiosk: the moment the misuse rules counted it at
    handling: str | None = None  # invitation: how the contact was handled


Prove = Callable[[catalogue.SurveyRef], Origin]


def prepare_response(
    submission: Submission,
    origin: Origin,
    now: datetime,
    ref: catalogue.SurveyRef | None = None,
    partial: bool = False,
) -> tuple[dict, list[AnswerRow]]:
    """Validate a parsed submission against its survey version; return the rows to insert.

    `partial`: the first answers of a one-question-at-a-time flow (see validate_answers)."""
    if ref is None:
        ref = catalogue.find_survey_version(
            submission.organisation, submission.survey, submission.version
        )
    probability = settled_inclusion_probability(
        submission.inclusion_probability, origin.inclusion_probability
    )
    definition = catalogue.definition_for(ref.version_id)
    answers = validate_answers(definition, submission.answers, partial)
    score, satisfied = headline_outcome(definition, answers)
    org = ref.organisation_id
    values = {
        "uuid": submission.uuid,
        "payload_hash": submission.payload_hash,
        "organisation_id": org,
        "survey_id": ref.survey_id,
        "survey_version_id": ref.version_id,
        "contact_channel": submission.contact_channel,
        "survey_mode": submission.survey_mode,
        "location_id": origin.location_id
        or catalogue.place_id("location", org, submission.location),
        "unit_id": catalogue.place_id("unit", org, submission.unit),
        "topic_id": catalogue.place_id("topic", org, submission.topic),
        "device_id": origin.device_id,
        "invitation_id": origin.invitation_id,
        "handling": origin.handling,
        "language": submission.language,
        "page_path": submission.page_path,
        "contact_at": submission.contact_at,
        "started_at": submission.started_at,
        "submitted_at": submission.submitted_at,
        "received_at": now,
        "client_submitted_at": submission.client_submitted_at,
        "rule_at": origin.rule_at,
        "inclusion_probability": probability,
        "suspect": origin.suspect_reason is not None,
        "suspect_reason": origin.suspect_reason,
        "headline_score": score,
        "satisfied": satisfied,
        "trigger": submission.trigger,
        "presentation": submission.presentation,
        "visitor_hash": (
            visitors.visitor_hash(ref.survey_id, submission.visitor) if submission.visitor else None
        ),
    }
    return values, answer_rows(definition, answers)


def _answer_values(response_id: int, rows: list[AnswerRow], submitted_at) -> list[dict]:
    return [
        {
            "response_id": response_id,
            "submitted_at": submitted_at,
            "question_key": r.question,
            "number": r.number,
            "option": r.option,
            "text": r.text,
        }
        for r in rows
    ]


def record_response(payload, origin: Origin | None = None, skew_seconds: int = 300) -> Recorded:
    """Store one response from a trusted caller (origin given, not proven); see record_submission.

    Answers posted to the API come through survey/channels/ingest.py instead.
    """
    now = utcnow()
    submission = parse_submission(payload, now, timedelta(seconds=skew_seconds))
    return record_submission(submission, now, lambda survey: origin or Origin())


def record_submission(
    submission: Submission, now: datetime, prove: Prove, partial: bool = False
) -> Recorded:
    """Validate a parsed response and store it once; a replay returns the stored id.

    `prove` is the channel's proof of origin, called once the survey is known: it returns the
    Origin or raises (401/403), and then nothing is stored. `partial`: the first answer of a
    flow that asks one question at a time (the link page), see validate_answers.
    """
    try:
        ref = catalogue.find_survey_version(
            submission.organisation, submission.survey, submission.version
        )
        origin = prove(ref)
        values, rows = prepare_response(submission, origin, now, ref, partial)
    except (ValidationError, Invalid):
        # A replay of a response stored earlier stays a success even if it would not pass now
        # (an older survey version, a timestamp grown too old in an offline queue).
        existing = _existing(submission)
        if existing is None:
            raise
        return existing
    window = visitors.window_days(values["survey_id"]) if values["visitor_hash"] else 0
    try:
        with unit_of_work(driver=True) as write:
            if not values["suspect"]:
                reason = visitors.duplicate_reason(values, now, window, write)
                if reason:
                    values.update(suspect=True, suspect_reason=reason)
            response_id = write.execute(_INSERT_RESPONSE, values)
            write.execute_many(
                _INSERT_ANSWERS, _answer_values(response_id, rows, values["submitted_at"])
            )
    except (IntegrityError, db.engine.dialect.loaded_dbapi.IntegrityError):
        existing = _existing(submission)  # the id was stored already, perhaps a moment ago
        if existing is None:
            raise
        return existing
    return Recorded(id=response_id, uuid=str(submission.uuid), created=True)


def record_many(payloads: Iterable[dict], batch_size: int = 2000) -> int:
    """Store many trusted payloads (demo data, imports) through the same validation, in batches.

    Unlike the API, these may be older than the API accepts: history is what an import brings.
    """
    stored = 0
    batch: list[tuple[dict, list[AnswerRow]]] = []
    for payload in payloads:
        now = utcnow()
        submission = parse_submission(payload, now, max_age=None)
        batch.append(prepare_response(submission, Origin(), now))
        if len(batch) >= batch_size:
            stored += _insert_batch(batch)
            batch = []
    if batch:
        stored += _insert_batch(batch)
    return stored


def _insert_batch(batch: list[tuple[dict, list[AnswerRow]]]) -> int:
    with unit_of_work():
        ids = (
            db.session.execute(
                insert(Response).returning(Response.id, sort_by_parameter_order=True),
                [values for values, _ in batch],
            )
            .scalars()
            .all()
        )
        answers = [
            a
            for rid, (values, rows) in zip(ids, batch, strict=True)
            for a in _answer_values(rid, rows, values["submitted_at"])
        ]
        if answers:
            db.session.execute(insert(Answer), answers)
    return len(ids)


def _existing(submission: Submission) -> Recorded | None:
    row = db.session.connection().execute(_BY_UUID, {"uuid": submission.uuid}).first()
    if row is None:
        return None
    if row.payload_hash != submission.payload_hash:
        raise Conflict("id_conflict", "A different response was already stored with this id.", "id")
    return Recorded(id=row.id, uuid=str(submission.uuid), created=False)
