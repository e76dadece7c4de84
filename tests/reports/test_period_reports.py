"""Quarter, year and unit reports: scheduled at the period's end per subscription, built from
the dashboard's data, e-mailed once per report and subscriber (two workers, a dead worker,
a run stopped while e-mailing), the PDF attached."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import UTC, date, datetime, timedelta

import pdfplumber
import pytest

from survey.extensions import db
from survey.models import PeriodReport, ReportSubscription
from survey.reports import dashboard_cells
from survey.reports.periods import Period
from survey.services import period_reports, subscriptions
from survey.services.report_jobs import LEASE
from survey.services.responses import record_many
from survey.services.users import add_user
from tests.reports.data import load_month, october, payload

NEW_YEAR = date(2027, 1, 4)  # Q4 2026 and the year 2026 have ended
PASSWORD = "a long password"


@pytest.fixture
def subscribed(demo_org):
    # Cells cached by earlier tests belong to their (deleted) organisations, whose ids SQLite
    # gives out again.
    dashboard_cells.clear()
    load_month()
    # Burgerzaken's own responses: 15 at the counter in October, 12 satisfied.
    record_many(
        [
            payload(
                "counter", "balie", "kiosk", 1.0, {"oordeel": "up" if i < 12 else "down"},
                october(3 + i), unit="burgerzaken",
            )
            for i in range(15)
        ]
    )
    add_user("kwaliteit@example.nl", PASSWORD, "demo", role="analyst")
    add_user("teamleider@example.nl", PASSWORD, "demo")
    add_user("griffie@example.nl", PASSWORD, "demo")
    subscriptions.subscribe("demo", "kwaliteit@example.nl", "quarter")
    subscriptions.subscribe("demo", "teamleider@example.nl", "quarter", "burgerzaken")
    subscriptions.subscribe("demo", "griffie@example.nl", "year")
    yield
    dashboard_cells.clear()


def _pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as doc:
        return " ".join(" ".join(p.extract_text() or "" for p in doc.pages).split())


def _mails(inbox) -> dict[str, tuple[str, str]]:
    """envelope recipient -> (subject, PDF text, attachment name), from the SMTP server"""
    out = {}
    for recipients, raw in inbox.messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        attachment = next(p for p in message.walk() if p.get_filename())
        assert attachment.get_content_type() == "application/pdf"
        text = _pdf_text(attachment.get_payload(decode=True))
        for to in recipients:
            assert to not in out  # one e-mail per report and subscriber
            out[to] = (str(message["Subject"]), text, attachment.get_filename())
    return out


def test_the_last_complete_period_of_each_kind():
    assert period_reports.last_complete("quarter", date(2027, 1, 1)) == Period(
        "quarter", date(2026, 10, 1), date(2026, 12, 1)
    )
    assert period_reports.last_complete("quarter", date(2026, 12, 31)).at() == "2026-Q3"
    assert period_reports.last_complete("quarter", date(2026, 10, 1)).at() == "2026-Q3"
    assert period_reports.last_complete("quarter", date(2026, 9, 30)).at() == "2026-Q2"
    assert period_reports.last_complete("year", date(2027, 1, 1)).at() == "2026"
    assert period_reports.last_complete("year", date(2026, 12, 31)).at() == "2025"
    assert period_reports.last_complete("month", date(2027, 1, 1)).at() == "2026-12"
    # The quarter ended at midnight Amsterdam time (CET: 23:00 UTC).
    assert period_reports.ended_at(Period("quarter", date(2026, 10, 1), date(2026, 12, 1))) == (
        datetime(2026, 12, 31, 23, tzinfo=UTC)
    )


def test_periodic_task_fires_on_the_first_at_half_past_six():
    from survey import tasks  # noqa: F401  (registers the tasks)
    from survey.queue import huey

    def due(moment):
        return "period_reports_due" in {t.name for t in huey.read_periodic(moment)}

    assert due(datetime(2027, 1, 1, 5, 30))  # 06:30 CET
    assert due(datetime(2026, 7, 1, 4, 30))  # 06:30 CEST
    assert not due(datetime(2027, 1, 1, 6, 30))
    assert not due(datetime(2027, 1, 2, 5, 30))


def test_quarter_unit_and_year_reports_are_mailed_once_at_the_year_end(
    app, subscribed, smtp_inbox
):
    outcomes = period_reports.send_due(NEW_YEAR)
    assert sorted(o.key.split(":")[2:5] for o in outcomes) == sorted(
        [
            ["quarter", "2026-Q4", "all"],
            ["quarter", "2026-Q4", str(_unit_id("burgerzaken"))],
            ["year", "2026", "all"],
        ]
    )
    assert [o.sent_to for o in outcomes] == [1, 1, 1] and all(o.error is None for o in outcomes)
    mails = _mails(smtp_inbox)
    assert set(mails) == {"kwaliteit@example.nl", "teamleider@example.nl", "griffie@example.nl"}

    subject, text, name = mails["kwaliteit@example.nl"]
    assert subject == "Gemeente Voorbeeld: rapport klanttevredenheid K4 2026"
    assert name == "kto-demo-2026-Q4-nl.pdf"
    assert "K4 2026" in text and "vorig kwartaal" in text and "vorige maand" not in text

    subject, text, name = mails["teamleider@example.nl"]
    assert subject == "Gemeente Voorbeeld · Burgerzaken: rapport klanttevredenheid K4 2026"
    assert "n = 15" in text  # the unit's responses only
    assert "Gemeente Voorbeeld · Burgerzaken" in text

    subject, text, name = mails["griffie@example.nl"]
    assert subject == "Gemeente Voorbeeld: rapport klanttevredenheid 2026"
    assert "Trend: per maand" in text  # the year's 12 months
    assert "t.o.v. vorig jaar" in text  # and the year before
    assert "n = 140" in text  # October, the unit, and September's 40 counter responses

    # Nothing is sent twice: the next catch-up, the next day, the 06:30 job again.
    assert period_reports.send_due(NEW_YEAR) == []
    assert period_reports.catch_up(NEW_YEAR + timedelta(days=1)) == []
    assert len(smtp_inbox.messages) == 3
    db.session.rollback()
    assert db.session.query(PeriodReport).filter_by(state="done").count() == 3


def test_no_quarter_report_before_the_quarter_ends(app, subscribed, smtp_inbox):
    # On 5 December 2026 the last complete quarter is Q3, which ended before anyone
    # subscribed: nobody gets it afterwards, and nothing is built.
    assert period_reports.send_due(date(2026, 12, 5)) == []
    assert len(smtp_inbox.messages) == 0
    assert db.session.query(PeriodReport).count() == 0


def test_two_workers_send_each_report_once(race, subscribed, smtp_inbox):
    results = [o for outcomes in race(lambda: period_reports.send_due(NEW_YEAR)) for o in outcomes]
    assert sorted(o.sent_to for o in results) == [1, 1, 1]
    assert len(smtp_inbox.messages) == 3
    db.session.rollback()
    assert db.session.query(PeriodReport).count() == 3


def test_a_dead_workers_run_is_taken_over_after_its_lease(app, subscribed, smtp_inbox):
    group = subscriptions.Group(_org_id(), "year", None)
    period = period_reports.last_complete("year", NEW_YEAR)
    now = datetime.now(UTC)
    # A worker claimed the year report and died before building it.
    assert period_reports.claim_scheduled(group.organisation_id, "year", period, None, "nl", now)
    assert [o.key for o in period_reports.send_due(NEW_YEAR, now=now) if "year" in o.key] == []
    assert len(smtp_inbox.messages) == 2  # the quarter reports went; the year waits
    later = now + LEASE + timedelta(seconds=1)
    outcomes = period_reports.catch_up(NEW_YEAR, now=later)
    assert [(o.key.split(":")[2], o.sent_to) for o in outcomes] == [("year", 1)]
    assert len(smtp_inbox.messages) == 3
    run = db.session.query(PeriodReport).filter(PeriodReport.kind == "year").one()
    assert run.attempts == 2 and run.state == "done"


def test_a_run_stopped_while_mailing_is_not_sent_again(app, subscribed, smtp_inbox):
    period = period_reports.last_complete("year", NEW_YEAR)
    now = datetime.now(UTC)
    held = period_reports.claim_scheduled(_org_id(), "year", period, None, "nl", now)
    period_reports.record(held, mail_started_at=now)  # ... and the worker died while sending
    later = now + LEASE + timedelta(seconds=1)
    year = [o for o in period_reports.catch_up(NEW_YEAR, now=later) if ":year:" in o.key]
    assert [(o.sent_to, o.error) for o in year] == [(0, period_reports.NOT_SENT_AGAIN)]
    assert "griffie@example.nl" not in _mails(smtp_inbox)
    assert period_reports.catch_up(NEW_YEAR, now=later) == []


def test_subscribing_refuses_unknown_people_units_and_kinds(app, subscribed):
    from survey.errors import Conflict, Invalid, NotFound

    before = db.session.query(ReportSubscription).count()
    with pytest.raises(NotFound):
        subscriptions.subscribe("demo", "onbekend@example.nl", "quarter")
    with pytest.raises(NotFound):
        subscriptions.subscribe("demo", "griffie@example.nl", "quarter", "geen-team")
    with pytest.raises(Invalid):
        subscriptions.subscribe("demo", "griffie@example.nl", "week")
    with pytest.raises(Conflict):
        subscriptions.subscribe("demo", "griffie@example.nl", "year")
    assert db.session.query(ReportSubscription).count() == before
    assert subscriptions.unsubscribe("demo", "griffie@example.nl", "year") == 1
    assert db.session.query(ReportSubscription).count() == before - 1


def test_the_monthly_report_goes_to_monthly_subscribers(app, subscribed, smtp_inbox):
    from survey.services import reports

    subscriptions.subscribe("demo", "kwaliteit@example.nl", "month")
    outcomes = reports.build_and_send_all(date(2026, 11, 5))
    assert [o.sent_to for o in outcomes] == [1]
    assert smtp_inbox.messages[0][0] == ["kwaliteit@example.nl"]


def _org_id() -> int:
    from survey.models import Organisation

    return db.session.query(Organisation).filter_by(slug="demo").one().id


def _unit_id(slug: str) -> int:
    from survey.models import Unit

    return db.session.query(Unit).filter_by(slug=slug).one().id


def test_subscriptions_from_the_command_line(runner, subscribed):
    done = runner.invoke(
        args=["kto", "report", "subscribe", "--org", "demo", "--email", "griffie@example.nl",
              "--kind", "quarter", "--unit", "burgerzaken"]
    )
    assert done.exit_code == 0, done.output
    listed = runner.invoke(args=["kto", "report", "subscriptions", "--org", "demo"]).output
    assert "griffie@example.nl\tquarter\tBurgerzaken" in listed.splitlines()
    assert "griffie@example.nl\tyear\t-" in listed.splitlines()
    bad = runner.invoke(
        args=["kto", "report", "subscribe", "--org", "demo", "--email", "griffie@example.nl",
              "--kind", "quarter", "--unit", "geen-team"]
    )
    assert bad.exit_code == 1 and "Unknown unit 'geen-team'" in bad.output


def test_the_reports_page_lists_period_reports(client, subscribed, smtp_inbox):
    period_reports.send_due(NEW_YEAR)
    client.post("/staff/login", data={"email": "griffie@example.nl", "password": PASSWORD})
    html = client.get("/staff/demo/reports").get_data(as_text=True)
    assert "Kwartaal-, jaar- en teamrapporten" in html
    assert "Gemeente Voorbeeld · Burgerzaken: K4 2026" in html
    run = db.session.query(PeriodReport).filter_by(kind="year").one()
    pdf = client.get(f"/staff/demo/report-runs/{run.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


# A worker process running the 06:30 job that dies by SIGKILL at one step.
CRASHING_WORKER = """
import os, signal, sys
from datetime import date
from app import create_app
from survey.services import period_reports

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

step = sys.argv[1]
if step == "build":
    period_reports.pdf.render = die  # halfway through building
elif step == "mail":
    period_reports.messaging.send_email = die  # e-mail started, not sent
app = create_app()
with app.app_context():
    period_reports.send_due(date(2027, 1, 4))
"""


# The job dies at the first report; the other two go out after the restart. The first is
# built and sent after its lease, or, when its e-mail had started, not sent again.
@pytest.mark.parametrize(("step", "mails"), [("build", 3), ("mail", 2)])
def test_a_worker_killed_during_the_job_is_caught_up_once(
    worker_process, subscribed, smtp_inbox, step, mails
):
    import signal

    done = worker_process(CRASHING_WORKER, step)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert len(smtp_inbox.messages) == 0
    db.session.rollback()
    assert db.session.query(PeriodReport).filter_by(state="running").count() == 1
    # A restarted worker leaves the dead worker's claim alone until its lease ends ...
    period_reports.catch_up(NEW_YEAR)
    db.session.rollback()
    assert db.session.query(PeriodReport).filter_by(state="running").count() == 1
    # ... then the catch-up takes it over: built and e-mailed once, or, when the dead worker
    # had started the e-mail, not sent again.
    later = datetime.now(UTC) + LEASE + timedelta(seconds=1)
    period_reports.catch_up(NEW_YEAR, now=later)
    assert period_reports.catch_up(NEW_YEAR, now=later) == []
    assert len(smtp_inbox.messages) == mails
    assert len(set(_mails(smtp_inbox))) == mails  # each to another subscriber
    db.session.rollback()
    assert db.session.query(PeriodReport).filter_by(state="done").count() == 3
    errors = [r.last_error for r in db.session.query(PeriodReport) if r.last_error]
    assert errors == ([] if step == "build" else [period_reports.NOT_SENT_AGAIN])
