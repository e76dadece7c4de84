"""What providers tell us after sending: delivery reports and replies (STOP → opt-out).

Every change is conditional on the current state, so a replayed or late report changes
nothing: `delivered` is set once, a failure never undoes a delivery, and an earlier status
("sent") never follows a later one. A report may arrive before the worker has recorded the
provider's answer: it finds the delivery by the send-once key in its callback URL (Twilio)
or its reference (CM.com).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select, update

from survey.database import unit_of_work
from survey.domain import ValidationError
from survey.domain.addresses import parse_phone
from survey.extensions import db
from survey.i18n import in_language
from survey.models import Organisation
from survey.models.invitation import Contact, Delivery, Invitation
from survey.services import invitations

STOP_WORDS = {"STOP", "STOPALL", "STOPPEN", "AFMELDEN", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}


@dataclass(frozen=True)
class Report:
    provider: str
    state: str  # "accepted", "delivered" or "failed"
    message_id: str | None = None  # the provider's id (Twilio's MessageSid)
    reference: str | None = None  # our send-once key (Delivery.idempotency_key)
    error: str | None = None  # the provider's error code, when failed


def _delivery(session, report: Report) -> Delivery | None:
    conditions = []
    if report.reference:
        conditions.append(Delivery.idempotency_key == report.reference)
    if report.message_id:
        conditions.append(Delivery.provider_message_id == report.message_id)
    if not conditions:
        return None
    return session.scalars(
        select(Delivery).where(or_(*conditions)).with_for_update().limit(1)
    ).first()


def record_report(report: Report, now: datetime) -> bool:
    """Apply one delivery report; False when no message of ours matches it."""
    with unit_of_work() as session:
        delivery = _delivery(session, report)
        if delivery is None:
            return False
        if delivery.status in ("claimed", "unknown", "failed_temporary"):
            # The provider has it: settle the send-once record (a lost answer, a dead worker).
            if report.state in ("accepted", "delivered"):
                session.execute(update(Delivery).where(Delivery.id == delivery.id).values(
                    status="sent", finished_at=now, error=None,
                    provider_message_id=delivery.provider_message_id
                    or report.message_id or report.reference))
                if delivery.kind == "invitation":
                    session.execute(update(Invitation).where(
                        Invitation.id == delivery.invitation_id,
                        Invitation.status == "sending").values(status="sent", sent_at=now))
                else:
                    session.execute(update(Invitation).where(
                        Invitation.id == delivery.invitation_id,
                        Invitation.reminded_at.is_(None)).values(reminded_at=now))
        if delivery.kind != "invitation":
            return True
        if report.state == "delivered":
            session.execute(update(Invitation).where(
                Invitation.id == delivery.invitation_id,
                Invitation.status.in_(("sending", "sent")),
            ).values(status="delivered", delivered_at=now))
        elif report.state == "failed":
            session.execute(update(Invitation).where(
                Invitation.id == delivery.invitation_id,
                Invitation.status.in_(("sending", "sent")),
            ).values(status="failed", failure_code=f"undelivered {report.error or ''}".strip()))
    return True


@dataclass(frozen=True)
class OptOutResult:
    stop: bool  # the reply was a stop word
    organisations: int  # organisations whose list the person is on now
    acknowledge: str | None  # the text to confirm it with, once; None: say nothing


def _stop(body: str) -> bool:
    words = (body or "").strip().upper().split()
    return bool(words) and words[0].strip(".!") in STOP_WORDS


def inbound_sms(number: str, body: str, now: datetime) -> OptOutResult:
    """A reply to our SMS: STOP (or AFMELDEN ...) puts the sender on the opt-out list of every
    organisation that invited that number; the confirmation text is returned once."""
    if not _stop(body):
        return OptOutResult(False, 0, None)
    try:
        e164 = parse_phone(number, "From").e164
    except ValidationError:
        return OptOutResult(True, 0, None)
    acknowledged = False
    matched = 0
    for org_id in db.session.scalars(select(Organisation.id)).all():
        hashed = invitations.address_hash(org_id, e164)
        invited = db.session.scalar(select(exists().where(
            Contact.organisation_id == org_id, Contact.address_hash == hashed)))
        if not invited:
            continue
        matched += 1
        invitations.opt_out(org_id, hashed, "sms_stop", now)
        acknowledged |= invitations.acknowledge_opt_out(org_id, hashed, now)
    if not acknowledged:
        return OptOutResult(True, matched, None)
    with in_language("nl"):
        text = _("You will receive no more invitations from us.")
    return OptOutResult(True, matched, text)


def unsubscribe(token: str, now: datetime) -> bool:
    """One-click unsubscribe from an invitation e-mail (RFC 8058); True the first time."""
    invitation = invitations.invitation_for_token(token)
    hashed = db.session.scalar(select(Contact.address_hash)
                               .where(Contact.id == invitation.contact_id))
    if hashed is None:
        return False
    invitations.opt_out(invitation.organisation_id, hashed, "email_unsubscribe", now)
    return invitations.acknowledge_opt_out(invitation.organisation_id, hashed, now)


def acknowledge_by_sms(number: str, text: str) -> None:
    """The opt-out confirmation as an SMS of its own (providers without a reply in the answer).

    It goes to the number that wrote to us, never to an address from a contact."""
    from survey import messaging

    try:
        with messaging.provider("sms") as provider:
            provider.send(messaging.Message(to=(parse_phone(number, "From").e164,), body=text))
    except (messaging.NotConfigured, messaging.SendFailed, ValidationError):
        pass  # the opt-out itself is stored; a lost confirmation is not retried
