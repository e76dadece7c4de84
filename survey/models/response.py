"""Responses and their answers. No personal data lives here."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.domain.channels import CONTACT_CHANNELS, SURVEY_MODES
from survey.extensions import db
from survey.models.invitation import HANDLINGS
from survey.models.types import BigId, UTCDateTime


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Response(db.Model):
    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(_one_of("contact_channel", CONTACT_CHANNELS), name="contact_channel"),
        CheckConstraint(_one_of("survey_mode", SURVEY_MODES), name="survey_mode"),
        CheckConstraint(_one_of("handling", HANDLINGS), name="handling"),
        CheckConstraint(
            "inclusion_probability > 0 AND inclusion_probability <= 1",
            name="inclusion_probability",
        ),
        Index("ix_responses_org_submitted", "organisation_id", "submitted_at"),
        Index("ix_responses_survey_visitor", "survey_id", "visitor_hash"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"), index=True)
    contact_channel: Mapped[str] = mapped_column(String(20))
    survey_mode: Mapped[str] = mapped_column(String(20))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    # Through an invitation: how the contact was handled (first line, transferred, call back).
    handling: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="nl")
    # Website responses: the page path, never its query string or fragment.
    page_path: Mapped[str | None] = mapped_column(String(500))
    contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The server's receive time beside the client's: submitted_at is the client's time, moved
    # back with its other times when its clock ran ahead (survey.domain.submission.correct_clock);
    # then client_submitted_at keeps what the client sent.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    client_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kiosk: the moment the misuse rules counted this answer at (survey.domain.kiosk.rule_time).
    rule_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    inclusion_probability: Mapped[float] = mapped_column(Float, default=1.0)
    suspect: Mapped[bool] = mapped_column(Boolean, default=False)
    suspect_reason: Mapped[str | None] = mapped_column(String(40))
    # Website widget: what made it appear, how it was shown, and a keyed hash of the browser's
    # random id with the survey (only for spotting a visitor answering twice).
    trigger: Mapped[str | None] = mapped_column(String(20))
    presentation: Mapped[str | None] = mapped_column(String(10))
    visitor_hash: Mapped[str | None] = mapped_column(String(64))
    # Derived from the headline answer at ingest, so reports aggregate in SQL.
    headline_score: Mapped[int | None] = mapped_column(SmallInteger)
    satisfied: Mapped[bool | None] = mapped_column(Boolean)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Answer.id"
    )
    survey_version = relationship("SurveyVersion")
    survey = relationship("Survey")


class Answer(db.Model):
    """One stored answer: a score, a text or one selected option (several rows for multi-choice)."""

    __tablename__ = "answers"
    # Reports select answers by question (NPS, grades, reasons, comments).
    __table_args__ = (Index("ix_answers_question_key_response_id", "question_key", "response_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    # The response's submitted_at, copied: on PostgreSQL answers are partitioned by month with
    # their responses (survey/services/partitions.py), so a month is dropped as a whole.
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    question_key: Mapped[str] = mapped_column(String(40))
    number: Mapped[int | None] = mapped_column(SmallInteger)
    option: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
