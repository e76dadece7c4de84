"""Contacts and invitations written directly (the intake is tested elsewhere)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation
from survey.models.invitation import Contact, Delivery, Invitation
from survey.models.survey import Survey
from survey.services.invitations import address_hash, link_token, token_hash


def make_invitations(n: int, mode: str = "sms", due: datetime | None = None,
                     address=None, language: str = "nl", **invitation) -> list[int]:
    """n scheduled invitations of the demo organisation, each with its own contact."""
    now = datetime.now(UTC)
    due = due or now - timedelta(minutes=1)
    org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
    survey = db.session.scalar(select(Survey).where(Survey.organisation_id == org.id,
                                                    Survey.slug == "telefoon"))
    channel = "email" if mode == "email" else "phone"
    ids = []
    with unit_of_work() as session:
        for i in range(n):
            value = address(i) if callable(address) else (
                address or (f"inwoner{i}@example.nl" if mode == "email" else f"+3161{i:07d}"))
            contact = Contact(
                organisation_id=org.id, reference=f"ref-{secrets.token_hex(6)}",
                payload_hash="0" * 64, contact_channel=channel, ended_at=now,
                language=language, address_kind="email" if mode == "email" else "phone",
                address=value, address_hash=address_hash(org.id, value),
                outcome="invited",
            )
            session.add(contact)
            session.flush()
            values = {"due_at": due, "expires_at": due + timedelta(days=7)}
            values.update(invitation)
            inv = Invitation(
                organisation_id=org.id, survey_id=survey.id, contact_id=contact.id,
                contact_channel=channel, survey_mode=mode,
                token_hash=token_hash(link_token(contact.id)), inclusion_probability=1.0,
                **values,
            )
            session.add(inv)
            session.flush()
            ids.append(inv.id)
    return ids


def statuses() -> dict[str, int]:
    db.session.rollback()
    rows = db.session.execute(select(Invitation.status, db.func.count())
                              .group_by(Invitation.status)).all()
    return dict(rows)


def deliveries() -> list[Delivery]:
    db.session.rollback()
    return db.session.scalars(select(Delivery).order_by(Delivery.id)).all()
