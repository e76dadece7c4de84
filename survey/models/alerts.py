"""Alert rules per organisation, the log of alerts that fired, and kiosk readings the rules
compare over time (survey.domain.alerts decides; survey.services.alerts reads and writes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.types import BigId, UTCDateTime, utcnow


class AlertRule(db.Model):
    """One rule's settings for one organisation; a rule without a row uses its defaults."""

    __tablename__ = "alert_rules"
    __table_args__ = (UniqueConstraint("organisation_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    cooldown_minutes: Mapped[int] = mapped_column(Integer)
    # The rule's thresholds by name (survey.domain.alerts.RULES lists them and their defaults).
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    # Staff e-mail addresses the alert goes to; empty: only the alert log.
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AlertEvent(db.Model):
    """An alert that fired: what, about which subject, when, and whether its e-mail went out."""

    __tablename__ = "alert_events"
    __table_args__ = (
        Index("ix_alert_events_org_rule_subject", "organisation_id", "rule", "subject"),
        Index("ix_alert_events_org_fired", "organisation_id", "fired_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    rule: Mapped[str] = mapped_column(String(40))
    # What it is about: "location:3", "device:7", "channel:kiosk:2026-W48", "invitations".
    subject: Mapped[str] = mapped_column(String(100))
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The figures that made it fire (counts, shares, minutes; never a citizen's words).
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    # Set by the one worker that claims the e-mail, just before it goes out (never sent twice).
    mail_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_error: Mapped[str | None] = mapped_column(String(500))


class KioskReading(db.Model):
    """A kiosk's queue and refused count as the alert evaluation saw them (kept one day)."""

    __tablename__ = "kiosk_readings"
    __table_args__ = (Index("ix_kiosk_readings_device_at", "device_id", "read_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queue_length: Mapped[int | None] = mapped_column(Integer)
    refused_count: Mapped[int | None] = mapped_column(Integer)
