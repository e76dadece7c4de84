"""Follow-up cases of callback requests, as staff handle them: lists (mine, a unit's, overdue
first), assignment, status, notes, outcome and the first contact. Every id is looked up with
its organisation (another organisation's id: NotFound); every change has its audit entry in the
same unit of work. Closing a case (done, could not reach) erases the request's contact details
at once (survey.services.callbacks.erase_details).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from survey.database import unit_of_work
from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import CallbackCase, CallbackNote, CallbackRequest, Membership, Unit, User
from survey.models.callback import CASE_OUTCOMES, CASE_STATUSES, CLOSED_STATUSES, OPEN_STATUSES
from survey.services import audit
from survey.services.callbacks import erase_details
from survey.services.scoped import owned

NOTE_MAX = 2000
TRACKED = ("status", "outcome", "assignee_id", "first_contact_at", "closed_at")


@dataclass(frozen=True)
class CaseRow:
    id: int
    unit: str | None
    status: str
    created_at: datetime
    due_at: datetime
    overdue: bool
    assignee: str | None
    name: str | None
    channel: str


def cases(
    organisation_id: int,
    now: datetime,
    unit_id: int | None = None,
    assignee_id: int | None = None,
    closed: bool = False,
) -> list[CaseRow]:
    """Open cases (or closed ones), overdue first, then by deadline; the newest closed first."""
    overdue = sql_case((CallbackCase.due_at < now, 0), else_=1)
    query = (
        select(CallbackCase)
        .options(joinedload(CallbackCase.request), joinedload(CallbackCase.unit),
                 joinedload(CallbackCase.assignee))
        .where(CallbackCase.organisation_id == organisation_id)
    )
    if closed:
        query = query.where(CallbackCase.status.in_(CLOSED_STATUSES)).order_by(
            CallbackCase.closed_at.desc(), CallbackCase.id.desc()
        ).limit(200)
    else:
        query = query.where(CallbackCase.status.in_(OPEN_STATUSES)).order_by(
            overdue, CallbackCase.due_at, CallbackCase.id
        )
    if unit_id is not None:
        query = query.where(CallbackCase.unit_id == unit_id)
    if assignee_id is not None:
        query = query.where(CallbackCase.assignee_id == assignee_id)
    return [
        CaseRow(
            id=c.id, unit=c.unit.name if c.unit else None, status=c.status,
            created_at=c.created_at, due_at=c.due_at,
            overdue=c.status in OPEN_STATUSES and c.due_at < now,
            assignee=c.assignee.email if c.assignee else None, name=c.request.name,
            channel=c.request.survey_mode,
        )
        for c in db.session.execute(query).unique().scalars()
    ]


def case_of(organisation_id: int, case_id: int) -> CallbackCase:
    """One case of this organisation with its request and notes, else NotFound."""
    return owned(CallbackCase, organisation_id, case_id)


def units(organisation_id: int) -> list[Unit]:
    return list(
        db.session.execute(
            select(Unit).where(Unit.organisation_id == organisation_id).order_by(Unit.name)
        ).scalars()
    )


def handlers(organisation_id: int) -> list[User]:
    """The organisation's active members, who may be assigned a case."""
    return list(
        db.session.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation_id,
                   Membership.deactivated_at.is_(None))
            .order_by(User.email)
        ).scalars()
    )


def _locked(session, organisation_id: int, case_id: int) -> CallbackCase:
    found = session.execute(
        select(CallbackCase)
        .where(CallbackCase.id == case_id, CallbackCase.organisation_id == organisation_id)
        .with_for_update()
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("not_found", "This case does not exist.")
    return found


def assign(organisation_id: int, actor: User, case_id: int, user_id: int | None) -> None:
    """Give the case to a member of the organisation (None: nobody)."""
    if user_id is not None and user_id not in {u.id for u in handlers(organisation_id)}:
        raise Invalid("unknown_member", "Choose a member of this organisation.", "assignee")
    with unit_of_work() as session:
        case = _locked(session, organisation_id, case_id)
        before = audit.snapshot(case, TRACKED)
        case.assignee_id = user_id
        audit.record(session, actor, organisation_id, "callback_case.assign",
                     f"callback_case:{case_id}", before, audit.snapshot(case, TRACKED))


def update_status(
    organisation_id: int,
    actor: User,
    case_id: int,
    status: str,
    outcome: str | None,
    now: datetime,
) -> None:
    """Move a case on. Closing it (done, could not reach) records the first contact if none
    was recorded, and erases the contact details; done needs an outcome."""
    if status not in CASE_STATUSES:
        raise Invalid("invalid_status", "Choose a status.", "status")
    if outcome is not None and outcome not in CASE_OUTCOMES:
        raise Invalid("invalid_outcome", "Choose an outcome.", "outcome")
    if status == "done" and outcome is None:
        raise Invalid("outcome_required", "Give the outcome before closing the case.", "outcome")
    with unit_of_work() as session:
        case = _locked(session, organisation_id, case_id)
        if case.status in CLOSED_STATUSES:
            raise Invalid("case_closed", "This case is closed already.", "status")
        before = audit.snapshot(case, TRACKED)
        case.status = status
        case.outcome = outcome
        if status != "new" and case.first_contact_at is None:
            case.first_contact_at = now
        if status in CLOSED_STATUSES:
            case.closed_at = now
            if case.assignee_id is None:
                case.assignee_id = actor.id
        audit.record(session, actor, organisation_id, "callback_case.status",
                     f"callback_case:{case_id}", before, audit.snapshot(case, TRACKED))
        if status in CLOSED_STATUSES:
            request = session.get(CallbackRequest, case.request_id)
            erase_details(session, request, now, "case_closed", actor)


def record_contact(organisation_id: int, actor: User, case_id: int, now: datetime) -> None:
    """Note the first contact (or attempt) with the citizen; the case is then in progress."""
    with unit_of_work() as session:
        case = _locked(session, organisation_id, case_id)
        if case.status in CLOSED_STATUSES:
            raise Invalid("case_closed", "This case is closed already.", "status")
        before = audit.snapshot(case, TRACKED)
        if case.first_contact_at is None:
            case.first_contact_at = now
        if case.status == "new":
            case.status = "in_progress"
        if case.assignee_id is None:
            case.assignee_id = actor.id
        audit.record(session, actor, organisation_id, "callback_case.contact",
                     f"callback_case:{case_id}", before, audit.snapshot(case, TRACKED))


def add_note(organisation_id: int, actor: User, case_id: int, text: str, now: datetime) -> None:
    """A staff note on the case (what was tried, what was agreed)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise Invalid("required", "Write a note.", "text")
    if len(text) > NOTE_MAX:
        raise Invalid("too_long", f"Use at most {NOTE_MAX} characters.", "text")
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise Invalid("control_characters", "The note contains a control character.", "text")
    with unit_of_work() as session:
        case = _locked(session, organisation_id, case_id)
        note = CallbackNote(case_id=case.id, author_id=actor.id, author_label=actor.email,
                            text=text, created_at=now)
        session.add(note)
        session.flush()
        audit.record(session, actor, organisation_id, "callback_case.note",
                     f"callback_case:{case_id}", None, {"note": note.id})


@dataclass(frozen=True)
class ResponseSummary:
    """The anonymous response a request followed (analysts only): when, where, what."""

    id: int
    survey: str
    survey_mode: str
    submitted_at: datetime
    satisfied: bool | None
    answers: list[tuple[str, str]]


def response_summary(case: CallbackCase) -> ResponseSummary | None:
    from survey.models import Answer, Response, Survey

    response_id = case.request.response_id
    response = db.session.get(Response, response_id) if response_id else None
    if response is None or response.organisation_id != case.organisation_id:
        return None
    rows = db.session.execute(
        select(Answer).where(Answer.response_id == response.id).order_by(Answer.id)
    ).scalars()
    answers = [
        (a.question_key, a.option if a.option is not None
         else str(a.number) if a.number is not None else (a.text or ""))
        for a in rows
    ]
    survey = db.session.get(Survey, response.survey_id)
    return ResponseSummary(response.id, survey.slug if survey else "", response.survey_mode,
                           response.submitted_at, response.satisfied, answers)
