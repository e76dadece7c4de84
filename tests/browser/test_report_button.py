"""'Maak rapport' in a real browser: the dashboard's button queues the view's report to the
worker, the progress page follows it (static/js/report-progress.js under the real CSP) and
then offers the download; axe-core finds nothing in Dutch and English."""

from datetime import UTC, datetime

import pytest
from huey.storage import MemoryStorage
from playwright.sync_api import expect

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import PeriodReport
from survey.queue import huey
from survey.services.report_jobs import LEASE
from tests.browser.conftest import axe_violations
from tests.browser.test_dashboard import log_in, staff  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def queue_held(monkeypatch):
    """Tasks wait in a queue of their own until the test runs them (no worker)."""
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", MemoryStorage("browser-test"))


def _run_queued_task():
    """Run what the web enqueued, as a worker would (a cold view also asks for its cells
    to be stored); one of them is the report."""
    names = []
    while (task := huey.dequeue()) is not None:
        names.append(task.name)
        huey.execute(task)
    assert names.count("build_requested_report") == 1, names


def _worker_halfway(run_id: int, percent: int) -> None:
    """As a worker that wrote down ``percent`` and then died (its lease has run out)."""
    with unit_of_work() as session:
        run = session.get(PeriodReport, run_id)
        run.state, run.progress = "running", percent
        run.claimed_at, run.attempts = datetime.now(UTC) - LEASE, 1


def test_make_report_shows_progress_then_the_download(
    browser, live_server, staff, queue_held  # noqa: F811
):
    context = browser.new_context(locale="nl-NL")  # no CSP bypass: the real policy applies
    page = context.new_page()
    try:
        log_in(page, live_server.url, "analist@voorbeeld.nl")
        page.wait_for_url("**/staff/demo/dashboard**")
        page.goto(live_server.url + "/staff/demo/dashboard?period=quarter&at=2026-Q4")
        page.get_by_role("button", name="Maak rapport").click()
        page.wait_for_url("**/staff/demo/report-runs/*")
        status = page.get_by_role("status")
        assert status.inner_text() == "Wacht op de verwerking…"
        assert page.locator("progress").get_attribute("value") == "0"

        run_id = int(page.url.rsplit("/", 1)[1])
        _worker_halfway(run_id, 45)  # the page asks every second, without reloading
        expect(status).to_have_text("Het rapport wordt gemaakt: 45%", timeout=15000)
        assert page.locator("progress").evaluate("p => p.value") == 45

        _run_queued_task()  # the worker takes the run over and finishes it
        link = page.get_by_role("link", name="Download het rapport (PDF)")
        link.wait_for(timeout=20000)
        assert status.inner_text() == "Het rapport is klaar."
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "kto-demo-2026-Q4-nl.pdf"
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
        # The report's tables too, as a workbook (the trend sheet among them).
        with page.expect_download() as download:
            page.get_by_role("link", name="Download de tabellen (XLSX)").click()
        assert download.value.suggested_filename == "kto-demo-2026-Q4-nl.xlsx"
        import io

        from openpyxl import load_workbook

        with open(download.value.path(), "rb") as workbook:
            sheets = load_workbook(io.BytesIO(workbook.read()), read_only=True).sheetnames
        assert "Trend" in sheets
    finally:
        context.close()
    db.session.rollback()
    run = db.session.get(PeriodReport, run_id)
    assert run.state == "done" and run.progress == 100 and run.attempts == 2


def test_progress_page_has_no_axe_violations_in_dutch_and_english(
    page, live_server, staff, queue_held  # noqa: F811
):
    log_in(page, live_server.url, "lezer@voorbeeld.nl")
    page.wait_for_url("**/staff/demo/dashboard**")
    page.goto(live_server.url + "/staff/demo/dashboard?period=year&at=2026")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Maak rapport").click()
    page.wait_for_url("**/staff/demo/report-runs/*")
    assert axe_violations(page) == []  # waiting
    run_url = page.url
    _run_queued_task()
    page.get_by_role("link", name="Download het rapport (PDF)").wait_for(timeout=20000)
    assert axe_violations(page) == []  # ready

    page.goto(run_url + "?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("status").inner_text() == "The report is ready."
    assert page.get_by_role("link", name="Download the report (PDF)").is_visible()
    assert page.get_by_role("link", name="Download the tables (XLSX)").is_visible()
    assert axe_violations(page) == []
    page.goto(live_server.url + "/staff/demo/dashboard?period=year&at=2026")
    page.get_by_role("button", name="Make report").click()
    page.wait_for_url("**/staff/demo/report-runs/*")
    assert page.get_by_role("status").inner_text() == "Waiting for the worker…"
    assert axe_violations(page) == []
