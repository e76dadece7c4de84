"""Building, storing, failing, e-mailing and scheduling monthly reports."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from survey.errors import Invalid, NotFound, ServiceError
from survey.extensions import db
from survey.models import Report
from survey.services import reports
from survey.services.users import add_user
from survey.tasks import amsterdam_crontab
from tests.conftest import count_rows
from tests.reports.data import load_month


def test_build_stores_report_and_export_copy_without_changing_data(app, demo_org):
    load_month()
    before = count_rows()
    report = reports.build_monthly_report("demo", "2026-10")
    after = count_rows()
    assert after.pop("reports") == before.pop("reports") + 1
    assert after == before
    assert report.pdf.startswith(b"%PDF") and report.xlsx.startswith(b"PK")
    folder = Path(app.config["EXPORTS_DIR"]) / "demo"
    assert (folder / "kto-demo-2026-10-nl.pdf").read_bytes() == report.pdf
    # Rebuilding replaces the stored report instead of adding one.
    reports.build_monthly_report("demo", "2026-10")
    assert db.session.query(Report).count() == 1


def test_failed_build_keeps_previous_report(app, demo_org, monkeypatch):
    load_month()
    first = reports.build_monthly_report("demo", "2026-10")
    old_pdf = first.pdf

    def broken(data):
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(reports.pdf, "render", broken)
    with pytest.raises(ServiceError, match="renderer broke") as failed:
        reports.build_monthly_report("demo", "2026-10")
    assert failed.value.code == "report_build_failed" and failed.value.status == 500
    kept = db.session.query(Report).one()
    assert kept.pdf == old_pdf and kept.status == "ok"
    assert "renderer broke" in kept.last_error


@pytest.mark.parametrize("month", ["2026-13", "oktober", ""])
def test_bad_month_is_a_clear_error(app, demo_org, month):
    with pytest.raises(Invalid, match="Month must look like") as refused:
        reports.build_monthly_report("demo", month)
    assert (refused.value.code, refused.value.field) == ("wrong_month", "month")


def test_unknown_organisation(app):
    with pytest.raises(NotFound, match="Unknown organisation") as refused:
        reports.build_monthly_report("nope", "2026-10")
    assert refused.value.code == "unknown_organisation"


def test_unknown_language(app, demo_org):
    with pytest.raises(Invalid, match="Language must be one of nl, en") as refused:
        reports.build_monthly_report("demo", "2026-10", "de")
    assert refused.value.field == "language"


def test_lookups_of_stored_reports_are_not_found_errors(app, demo_org):
    load_month()
    report = reports.build_monthly_report("demo", "2026-10")
    for call, code in [
        (lambda: reports.report_of(report.organisation_id + 1, report.id), "report_not_found"),
        (lambda: reports.report_of(report.organisation_id, report.id + 99), "report_not_found"),
        (lambda: reports.download(report.organisation_id, report.id, "doc"), "download_not_found"),
        (lambda: reports.chart_svg(report, "nope"), "chart_not_found"),
        (lambda: reports.table_csv(report, "nope"), "table_not_found"),
    ]:
        with pytest.raises(NotFound) as missing:
            call()
        assert missing.value.code == code
    report.data = {**report.data, "version": 999}
    with pytest.raises(NotFound, match="version 999 is newer") as unreadable:
        reports.stored_data(report)
    assert unreadable.value.code == "report_data_unreadable"



def test_monthly_job_emails_pdf_through_real_smtp_server(app, demo_org, smtp_inbox):
    load_month()
    # An analyst reads comments: the stored PDF as it is (a viewer's is without them:
    # tests/reports/test_subscription_mail.py).
    add_user("chef@example.nl", "a long password", "demo", "analyst", receives_reports=True)
    add_user("viewer@example.nl", "a long password", "demo")
    inbox = smtp_inbox
    outcomes = reports.build_and_send_all(date(2026, 11, 1))
    assert [(o.organisation, o.month, o.sent_to, o.error) for o in outcomes] == [
        ("demo", "2026-10", 1, None)
    ]
    assert len(inbox.messages) == 1
    recipients, content = inbox.messages[0]
    assert recipients == ["chef@example.nl"]
    message = email.message_from_bytes(content)
    assert "oktober 2026" in message["Subject"]
    attachment = next(p for p in message.walk() if p.get_filename())
    assert attachment.get_filename() == "kto-demo-2026-10-nl.pdf"
    stored = db.session.query(Report).one()
    assert attachment.get_payload(decode=True) == stored.pdf
    assert stored.sent_at is not None


def test_schedule_runs_at_six_amsterdam_time_on_the_first():
    due = amsterdam_crontab(day="1", hour="6", minute="0")
    # Winter (CET, UTC+1) and summer (CEST, UTC+2); huey passes naive UTC.
    assert due(datetime(2026, 11, 1, 5, 0)) is True
    assert due(datetime(2026, 11, 1, 6, 0)) is False
    assert due(datetime(2026, 7, 1, 4, 0)) is True
    assert due(datetime(2026, 7, 1, 5, 0)) is False
    assert due(datetime(2026, 7, 2, 4, 0)) is False


def test_periodic_task_fires_only_at_six_on_the_first():
    from survey import tasks  # noqa: F401  (registers the tasks)
    from survey.queue import huey

    def due(moment):
        return "monthly_reports" in {t.name for t in huey.read_periodic(moment)}

    assert due(datetime(2026, 12, 1, 5, 0))  # 06:00 CET
    assert not due(datetime(2026, 12, 1, 6, 0))
    assert not due(datetime(2026, 12, 2, 5, 0))


def test_month_bounds_follow_amsterdam_time():
    from survey.reports.period import utc_bounds

    start, end = utc_bounds(date(2026, 10, 1))
    assert start == datetime(2026, 9, 30, 22, tzinfo=UTC)  # CEST
    assert end == datetime(2026, 10, 31, 23, tzinfo=UTC)  # CET after 25 October
