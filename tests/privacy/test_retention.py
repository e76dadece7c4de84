"""The retention job: after it nothing personal is left in any table (every text and JSON
column of every table is searched for the seeded names, numbers, addresses and comments),
the report figures are the same before and after, and the run is logged with its counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Answer, Organisation, Report, Response, RetentionRun
from survey.services import reports, retention
from survey.services.reports import build_monthly_report, report_data
from tests.privacy.helpers import (
    PERSONAL,
    callback_request,
    contact_with_failed_message,
    found_personal,
    phone_answers,
)

NOW = datetime.now(UTC).replace(microsecond=0)
OLD = retention.months_before(NOW, 30).replace(day=10, hour=10, minute=0, second=0)
RECENT = NOW - timedelta(days=20)


def figures(data) -> dict:
    """A report's data without the comments: everything a figure is made of."""
    plain = data.to_dict()
    plain.pop("comments")
    if plain.get("follow_up"):
        plain["follow_up"].pop("as_of", None)  # when it was built, not a figure
    return plain


@pytest.fixture
def seeded(demo_org):
    org_id = db.session.execute(select(Organisation.id).where(Organisation.slug == "demo")).scalar()
    phone_answers(OLD, PERSONAL["comments"])
    phone_answers(RECENT, ["Recent: de wachttijd was kort"])
    contact_with_failed_message(org_id, "gesprek-oud-1", OLD)
    first_old = db.session.execute(
        select(Response.id).where(Response.submitted_at < OLD + timedelta(days=1))
    ).scalars().first()
    callback_request(org_id, first_old, OLD, closed=True)
    build_monthly_report("demo", OLD.date().replace(day=1))
    return org_id


def test_after_the_job_nothing_personal_is_left_and_the_figures_stay(seeded):
    org = db.session.get(Organisation, seeded)
    month = OLD.date().replace(day=1)
    before = report_data(org, month)
    stored_before = reports.stored_data(db.session.execute(select(Report)).scalar_one())
    answers_before = db.session.execute(select(func.count()).select_from(Answer)).scalar()
    responses_before = db.session.execute(select(func.count()).select_from(Response)).scalar()
    # The walk finds every seeded value before the job (so it can fail).
    assert set(found_personal()) == set(PERSONAL["all"])
    assert len(before.comments) == 12
    # The callback request is counted in the report's follow-up section (one, closed).
    callbacks = before.to_dict()["follow_up"]["callbacks"]
    assert {(row["group"], row["received"], row["closed"]) for row in callbacks} >= {
        ("all", 1, 1)
    }

    run = retention.run(NOW)

    assert found_personal() == {}
    after = report_data(org, month)
    assert figures(after) == figures(before)
    assert after.comments == ()
    stored = reports.stored_data(db.session.execute(select(Report)).scalar_one())
    assert figures(stored) == figures(stored_before) and stored.comments == ()
    assert db.session.execute(select(func.count()).select_from(Answer)).scalar() == answers_before
    assert (
        db.session.execute(select(func.count()).select_from(Response)).scalar()
        == responses_before
    )
    # The recent comment is within the 24 months and stays.
    kept = db.session.execute(select(Answer.text).where(Answer.text.is_not(None))).scalars()
    assert list(kept) == ["Recent: de wachttijd was kort"]
    # The run is logged with its counts.
    assert run.status == "ok" and run.errors == {}
    assert run.counts["totals"] == {
        "comments": 12, "stored_reports": 1, "invitation_addresses": 1, "delivery_errors": 1,
        "callback_details": 1, "case_notes": 1,
    }
    # The callback case keeps what the report counts: status, outcome, times.
    from survey.models import CallbackCase, CallbackRequest

    case = db.session.execute(select(CallbackCase)).scalar_one()
    assert (case.status, case.outcome, case.closed_at is not None) == ("done", "solved", True)
    request = db.session.execute(select(CallbackRequest)).scalar_one()
    assert request.details_erased_at == NOW and request.name is None
    assert run.counts["organisations"] == {str(seeded): {"comments": 12, "stored_reports": 1}}
    # A second run finds nothing more.
    again = retention.run(NOW + timedelta(days=1))
    assert set(again.counts["totals"].values()) == {0}
    assert db.session.execute(select(func.count()).select_from(RetentionRun)).scalar() == 2


def test_the_retention_period_is_the_organisations_setting(seeded):
    # 36 months: the 30-month-old comments stay.
    retention.set_retention("test", seeded, 36)
    run = retention.run(NOW)
    assert run.counts["totals"]["comments"] == 0
    assert db.session.execute(
        select(func.count()).select_from(Answer).where(Answer.text.is_not(None))
    ).scalar() == 13
    # 1 month: the recent one goes too (it is 20 days old: stays), old ones go.
    retention.set_retention("test", seeded, 1)
    assert retention.run(NOW).counts["totals"]["comments"] == 12


@pytest.mark.parametrize("months", [0, 121, "twelve", None])
def test_a_bad_retention_period_is_refused_and_nothing_changes(seeded, months):
    from survey.errors import Invalid
    from tests.conftest import count_rows

    rows = count_rows()
    with pytest.raises(Invalid) as error:
        retention.set_retention("test", seeded, months)
    assert error.value.field == "comment_retention_months"
    assert "1 to 120 months" in error.value.message
    assert count_rows() == rows
    assert db.session.get(Organisation, seeded).comment_retention_months == 24


def test_a_failing_step_is_logged_and_the_others_still_run(seeded, monkeypatch):
    def broken(now):
        raise RuntimeError("archive unavailable")

    monkeypatch.setattr(retention, "STEPS", list(retention.STEPS))
    retention.register_step("archive", broken)
    run = retention.run(NOW)
    assert run.status == "failed"
    assert run.errors == {"archive": "RuntimeError: archive unavailable"}
    assert run.counts["totals"]["comments"] == 12
    assert found_personal() == {}


def test_months_before_keeps_the_day_or_takes_the_months_last():
    moment = datetime(2026, 3, 31, 4, 0, tzinfo=UTC)
    assert retention.months_before(moment, 1) == datetime(2026, 2, 28, 4, 0, tzinfo=UTC)
    assert retention.months_before(moment, 24) == datetime(2024, 3, 31, 4, 0, tzinfo=UTC)
    assert retention.months_before(moment, 13) == datetime(2025, 2, 28, 4, 0, tzinfo=UTC)
    assert retention.months_before(datetime(2026, 1, 15, tzinfo=UTC), 1) == datetime(
        2025, 12, 15, tzinfo=UTC
    )


def test_the_worker_task_runs_the_job(seeded):
    from survey import tasks

    with unit_of_work() as session:  # make the old answers old relative to the real clock
        session.execute(update(Response).values(submitted_at=OLD))
    tasks.retention.call_local()
    run = db.session.execute(select(RetentionRun)).scalar_one()
    assert run.counts["totals"]["comments"] == 13  # all 13 are old now
    assert found_personal() == {}


def test_the_command_runs_the_job_and_prints_its_counts(seeded, runner):
    import json

    result = runner.invoke(args=["kto", "privacy", "retention"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["status"] == "ok" and printed["errors"] == {}
    # The real clock: the 30-month-old comments are old, the 20-day-old one is not.
    assert printed["totals"]["comments"] == 12
    assert found_personal() == {}
