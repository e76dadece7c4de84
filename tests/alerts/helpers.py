"""Invitations with finished deliveries, for the invitations-failing rule."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from survey.database import unit_of_work
from survey.models import Delivery, Invitation, Survey


def deliveries(organisation_id: int, now, *, sent: int, failed: int, expired: int) -> None:
    with unit_of_work() as session:
        survey_id = session.execute(
            select(Survey.id).where(Survey.organisation_id == organisation_id)
        ).scalars().first()
        outcomes = (
            [("sent", None)] * sent
            + [("failed_permanent", "invalid_number Twilio 21211")] * failed
            + [("failed_permanent", "expired")] * expired
        )
        for i, (status, error) in enumerate(outcomes):
            invitation = Invitation(
                organisation_id=organisation_id, survey_id=survey_id, contact_channel="phone",
                survey_mode="sms", token_hash=uuid.uuid4().hex, status="sent",
                due_at=now - timedelta(hours=1), expires_at=now + timedelta(days=7),
            )
            session.add(invitation)
            session.flush()
            session.add(Delivery(
                invitation_id=invitation.id, kind="invitation", status=status, attempts=1,
                finished_at=now - timedelta(minutes=1 + i % 50), error=error,
            ))
