"""Open data: what an organisation publishes at /open/<code>/ when its administrator switched
it on (off by default). The months are those with a built monthly report; the figures are
that report's headline figures (survey.reports.open_data). An organisation that does not
publish is a NotFound, the same as one that does not exist."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from survey.errors import NotFound
from survey.extensions import db
from survey.models import Organisation, Report
from survey.reports.data import ReportData
from survey.reports.period import parse_month

# The stored report whose numbers are published: the Dutch one (the monthly job builds it),
# else the English one; the numbers are the same in both.
PREFERENCE = ("nl", "en")


@dataclass(frozen=True)
class Published:
    organisation_id: int
    slug: str
    name: str


@dataclass(frozen=True)
class Month:
    month: date
    built_at: datetime


@dataclass(frozen=True)
class MonthFigures:
    publisher: Published
    month: date
    built_at: datetime
    data: ReportData

    def version(self) -> str:
        """Changes whenever the figures may have (a rebuilt report): for ETags."""
        return hashlib.sha256(
            f"{self.publisher.slug}|{self.month}|{self.built_at.isoformat()}".encode()
        ).hexdigest()[:32]


def _not_published() -> NotFound:
    return NotFound("not_published", "This organisation publishes no open data.", "organisation")


def publisher(slug: str) -> Published:
    """The organisation with this code if it publishes open data; NotFound otherwise."""
    row = db.session.execute(
        select(Organisation.id, Organisation.slug, Organisation.name).where(
            Organisation.slug == (slug or "")[:40], Organisation.open_data.is_(True)
        )
    ).first()
    if row is None:
        raise _not_published()
    return Published(*row)


def months(published: Published) -> list[Month]:
    """The months with a built monthly report, newest first (the latest build of each)."""
    rows = db.session.execute(
        select(Report.month, Report.built_at).where(
            Report.organisation_id == published.organisation_id, Report.status == "ok"
        )
    ).all()
    newest: dict[date, datetime] = {}
    for month, built_at in rows:
        if month not in newest or built_at > newest[month]:
            newest[month] = built_at
    return [Month(m, newest[m]) for m in sorted(newest, reverse=True)]


def listing_version(published: Published, found: list[Month]) -> str:
    text = "|".join(f"{m.month}:{m.built_at.isoformat()}" for m in found)
    return hashlib.sha256(f"{published.slug}|{published.name}|{text}".encode()).hexdigest()[:32]


def month_figures(published: Published, month: str) -> MonthFigures:
    """The stored report's figures of one month (YYYY-MM); NotFound for a month without a
    report or a month that is not one."""
    try:
        day = parse_month(month or "")
    except ValueError:
        raise NotFound("unknown_month", "No figures for this month.", "month") from None
    reports = {
        language: (data, built_at)
        for language, data, built_at in db.session.execute(
            select(Report.language, Report.data, Report.built_at).where(
                Report.organisation_id == published.organisation_id,
                Report.month == day,
                Report.status == "ok",
            )
        ).all()
    }
    for language in PREFERENCE:
        if language in reports:
            data, built_at = reports[language]
            return MonthFigures(published, day, built_at, ReportData.from_dict(data))
    raise NotFound("unknown_month", "No figures for this month.", "month")
