"""The worker keeps the dashboard's month cells of every organisation's current periods in
``dashboard_cells``, so the first view in a web process reads them instead of querying a
million responses (survey.reports.dashboard_cells explains the two caches).

Current periods: the dashboard's default view (last month) and the quarter it falls in, each
with the months its comparisons and 13-period trend read. Every night all of them are stored
again; every few minutes the last two months (they still receive responses); and when a view
found a month cold (the web process enqueues survey.tasks.warm_dashboard)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation, StoredMonthCells
from survey.reports import dashboard_cells
from survey.reports.periods import Period
from survey.services.period_reports import last_complete, needed_months

log = logging.getLogger(__name__)


def current_months(today: date) -> list[date]:
    """The months the default month view and its quarter's view read."""
    month = last_complete("month", today)
    quarter_first = date(month.first.year, 3 * ((month.first.month - 1) // 3) + 1, 1)
    quarter = Period("quarter", quarter_first, date(quarter_first.year, quarter_first.month + 2, 1))
    return sorted(set(needed_months(month, False)) | set(needed_months(quarter, False)))


def store(organisation_id: int, month: date) -> None:
    """Query the month's cells and store them (replacing an older copy)."""
    cells = dashboard_cells.query_month(organisation_id, month)
    payload = dashboard_cells.encode(cells)
    try:
        with unit_of_work() as session:
            row = session.execute(
                select(StoredMonthCells).where(
                    StoredMonthCells.organisation_id == organisation_id,
                    StoredMonthCells.month == month,
                )
            ).scalar()
            if row is None:
                row = StoredMonthCells(organisation_id=organisation_id, month=month)
                session.add(row)
            row.payload, row.built_at = payload, datetime.now(UTC)
    except IntegrityError:
        db.session.rollback()  # another worker stored the same month at the same moment


def warm(today: date, organisation_id: int | None = None, recent_only: bool = False) -> int:
    """Store the current months of every organisation (or one); with ``recent_only`` only
    the last two. Returns how many months were stored."""
    query = select(Organisation.id).order_by(Organisation.id)
    if organisation_id is not None:
        query = query.where(Organisation.id == organisation_id)
    months = current_months(today)
    if recent_only:
        months = [m for m in months if dashboard_cells.recent(m, today)]
    stored = 0
    for org_id in list(db.session.execute(query).scalars()):
        for month in months:
            store(org_id, month)
            stored += 1
    log.info("Stored %s months of dashboard cells", stored)
    return stored
