"""Exactly one build and one e-mail per monthly report, whatever crashes and however many
workers run: real worker processes killed with SIGKILL at each step, and two at once."""

from __future__ import annotations

import signal
from datetime import UTC, date, datetime

import pytest

from survey.extensions import db
from survey.models import Report, ReportJob
from survey.services import report_jobs, reports
from survey.services.users import add_user
from tests.reports.data import load_month

TODAY = date(2026, 11, 5)  # the October report is due

# A worker process running the monthly job that dies by SIGKILL at one step.
CRASHING_WORKER = """
import os, signal, sys
from datetime import date
from app import create_app
from survey.services import reports

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

step = sys.argv[1]
if step == "build":
    reports.pdf.render = die  # halfway through building
elif step == "send":
    record = reports.report_jobs.record
    def die_before_mail(held, **values):
        if "mail_started_at" in values:
            die()  # built, stored and written down; the e-mail not started
        return record(held, **values)
    reports.report_jobs.record = die_before_mail
elif step == "mail":
    from survey.messaging.smtp import SMTP
    original = SMTP.send
    def send_then_die(self, message):
        original(self, message)
        die()
    SMTP.send = send_then_die  # the e-mail went out, the job could not write it down
app = create_app()
with app.app_context():
    reports.build_and_send_all(date(2026, 11, 5))
"""


def _complete(report: Report) -> bool:
    """A whole PDF (header to end-of-file marker) and a workbook that opens."""
    import io

    from openpyxl import load_workbook

    load_workbook(io.BytesIO(report.xlsx), read_only=True).close()
    return report.pdf.startswith(b"%PDF-") and report.pdf.rstrip().endswith(b"%%EOF")


def _october(outcomes):
    return [o for o in outcomes if o.month == "2026-10"]


def _reports() -> list[Report]:
    db.session.rollback()
    return list(db.session.query(Report))


@pytest.fixture
def subscriber(demo_org):
    load_month()
    add_user("chef@example.nl", "a long password", "demo", receives_reports=True)


@pytest.mark.parametrize("step", ["build", "send"])
def test_a_worker_killed_during_the_monthly_job_is_caught_up_once(
    worker_process, subscriber, smtp_inbox, step
):
    assert worker_process(CRASHING_WORKER, step, timeout=120).returncode == -signal.SIGKILL
    assert len(smtp_inbox.messages) == 0
    db.session.rollback()
    job = db.session.query(ReportJob).one()
    assert job.state == "running" and job.mailed_at is None
    # No half-stored report: killed mid-build, nothing of October is stored; killed after
    # the build, October is stored whole (PDF and workbook in its one row).
    october = [r for r in _reports() if r.month == date(2026, 10, 1)]
    assert [_complete(r) for r in october] == ([] if step == "build" else [True])
    # A worker restarted at once leaves the dead worker's claim alone until its lease ends ...
    assert _october(reports.catch_up(TODAY)) == []
    # ... and the periodic catch-up after the lease builds and e-mails it, once.
    later = datetime.now(UTC) + report_jobs.LEASE
    outcomes = _october(reports.catch_up(TODAY, now=later))
    assert [(o.sent_to, o.error) for o in outcomes] == [(1, None)]
    assert len(smtp_inbox.messages) == 1
    assert sorted(f"{r.month:%Y-%m}" for r in _reports()) == ["2026-09", "2026-10"]
    assert all(_complete(r) for r in _reports())
    # Nothing runs twice afterwards: another catch-up, the 06:00 job again.
    assert reports.catch_up(TODAY, now=later) == []
    assert [o.sent_to for o in reports.build_and_send_all(TODAY)] == [0]
    assert len(smtp_inbox.messages) == 1


def test_a_worker_killed_after_the_mail_went_out_does_not_send_it_again(
    worker_process, subscriber, smtp_inbox
):
    assert worker_process(CRASHING_WORKER, "mail", timeout=120).returncode == -signal.SIGKILL
    assert len(smtp_inbox.messages) == 1
    later = datetime.now(UTC) + report_jobs.LEASE
    outcomes = _october(reports.catch_up(TODAY, now=later))
    assert [o.sent_to for o in outcomes] == [0]
    assert "not sent again" in outcomes[0].error
    assert len(smtp_inbox.messages) == 1
    db.session.rollback()
    assert db.session.query(ReportJob).filter_by(month=date(2026, 10, 1)).one().state == "done"


def test_two_workers_running_the_monthly_job_send_one_mail(race, subscriber, smtp_inbox):
    outcomes = race(lambda: reports.build_and_send_all(TODAY), timeout=120)
    results = [o for found in outcomes for o in found]
    assert sorted(o.sent_to for o in results) == [0, 1]
    assert len(smtp_inbox.messages) == 1
    assert len(_reports()) == 1


def test_a_build_that_keeps_failing_is_given_up(app, subscriber, smtp_inbox, monkeypatch):
    def broken(data):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(reports.pdf, "render", broken)
    now = datetime.now(UTC)
    for _attempt in range(report_jobs.MAX_ATTEMPTS):
        outcomes = reports.catch_up(TODAY, now=now)
        assert [o.error is not None for o in outcomes if o.month == "2026-10"] == [True]
    db.session.rollback()
    job = db.session.query(ReportJob).filter_by(month=date(2026, 10, 1)).one()
    assert job.state == "failed" and "renderer down" in job.last_error
    assert all(o.month != "2026-10" for o in reports.catch_up(TODAY, now=now))
    assert len(smtp_inbox.messages) == 0
