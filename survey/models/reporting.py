"""Contact volumes, report targets and built monthly reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.domain.channels import CONTACT_CHANNELS
from survey.extensions import db
from survey.models.organisation import Organisation
from survey.models.types import UTCDateTime, utcnow


class ContactVolume(db.Model):
    """How many contacts a channel had in a month: the population total reports weight to."""

    __tablename__ = "contact_volumes"
    __table_args__ = (
        UniqueConstraint("organisation_id", "month", "contact_channel"),
        CheckConstraint(
            "contact_channel IN (" + ", ".join(repr(c) for c in CONTACT_CHANNELS) + ")",
            name="contact_channel",
        ),
        CheckConstraint("count >= 0", name="count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    contact_channel: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReportTarget(db.Model):
    """A norm a report checks, e.g. 90% satisfied, or 80% 'yes' to the in-one-go question."""

    __tablename__ = "report_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # None: the satisfied share; else the 'yes' share of this yes/no question.
    question_key: Mapped[str | None] = mapped_column(String(40))
    contact_channel: Mapped[str | None] = mapped_column(String(20))  # None: all channels
    share: Mapped[float] = mapped_column(Float)  # 0..1
    label_nl: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship()


class Report(db.Model):
    """A built monthly report, stored so every web node can serve it."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("organisation_id", "month", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    month: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    status: Mapped[str] = mapped_column(String(10), default="ok")
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    xlsx: Mapped[bytes] = mapped_column(LargeBinary)
    # The report's numbers as plain JSON: CSV downloads and SVG charts are drawn from it.
    data: Mapped[dict] = mapped_column(JSON)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()



class ReportJob(db.Model):
    """The one run of a monthly report (organisation, month, language), however many workers
    try it: a worker claims the row before building and holds it for a lease; a claim whose
    lease ran out (the worker crashed) may be taken over. `mail_started_at` is written before
    the e-mail goes out and `mailed_at` after, so a report is never e-mailed twice."""

    __tablename__ = "report_jobs"
    __table_args__ = (UniqueConstraint("organisation_id", "month", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    month: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    state: Mapped[str] = mapped_column(String(10), default="running")  # running, done
    worker: Mapped[str] = mapped_column(String(80))  # the claim's random token
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
