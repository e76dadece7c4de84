"""Reports the 06:00 job missed are built when a worker starts, once, and the demo comes
with its reports."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from survey.extensions import db
from survey.models import Organisation, Report
from survey.services import reports
from survey.services.responses import record_many
from survey.services.users import add_user
from tests.reports.data import COUNTER, load_month, payload

TODAY = date(2026, 12, 5)  # data of September and October 2026; November is empty


def _months() -> list[str]:
    db.session.rollback()  # a fresh snapshot: other sessions (workers) wrote meanwhile
    return sorted(f"{r.month:%Y-%m}" for r in db.session.query(Report))


@pytest.fixture
def inbox(smtp_inbox):
    return smtp_inbox


def test_missing_months_from_first_response_to_last_month(demo_org):
    load_month()
    org_id = db.session.query(Organisation).filter_by(slug="demo").one().id
    assert [f"{m:%Y-%m}" for m in reports.missing_months(org_id, TODAY)] == [
        "2026-09",
        "2026-10",
        "2026-11",
    ]
    reports.build_monthly_report("demo", "2026-10")
    assert [f"{m:%Y-%m}" for m in reports.missing_months(org_id, TODAY)] == [
        "2026-09",
        "2026-11",
    ]


def test_missing_months_look_back_at_most_thirteen_months(demo_org):
    record_many([payload(*COUNTER, {"oordeel": "up"}, datetime(2024, 1, 10, 9, tzinfo=UTC))])
    org_id = db.session.query(Organisation).filter_by(slug="demo").one().id
    months = reports.missing_months(org_id, TODAY)
    assert len(months) == 13 and months[0] == date(2025, 11, 1) and months[-1] == date(2026, 11, 1)
    assert reports.missing_months(org_id, date(2023, 12, 31)) == []


def test_catch_up_builds_each_missing_month_and_mails_only_the_last(demo_org, inbox):
    load_month()
    add_user("chef@example.nl", "a long password", "demo", receives_reports=True)
    reports.build_monthly_report("demo", "2026-10")
    outcomes = reports.catch_up(TODAY)
    assert [(o.organisation, o.month, o.sent_to, o.error) for o in outcomes] == [
        ("demo", "2026-09", 0, None),
        ("demo", "2026-11", 1, None),
    ]
    assert _months() == ["2026-09", "2026-10", "2026-11"]
    assert len(inbox.messages) == 1 and b"november 2026" in inbox.contents[0]
    # Running it again (the next worker start) builds and sends nothing.
    assert reports.catch_up(TODAY) == []
    assert len(inbox.messages) == 1 and db.session.query(Report).count() == 3
    # Nor does the 06:00 job when it runs after a catch-up that already sent last month.
    outcomes = reports.build_and_send_all(TODAY)
    assert [(o.month, o.sent_to, o.error) for o in outcomes] == [("2026-11", 0, None)]
    assert len(inbox.messages) == 1


def test_two_workers_starting_at_once_build_each_month_once(race, demo_org, inbox):
    load_month()
    add_user("chef@example.nl", "a long password", "demo", receives_reports=True)
    results = race(lambda: reports.catch_up(TODAY))
    built = sorted(o.month for outcome in results for o in outcome)
    assert built == ["2026-09", "2026-10", "2026-11"]  # each month by one worker only
    assert _months() == ["2026-09", "2026-10", "2026-11"]
    assert len(inbox.messages) == 1


def test_a_month_stored_by_another_worker_while_building_is_left_alone(demo_org, monkeypatch):
    load_month()
    org_id = db.session.query(Organisation).filter_by(slug="demo").one().id
    render = reports.pdf.render

    def other_worker_finishes_first(data):
        db.session.add(
            Report(
                organisation_id=org_id,
                month=date(2026, 10, 1),
                language="nl",
                pdf=b"%PDF other",
                xlsx=b"PK",
                data={},
            )
        )
        db.session.commit()
        return render(data)

    monkeypatch.setattr(reports.pdf, "render", other_worker_finishes_first)
    assert reports.build_monthly_report("demo", "2026-10", only_if_missing=True) is None
    stored = db.session.query(Report).one()
    assert stored.pdf == b"%PDF other"


def test_worker_start_catches_up(app, demo_org, monkeypatch):
    from survey import worker

    load_month()
    org_id = db.session.query(Organisation).filter_by(slug="demo").one().id
    today = datetime.now(reports.AMSTERDAM).date()
    due = [f"{m:%Y-%m}" for m in reports.missing_months(org_id, today)]
    assert due  # September 2026 up to last month, at most thirteen months
    ran = []

    class Consumer:
        def __init__(self, *args, **kwargs):
            pass

        def run(self):
            ran.append(True)

    monkeypatch.setattr(worker, "create_app", lambda: app)
    monkeypatch.setattr(worker, "Consumer", Consumer)
    worker.main()  # the test queue runs tasks at once (HUEY_IMMEDIATE)
    assert ran == [True]
    assert _months() == due
