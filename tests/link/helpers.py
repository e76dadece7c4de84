"""Invitations for link-page tests: a contact and its sent invitation, with its link token.

The token and the address hash are made by survey.services.invitations, as for real ones."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Contact, Invitation, Organisation, Survey, Topic, Unit
from survey.models.types import utcnow
from survey.services import invitations


def make_invitation(
    survey: str = "telefoon",
    mode: str = "sms",
    channel: str = "phone",
    language: str = "nl",
    probability: float = 0.25,
    handling: str | None = "transferred",
    unit: str | None = "kcc",
    topic: str | None = "afval",
    expires_in: timedelta = timedelta(days=7),
    address: str = "+31612345678",
) -> tuple[str, int]:
    """A sent invitation of the demo organisation; returns (token, invitation id)."""
    now = utcnow()
    org = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    survey_id = db.session.execute(
        select(Survey.id).where(Survey.organisation_id == org.id, Survey.slug == survey)
    ).scalar_one()
    unit_id = unit and db.session.execute(select(Unit.id).where(Unit.slug == unit)).scalar_one()
    topic_id = topic and db.session.execute(
        select(Topic.id).where(Topic.slug == topic)
    ).scalar_one()
    with unit_of_work() as session:
        contact = Contact(
            organisation_id=org.id,
            payload_hash="0" * 64,
            contact_channel=channel,
            ended_at=now - timedelta(minutes=30),
            unit_id=unit_id,
            topic_id=topic_id,
            handling=handling,
            language=language,
            address_kind="phone" if mode == "sms" else "email",
            address=address,
            address_hash=invitations.address_hash(org.id, address),
            outcome="invited",
        )
        session.add(contact)
        session.flush()
        token = invitations.link_token(contact.id)
        invitation = Invitation(
            organisation_id=org.id,
            survey_id=survey_id,
            contact_id=contact.id,
            contact_channel=channel,
            survey_mode=mode,
            token_hash=invitations.token_hash(token),
            inclusion_probability=probability,
            status="delivered",
            due_at=now - timedelta(minutes=20),
            sent_at=now - timedelta(minutes=20),
            expires_at=now + expires_in,
        )
        session.add(invitation)
        session.flush()
        invitation_id = invitation.id
    return token, invitation_id
