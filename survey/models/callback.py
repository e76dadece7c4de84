"""Callback requests (terugbelverzoeken) and the follow-up cases they become.

A request is what a citizen asked for at the end of a survey: consent, a phone number or e-mail
address, the name to address them by and a free text. It lives apart from the anonymous
response; `response_id` is shown only to analysts. The contact details are erased (set to NULL,
`details_erased_at` set) when the case is closed, and after 30 days at the latest
(survey/services/callbacks.py: purge_expired_callback_details). A case is the work for one
unit: deadline in working days, assignment, status, notes, outcome, first contact.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow

CASE_STATUSES = ("new", "in_progress", "done", "unreachable")
OPEN_STATUSES = ("new", "in_progress")
CLOSED_STATUSES = ("done", "unreachable")
CASE_OUTCOMES = ("solved", "explained", "referred", "complaint", "other")


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class CallbackRequest(db.Model):
    """A citizen's request to be called or mailed back; its details are erased on closing."""

    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The client's id (the kiosk makes it): a retry with the same id and content is a success.
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The anonymous response it followed: only analysts see this link.
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id"), unique=True)
    # Copied from the response, so counts per channel need no join with responses.
    survey_mode: Mapped[str] = mapped_column(String(20))
    contact_channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="nl")
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Personal details: NULL once erased.
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    message: Mapped[str | None] = mapped_column(Text)
    details_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[CallbackCase] = relationship(back_populates="request", uselist=False)


class CallbackCase(db.Model):
    """The follow-up of one callback request by a unit, within the organisation's norm."""

    __tablename__ = "callback_cases"
    __table_args__ = (
        CheckConstraint(_one_of("status", CASE_STATUSES), name="status"),
        CheckConstraint(
            "outcome IS NULL OR " + _one_of("outcome", CASE_OUTCOMES), name="outcome"
        ),
        Index("ix_callback_cases_org_status_due", "organisation_id", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    request_id: Mapped[int] = mapped_column(ForeignKey("callback_requests.id"), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    outcome: Mapped[str | None] = mapped_column(String(20))
    # The organisation's norm when the case arrived, and the deadline it gives.
    norm_days: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The first time staff reached (or tried to reach) the citizen: for the time to first contact.
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # E-mails to the unit's inbox, each sent once.
    arrival_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[CallbackRequest] = relationship(back_populates="case")
    unit = relationship("Unit")
    assignee = relationship("User")
    notes: Mapped[list[CallbackNote]] = relationship(
        back_populates="case", order_by="CallbackNote.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CallbackNote(db.Model):
    """A staff note on a case (what was tried, what was agreed)."""

    __tablename__ = "callback_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("callback_cases.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(254))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[CallbackCase] = relationship(back_populates="notes")
