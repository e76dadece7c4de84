"""Callback requests in the privacy operations, when those are installed
(survey.services.retention and survey.services.privacy):

- the daily retention job gets the step `callback_details`: purge_expired_callback_details
  (closed cases, and requests older than 30 days);
- `flask kto privacy export|erase --reference REF` gets the part `callback_requests`: the
  requests made after the answers given through that contact's invitation.

`register()` is called when survey.services.callbacks is imported; without those modules it
does nothing (the worker's own hourly task still erases the details, survey/tasks.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from survey.extensions import db
from survey.models import CallbackCase, CallbackRequest, Invitation, Response


def _requests(contact, session=None) -> list[CallbackRequest]:
    session = session or db.session
    return list(
        session.execute(
            select(CallbackRequest)
            .join(Response, Response.id == CallbackRequest.response_id)
            .join(Invitation, Invitation.id == Response.invitation_id)
            .where(Invitation.contact_id == contact.id)
            .order_by(CallbackRequest.id)
        ).scalars()
    )


def export(contact) -> list[dict]:
    """What is held in callback requests for this contact (JSON-safe)."""
    result = []
    for request in _requests(contact):
        case = db.session.execute(
            select(CallbackCase).where(CallbackCase.request_id == request.id)
        ).scalar_one_or_none()
        result.append({
            "received_at": request.created_at.isoformat(),
            "name": request.name,
            "phone": request.phone,
            "email": request.email,
            "message": request.message,
            "details_erased_at": (
                request.details_erased_at.isoformat() if request.details_erased_at else None
            ),
            "case_status": case.status if case else None,
            "case_outcome": case.outcome if case else None,
        })
    return result


def erase(session, contact, now: datetime) -> int:
    """Erase the contact details of this contact's callback requests (inside the erasure's
    unit of work); returns how many requests held details."""
    from survey.services.callbacks import erase_details

    erased = 0
    for request in _requests(contact, session):
        if request.details_erased_at is None:
            erase_details(session, request, now, "privacy_erase")
            erased += 1
    return erased


def _installed(name: str) -> bool:
    from importlib.util import find_spec

    return find_spec(f"survey.services.{name}") is not None


def register() -> None:
    from survey.services.callbacks import purge_expired_callback_details

    if _installed("retention"):
        from survey.services import retention

        retention.register_step("callback_details", purge_expired_callback_details)
    if _installed("privacy"):
        from survey.services import privacy

        privacy.register_part(privacy.Part("callback_requests", export, erase))
