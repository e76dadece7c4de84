"""Reports of a quarter, a year or a unit (team), their runs and who gets them by e-mail;
the dashboard's month cells kept for every web process."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow


class PeriodReport(db.Model):
    """One run of a period report: scheduled (a quarter, a year, a unit's month; `run_key`
    names the report, so two workers share one row) or asked for with the dashboard's
    "Maak rapport" button (`run_key` is the request's own). A worker claims the row for a
    lease and writes down each step (progress, built, e-mail started, e-mailed, done), as a
    monthly report's run does in `report_jobs`."""

    __tablename__ = "period_reports"
    __table_args__ = (UniqueConstraint("run_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    run_key: Mapped[str] = mapped_column(String(120))
    origin: Mapped[str] = mapped_column(String(10))  # schedule, request
    kind: Mapped[str] = mapped_column(String(10))  # month, quarter, year, range
    first_month: Mapped[date] = mapped_column(Date)
    last_month: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)  # the dashboard's URL filters
    language: Mapped[str] = mapped_column(String(5), default="nl")
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(10), default="queued")  # queued running done failed
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    worker: Mapped[str | None] = mapped_column(String(80))  # the claim's random token
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_to: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300), default="")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    xlsx: Mapped[bytes | None] = mapped_column(LargeBinary)  # the report's tables
    last_error: Mapped[str | None] = mapped_column(Text)


class ReportSubscription(db.Model):
    """A staff member who gets a kind of report by e-mail: the whole organisation's or one
    unit's (team's), per month, quarter or year."""

    __tablename__ = "report_subscriptions"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id", "kind", "unit_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # month, quarter, year
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    unit_key: Mapped[int] = mapped_column(Integer, default=0)  # unit_id or 0: unique with NULL
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportDelivery(db.Model):
    """One report e-mailed to one person: a monthly report (``report_key`` "report:<id>") or
    a period report's run ("run:<id>"). The row is written (claimed) before the e-mail goes
    out and is unique per report and person, so the scheduled mailing, a late subscriber's
    e-mail and a second worker never send anyone the same report twice; it stays when the
    subscription is removed."""

    __tablename__ = "report_deliveries"
    __table_args__ = (UniqueConstraint("report_key", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    report_key: Mapped[str] = mapped_column(String(40))
    origin: Mapped[str] = mapped_column(String(10))  # schedule, late
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)


class StoredMonthCells(db.Model):
    """A month's dashboard cells (survey.reports.dashboard_cells) as compressed JSON, written
    by the worker so the first dashboard view in any web process need not query the month."""

    __tablename__ = "dashboard_cells"
    __table_args__ = (UniqueConstraint("organisation_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    month: Mapped[date] = mapped_column(Date)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
