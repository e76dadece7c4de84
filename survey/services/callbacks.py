"""Callback requests in: from the kiosk (its own idempotent request, proven by the device
secret) and from the link page (after the response it follows); each becomes a case for a unit
with a deadline in working days. And out: the contact details are erased when the case is
closed and after 30 days at the latest (`purge_expired_callback_details`), each erasure with an
audit-log entry.

The details are checked before anything is looked up or stored (survey.domain.callbacks), so a
request without consent, with a bad number or address, or a name with a line break changes
nothing. The response stays anonymous: a request points at it, never the other way round.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from survey.database import unit_of_work
from survey.domain.callbacks import CallbackDetails, CallbackRule, callback_rule, parse_details
from survey.domain.errors import ValidationError
from survey.domain.working_days import deadline
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import (
    CallbackCase,
    CallbackRequest,
    Organisation,
    Response,
    Survey,
    Unit,
)
from survey.models.callback import CLOSED_STATUSES
from survey.services import audit
from survey.services.devices import device_for_secret

DETAILS_KEPT = timedelta(days=30)
DETAIL_FIELDS = ("name", "phone", "email", "message")


@dataclass(frozen=True)
class Requested:
    """A stored callback request: its case, deadline and norm (for the confirmation)."""

    request_id: int
    case_id: int
    due_at: datetime
    norm_days: int
    by_phone: bool
    created: bool


def rule_for_survey(survey_id: int) -> CallbackRule:
    survey = db.session.get(Survey, survey_id)
    try:
        return callback_rule(survey.settings if survey else None)
    except ValidationError:
        return CallbackRule(offer="never")  # a broken setting offers nothing


def offered(response: Response) -> bool:
    """Whether this response's respondent may ask for a callback."""
    return rule_for_survey(response.survey_id).offered(response.satisfied)


def norm_days(organisation_id: int) -> int:
    org = db.session.get(Organisation, organisation_id)
    return org.callback_norm_days if org else 2


def _uuid(value, field: str) -> uuid_module.UUID:
    if isinstance(value, str) and len(value) <= 40:
        try:
            return uuid_module.UUID(value)
        except ValueError:
            pass
    raise Invalid("invalid_id", f"'{field}' must be a UUID.", field)


def kiosk_request(device_secret: str, payload, now: datetime) -> Requested:
    """`POST /kiosk/api/callback`: {id, response, consent, name, phone, email, message, language}.

    `id` is the request's own UUID made by the tablet (a retry returns the stored request),
    `response` the UUID of the response it follows, from the same device. A response not
    stored yet is a 409 `response_pending` (the tablet sends it later, after the response).
    """
    device = device_for_secret(device_secret)  # 401/403 before anything else is read
    if not isinstance(payload, dict):
        raise Invalid("wrong_type", "Send a JSON object.")
    fields = {k: v for k, v in payload.items() if k not in ("id", "response")}
    details = parse_details(fields)  # bad input: a 422 before any lookup or write
    request_uuid = _uuid(payload.get("id"), "id")
    response_uuid = _uuid(payload.get("response"), "response")
    response = db.session.execute(
        select(Response).where(Response.uuid == response_uuid)
    ).scalar_one_or_none()
    if response is None:
        existing = _by_uuid(request_uuid)
        if existing is not None:  # response gone but request known: a replay
            return _replay(existing, details.fingerprint(str(response_uuid)))
        raise Conflict(
            "response_pending", "The response this request follows has not arrived yet.",
            "response",
        )
    if response.device_id != device.id:
        raise NotFound("unknown_response", "No such response from this device.", "response")
    return record_request(response, request_uuid, details, now)


def link_request(response_id: int, raw: dict, now: datetime) -> Requested:
    """The link page's form, after the response with this id (the page proved it is the
    respondent's: the invitation token or the signed follow-up key)."""
    details = parse_details(raw)
    response = db.session.get(Response, response_id)
    if response is None:
        raise NotFound("unknown_response", "No such response.", "response")
    request_uuid = uuid_module.uuid5(uuid_module.NAMESPACE_URL, f"kto:callback:{response.uuid}")
    return record_request(response, request_uuid, details, now)


def link_offer(response_id: int | None) -> str:
    """What the link page's thanks screen shows: "offer" a callback, "requested" already, or
    "none" (no response, a positive answer, or a survey that offers none)."""
    if response_id is None:
        return "none"
    if existing_for_response(response_id) is not None:
        return "requested"
    response = db.session.get(Response, response_id)
    return "offer" if response is not None and offered(response) else "none"


def requested_for(response_id: int | None) -> Requested | None:
    """The stored request after this response, for its confirmation screen."""
    found = existing_for_response(response_id) if response_id is not None else None
    return _requested(found, created=False) if found is not None else None


def existing_for_response(response_id: int) -> CallbackRequest | None:
    return db.session.execute(
        select(CallbackRequest).where(CallbackRequest.response_id == response_id)
    ).scalar_one_or_none()


def _by_uuid(request_uuid) -> CallbackRequest | None:
    return db.session.execute(
        select(CallbackRequest).where(CallbackRequest.uuid == request_uuid)
    ).scalar_one_or_none()


def _requested(request: CallbackRequest, created: bool) -> Requested:
    case = request.case
    return Requested(
        request_id=request.id, case_id=case.id, due_at=case.due_at, norm_days=case.norm_days,
        by_phone=request.phone is not None or request.email is None, created=created,
    )


def _replay(existing: CallbackRequest, fingerprint: str) -> Requested:
    if existing.payload_hash != fingerprint:
        raise Conflict(
            "callback_exists", "A callback request was made for this answer already.", "id"
        )
    return _requested(existing, created=False)


def _unit_id(response: Response, rule: CallbackRule) -> int | None:
    """The unit the contact was about: the response's own, else the survey's callback unit."""
    if response.unit_id is not None:
        return response.unit_id
    if rule.unit:
        return db.session.execute(
            select(Unit.id).where(
                Unit.organisation_id == response.organisation_id, Unit.slug == rule.unit
            )
        ).scalar()
    return None


def record_request(
    response: Response, request_uuid, details: CallbackDetails, now: datetime
) -> Requested:
    """Store a request and its case once; a retry (same id or same response, same content)
    returns the stored one, other content a 409."""
    fingerprint = details.fingerprint(str(response.uuid))
    existing = _by_uuid(request_uuid) or existing_for_response(response.id)
    if existing is not None:
        return _replay(existing, fingerprint)
    rule = rule_for_survey(response.survey_id)
    if not rule.offered(response.satisfied):
        raise Invalid(
            "callback_not_offered", "This survey does not offer a callback for this answer.",
            "response",
        )
    org = db.session.get(Organisation, response.organisation_id)
    days = org.callback_norm_days
    due = deadline(now, days, org.timezone or "Europe/Amsterdam")
    unit_id = _unit_id(response, rule)
    try:
        with unit_of_work() as session:
            request = CallbackRequest(
                uuid=request_uuid, payload_hash=fingerprint, organisation_id=org.id,
                response_id=response.id, survey_mode=response.survey_mode,
                contact_channel=response.contact_channel, language=details.language,
                consent_at=now, created_at=now, name=details.name, phone=details.phone,
                email=details.email, message=details.message,
            )
            session.add(request)
            session.flush()
            case = CallbackCase(
                organisation_id=org.id, request_id=request.id, unit_id=unit_id, status="new",
                norm_days=days, created_at=now, due_at=due,
            )
            session.add(case)
            session.flush()
            result = Requested(request.id, case.id, due, days,
                               details.phone is not None or details.email is None, True)
    except IntegrityError:
        db.session.rollback()
        existing = _by_uuid(request_uuid) or existing_for_response(response.id)
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    return result


# ---- erasure ---------------------------------------------------------------------------------


def erase_details(session, request: CallbackRequest, now: datetime, reason: str, actor=None):
    """Erase a request's contact details inside an open unit of work, with its audit entry.

    The entry says which fields held something, never their values."""
    if request.details_erased_at is not None:
        return
    held = [f for f in DETAIL_FIELDS if getattr(request, f) is not None]
    for name in DETAIL_FIELDS:
        setattr(request, name, None)
    request.details_erased_at = now
    audit.record(
        session, actor, request.organisation_id, "callback.details_erased",
        f"callback_request:{request.id}", {"fields": held}, {"reason": reason},
    )


def purge_expired_callback_details(now: datetime) -> int:
    """Erase the contact details of every request whose case is closed, or that is older than
    30 days; returns how many. Safe to run as often as wanted (the retention job and the
    daily task both call it)."""
    limit = now - DETAILS_KEPT
    ids = list(
        db.session.execute(
            select(CallbackRequest.id)
            .join(CallbackCase, CallbackCase.request_id == CallbackRequest.id)
            .where(
                CallbackRequest.details_erased_at.is_(None),
                or_(CallbackCase.status.in_(CLOSED_STATUSES), CallbackRequest.created_at < limit),
            )
            .order_by(CallbackRequest.id)
        ).scalars()
    )
    erased = 0
    for start in range(0, len(ids), 200):
        with unit_of_work() as session:
            rows = session.execute(
                select(CallbackRequest)
                .where(CallbackRequest.id.in_(ids[start:start + 200]),
                       CallbackRequest.details_erased_at.is_(None))
            ).scalars()
            for request in rows:
                closed = request.case is not None and request.case.status in CLOSED_STATUSES
                erase_details(session, request, now, "case_closed" if closed else "30_days")
                erased += 1
    return erased


# The retention job and the privacy commands take callback requests in, where installed.
from survey.services import callback_privacy  # noqa: E402

callback_privacy.register()
