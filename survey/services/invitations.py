"""Invitations after a contact: keyed address hashes, link tokens, the opt-out list, erasure.

Purpose limitation: an invitation has no address of its own. `destination(invitation_id)` is
the only way to learn where a message goes, and it answers the invitation's own contact's
address through the one mode the contact's channel allows (survey.domain.invitation_rules).

Erasure: a contact keeps its cleartext address only while its invitation may still need it
(the message or its reminder unsent); `erase_addresses(now)` clears it once the outcome is
final, and after ERASE_AFTER at the latest. The keyed hash stays for throttling and opt-out.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from survey.database import unit_of_work
from survey.domain.invitation_rules import allows
from survey.errors import Gone, NotFound, Unavailable
from survey.extensions import db
from survey.models import Contact, Invitation, OptOut
from survey.models.invitation import OPT_OUT_SOURCES

ERASE_AFTER = timedelta(days=7)
FINAL_STATUSES = ("failed", "expired")
OPT_OUT_FAILURE = "opted_out"


@functools.lru_cache(maxsize=8)
def _derived(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"kto-address-hash-key", hashlib.sha256).digest()


def _key() -> bytes:
    key = current_app.config.get("ADDRESS_HASH_KEY")
    if key:
        return key.encode()
    if current_app.config.get("KTO_ENV") in ("development", "testing"):
        return _derived(current_app.config["SECRET_KEY"])
    raise Unavailable(
        "not_configured",
        "ADDRESS_HASH_KEY is not set: contacts with an address cannot be stored.",
    )


def address_hash(organisation_id: int, normalised: str) -> str:
    """HMAC-SHA256 of a normalised address (E.164 or lower-case e-mail), per organisation."""
    message = f"kto-address:{organisation_id}:{normalised}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def link_token(contact_id: int) -> str:
    """The invitation's link token (128 bits, URL-safe), derived with the server's key.

    Never stored: the database holds only its SHA-256 (`token_hash`). Deriving it means the
    sender can rebuild the same link for a retry or the reminder, and a database copy alone
    cannot make working links.
    """
    digest = hmac.new(_key(), f"kto-link:{contact_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(invitation: Invitation) -> str:
    """`{PUBLIC_URL}/s/<token>` of an invitation."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}/s/{link_token(invitation.contact_id)}"


def invitation_for_token(token: str) -> Invitation:
    """The invitation behind a link token; NotFound for an unknown one."""
    if not isinstance(token, str) or not 10 <= len(token) <= 64:
        raise NotFound("unknown_token", "This link is not known.")
    found = db.session.execute(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("unknown_token", "This link is not known.")
    return found


def mark_opened(invitation: Invitation, now: datetime) -> bool:
    """Record the first opening of the link; True when this was it."""
    with unit_of_work():
        result = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.opened_at.is_(None))
            .values(opened_at=now)
        )
    return result.rowcount == 1


def mark_completed(invitation: Invitation, now: datetime) -> None:
    """Record that the survey was answered through this invitation (Gone if it was already).

    Call it inside the unit of work that stores the response, so both or neither are stored.
    """
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.completed_at.is_(None))
        .values(completed_at=now, opened_at=db.func.coalesce(Invitation.opened_at, now))
    )
    if result.rowcount != 1:
        raise Gone("already_answered", "This invitation was answered already.")


@dataclass(frozen=True)
class Destination:
    mode: str
    address: str


def destination(invitation_id: int) -> Destination:
    """Where an invitation's message goes: its own contact's address, through the one mode its
    contact's channel allows. Gone when the address was erased or the person opted out."""
    row = db.session.execute(
        select(Invitation, Contact)
        .join(Contact, Contact.id == Invitation.contact_id)
        .where(Invitation.id == invitation_id)
    ).first()
    if row is None:
        raise NotFound("unknown_invitation", f"No invitation {invitation_id}.")
    invitation, contact = row
    if (
        not allows(contact.contact_channel, invitation.survey_mode, contact.address_kind)
        or contact.organisation_id != invitation.organisation_id
    ):
        raise Gone("no_destination", "This invitation's contact has no address for its mode.")
    if contact.address is None:
        raise Gone("address_erased", "This invitation's address was erased.")
    if is_opted_out(contact.organisation_id, contact.address_hash):
        raise Gone("opted_out", "This person opted out.")
    return Destination(mode=invitation.survey_mode, address=contact.address)


def due_invitations(now: datetime, limit: int = 500) -> list[int]:
    """Ids of scheduled invitations whose time has come, oldest first."""
    return list(
        db.session.execute(
            select(Invitation.id)
            .where(Invitation.status == "scheduled", Invitation.due_at <= now)
            .order_by(Invitation.due_at, Invitation.id)
            .limit(limit)
        ).scalars()
    )


def is_opted_out(organisation_id: int, hashed: str | None) -> bool:
    if hashed is None:
        return False
    return (
        db.session.execute(
            select(OptOut.id).where(
                OptOut.organisation_id == organisation_id, OptOut.address_hash == hashed
            )
        ).first()
        is not None
    )


def opt_out(organisation_id: int, hashed: str, source: str, now: datetime) -> bool:
    """Put a person on the organisation's opt-out list; True when they were not on it yet.

    Their invitations still waiting to be sent are cancelled (failed, `opted_out`) and their
    addresses erased at once.
    """
    if source not in OPT_OUT_SOURCES:
        raise ValueError(f"unknown opt-out source {source!r}")
    with unit_of_work() as session:
        exists = is_opted_out(organisation_id, hashed)
        if not exists:
            session.add(
                OptOut(
                    organisation_id=organisation_id,
                    address_hash=hashed,
                    source=source,
                    created_at=now,
                )
            )
        contacts = select(Contact.id).where(
            Contact.organisation_id == organisation_id, Contact.address_hash == hashed
        )
        session.execute(
            update(Invitation)
            .where(Invitation.contact_id.in_(contacts), Invitation.status == "scheduled")
            .values(status="failed", failure_code=OPT_OUT_FAILURE)
        )
        session.execute(
            update(Contact)
            .where(Contact.id.in_(contacts), Contact.address.is_not(None))
            .values(address=None, address_erased_at=now)
        )
    return not exists


def acknowledge_opt_out(organisation_id: int, hashed: str, now: datetime) -> bool:
    """True once per opt-out: the caller then confirms it to the person (one message)."""
    with unit_of_work() as session:
        result = session.execute(
            update(OptOut)
            .where(
                OptOut.organisation_id == organisation_id,
                OptOut.address_hash == hashed,
                OptOut.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=now)
        )
    return result.rowcount == 1


def _final(now: datetime):
    """Invitations whose contact's address is no longer needed."""
    reminder_pending = and_(
        Invitation.reminder_due_at.is_not(None), Invitation.reminded_at.is_(None)
    )
    return or_(
        Invitation.completed_at.is_not(None),
        Invitation.status.in_(FINAL_STATUSES),
        and_(Invitation.status.in_(("sent", "delivered")), ~reminder_pending),
        Invitation.expires_at <= now,
    )


def erase_addresses(now: datetime) -> int:
    """Erase the cleartext addresses no invitation needs any more; returns how many.

    Final: answered, failed, expired, or sent (delivered) with no reminder to come. Any
    address of a contact that ended more than ERASE_AFTER ago goes regardless.
    """
    finished = select(Invitation.contact_id).where(Invitation.contact_id.is_not(None), _final(now))
    with unit_of_work() as session:
        result = session.execute(
            update(Contact)
            .where(
                Contact.address.is_not(None),
                or_(
                    Contact.id.in_(finished),
                    Contact.created_at <= now - ERASE_AFTER,
                    Contact.ended_at <= now - ERASE_AFTER,
                ),
            )
            .values(address=None, address_erased_at=now)
        )
    return result.rowcount
