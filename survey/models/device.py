"""Devices (kiosk tablets): what a kiosk response is tied to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow


class Device(db.Model):
    """A kiosk tablet at a location, answering one survey; authenticated by a secret's hash."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    name: Mapped[str] = mapped_column(String(100), default="")
    secret_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One-time enrolment link: only its hash is kept, and it is cleared once used.
    enrolment_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolment_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Health, as reported by the kiosk's heartbeat.
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime)
    app_version: Mapped[str | None] = mapped_column(String(40))
    queue_length: Mapped[int | None] = mapped_column(Integer)
    # Answers the server refused for good (a 4xx such as 422): kept on the tablet, not resent.
    refused_count: Mapped[int | None] = mapped_column(Integer)
    last_submission_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Screen timings and misuse thresholds (survey.domain.kiosk.KioskSettings); {} = defaults.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)

    location = relationship("Location")
    survey = relationship("Survey")
    organisation = relationship("Organisation")

