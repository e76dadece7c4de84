"""The worker stores the dashboard's month cells; a web process's first view reads them
instead of querying the months, and gives the same figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation, StoredMonthCells
from survey.reports import dashboard_cells
from survey.reports.period import parse_month
from survey.services import dashboard, dashboard_warm
from survey.services.users import add_user
from tests.reports.data import load_month

TODAY = date(2026, 11, 5)  # the default view is October 2026
PASSWORD = "a long password"


@pytest.fixture
def org(app, demo_org):
    dashboard_cells.clear()
    load_month()
    yield db.session.query(Organisation).filter_by(slug="demo").one()
    dashboard_cells.clear()


def _view(org, args):
    return dashboard.view(org, args, "nl", today=TODAY)


def test_current_months_cover_the_default_month_and_its_quarter():
    months = dashboard_warm.current_months(TODAY)
    assert parse_month("2026-10") in months and parse_month("2026-12") in months  # Q4
    assert parse_month("2025-10") in months  # October's trend and the year before
    assert parse_month("2023-10") in months  # the quarter's 13-quarter trend
    assert months == sorted(set(months))


def test_stored_cells_give_the_same_dashboard_without_a_query(org):
    args = {"period": "quarter", "at": "2026-Q4"}
    queried = _view(org, args)
    assert queried.cold  # nothing stored yet: the months were queried
    stored = dashboard_warm.warm(TODAY, org.id)
    assert stored == len(dashboard_warm.current_months(TODAY))
    assert db.session.query(StoredMonthCells).count() == stored

    dashboard_cells.clear()  # a fresh web process
    again = _view(org, args)
    assert not again.cold  # every month came from the stored cells
    assert again.data.to_dict() == queried.data.to_dict()
    month = _view(org, {"period": "month", "at": "2026-10"})
    assert not month.cold and month.data.summary.responses == 85


def test_stale_stored_cells_are_queried_again(org):
    dashboard_warm.warm(TODAY, org.id)
    with unit_of_work() as session:
        row = session.execute(
            db.select(StoredMonthCells).where(StoredMonthCells.month == parse_month("2026-10"))
        ).scalar_one()
        row.built_at = datetime.now(UTC) - timedelta(seconds=dashboard_cells.STORED_RECENT + 1)
    dashboard_cells.clear()
    assert _view(org, {"period": "month", "at": "2026-10"}).cold


def test_a_cold_view_asks_the_worker_to_store_the_current_months(app, client, org):
    add_user("viewer@example.nl", PASSWORD, "demo")
    client.post("/staff/login", data={"email": "viewer@example.nl", "password": PASSWORD})
    assert db.session.query(StoredMonthCells).count() == 0
    assert client.get("/staff/demo/dashboard?period=month&at=2026-10").status_code == 200
    db.session.rollback()
    # The test queue runs the task at once; a worker would run it shortly after.
    assert db.session.query(StoredMonthCells).count() > 0


def test_warm_tasks_run_at_night_and_every_five_minutes():
    from survey import tasks  # noqa: F401  (registers the tasks)
    from survey.queue import huey

    def due(moment):
        return {t.name for t in huey.read_periodic(moment)}

    assert "warm_dashboards" in due(datetime(2026, 11, 6, 2, 0))  # 03:00 CET
    assert "warm_dashboards" not in due(datetime(2026, 11, 6, 3, 0))
    assert "warm_recent_dashboards" in due(datetime(2026, 11, 6, 3, 5))
    assert "warm_recent_dashboards" not in due(datetime(2026, 11, 6, 3, 7))


def test_stored_cells_are_weighted_again_when_the_volumes_changed(org):
    from survey.services.volumes import set_volume

    args = {"period": "month", "at": "2026-10"}
    dashboard_warm.warm(TODAY, org.id)
    set_volume("demo", "2026-10", "phone", 6000)  # ten times the calls: phone weighs more
    dashboard_cells.clear()
    from_stored = _view(org, args)
    assert not from_stored.cold
    db.session.execute(db.delete(StoredMonthCells))
    db.session.commit()
    dashboard_cells.clear()
    queried = _view(org, args)
    assert queried.cold
    assert from_stored.data.to_dict() == queried.data.to_dict()
