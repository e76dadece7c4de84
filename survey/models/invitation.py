"""Contacts reported by an organisation, the invitations they lead to, and the opt-out list.

A contact's cleartext address is kept only until its invitation's outcome is final (7 days at
the latest, survey.services.invitations.erase_addresses); the keyed hash stays for throttling
and opt-out. An invitation never has an address of its own: it is sent to its contact's.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.domain.channels import CONTACT_CHANNELS
from survey.extensions import db
from survey.models.types import BigId, UTCDateTime, utcnow

HANDLINGS = ("first_line", "transferred", "callback_promised")
ADDRESS_KINDS = ("phone", "email")
CONTACT_OUTCOMES = (
    "invited",
    "not_eligible",
    "not_sampled",
    "throttled",
    "opted_out",
    "no_address",
    "capped",
)
INVITATION_MODES = ("sms", "email", "whatsapp")
INVITATION_STATUSES = ("scheduled", "sending", "sent", "delivered", "failed", "expired")
DELIVERY_KINDS = ("invitation", "reminder")
DELIVERY_STATUSES = ("claimed", "sent", "failed_temporary", "failed_permanent", "unknown")
OPT_OUT_SOURCES = ("sms_stop", "email_unsubscribe", "survey_page", "whatsapp", "staff")


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Contact(db.Model):
    """One contact a citizen had with the organisation (a call, an e-mail, a form ...)."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("organisation_id", "reference"),
        CheckConstraint(_one_of("contact_channel", CONTACT_CHANNELS), name="contact_channel"),
        CheckConstraint(_one_of("handling", HANDLINGS), name="handling"),
        CheckConstraint(_one_of("address_kind", ADDRESS_KINDS), name="address_kind"),
        CheckConstraint(_one_of("outcome", CONTACT_OUTCOMES), name="outcome"),
        Index("ix_contacts_org_ended", "organisation_id", "ended_at"),
        Index("ix_contacts_org_address_hash", "organisation_id", "address_hash"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # The organisation's own reference, or a UUID the client made: what makes a retry harmless.
    reference: Mapped[str | None] = mapped_column(String(100))
    client_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    contact_channel: Mapped[str] = mapped_column(String(20))
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    handling: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="nl")
    address_kind: Mapped[str | None] = mapped_column(String(10))
    # Cleartext, normalised (E.164 or a lower-cased e-mail address); erased later.
    address: Mapped[str | None] = mapped_column(String(320))
    # HMAC-SHA256 of the normalised address with the server's ADDRESS_HASH_KEY.
    address_hash: Mapped[str | None] = mapped_column(String(64))
    address_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invitation: Mapped[Invitation | None] = relationship(back_populates="contact", uselist=False)


class Invitation(db.Model):
    """An invitation sent after a contact (SMS, e-mail, WhatsApp); holds no contact details."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(_one_of("status", INVITATION_STATUSES), name="status"),
        CheckConstraint(
            "inclusion_probability > 0 AND inclusion_probability <= 1",
            name="inclusion_probability",
        ),
        Index("ix_invitations_status_due", "status", "due_at"),
        Index("ix_invitations_org_created", "organisation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), unique=True)
    contact_channel: Mapped[str] = mapped_column(String(20))
    survey_mode: Mapped[str] = mapped_column(String(20))
    # sha256 hex of the link token; the token itself is only ever in the message.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    inclusion_probability: Mapped[float] = mapped_column(default=1.0)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    quiet_delayed: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminder_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_code: Mapped[str | None] = mapped_column(String(40))
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_message_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship("Organisation")
    survey = relationship("Survey")
    contact: Mapped[Contact | None] = relationship(back_populates="invitation")
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="invitation", order_by="Delivery.id"
    )


class Delivery(db.Model):
    """The send-once record of one message (the invitation or its reminder)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("invitation_id", "kind"),
        CheckConstraint(_one_of("kind", DELIVERY_KINDS), name="kind"),
        CheckConstraint(_one_of("status", DELIVERY_STATUSES), name="status"),
        Index("ix_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="claimed")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_message_id: Mapped[str | None] = mapped_column(String(100))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(500))

    invitation: Mapped[Invitation] = relationship(back_populates="deliveries")


class OptOut(db.Model):
    """A person (by address hash) who does not want invitations from this organisation."""

    __tablename__ = "opt_outs"
    __table_args__ = (
        UniqueConstraint("organisation_id", "address_hash"),
        CheckConstraint(_one_of("source", OPT_OUT_SOURCES), name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    address_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InvitationRule(db.Model):
    """When and how an organisation invites after a contact through one channel."""

    __tablename__ = "invitation_rules"
    __table_args__ = (
        UniqueConstraint("organisation_id", "contact_channel"),
        CheckConstraint(_one_of("contact_channel", CONTACT_CHANNELS), name="contact_channel"),
        CheckConstraint("sampling_rate > 0 AND sampling_rate <= 1", name="sampling_rate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    contact_channel: Mapped[str] = mapped_column(String(20))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    sampling_rate: Mapped[float] = mapped_column(Float, default=1.0)
    delay_minutes: Mapped[int] = mapped_column(Integer, default=10)
    quiet_start: Mapped[time] = mapped_column(Time, default=time(21, 0))
    quiet_end: Mapped[time] = mapped_column(Time, default=time(9, 0))
    throttle_days: Mapped[int] = mapped_column(Integer, default=30)
    expiry_days: Mapped[int] = mapped_column(Integer, default=7)
    daily_cap: Mapped[int | None] = mapped_column(Integer)
    reminder_after_hours: Mapped[int | None] = mapped_column(Integer)
    # {"sms": {"nl": "...", "en": "..."}, "email_subject": {...}, "email_body": {...}};
    # a text left out is the built-in default.
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    # The mode to invite by when the channel allows more than one (a call: "sms" or
    # "whatsapp"); NULL is the channel's default (survey.domain.invitation_rules).
    survey_mode: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    survey = relationship("Survey")
