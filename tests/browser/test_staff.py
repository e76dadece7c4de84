"""Staff pages in a real browser: log in, list reports, read one with its charts; accessible."""

import pytest

from survey.extensions import db
from survey.models import Organisation
from survey.services import reports
from survey.services.users import add_user
from tests.browser.conftest import axe_violations
from tests.reports.data import load_month

pytestmark = pytest.mark.browser
PASSWORD = "a long password"


@pytest.fixture
def report_id(demo_org):
    db.session.add(Organisation(slug="other", name="Gemeente Anders"))
    db.session.commit()
    load_month()
    add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    other = reports.build_monthly_report("other", "2026-10")
    own = reports.build_monthly_report("demo", "2026-10")
    return own.id, other.id


def log_in(page, url):
    page.goto(url + "/staff/demo/reports")
    page.get_by_label("E-mailadres").fill("kwaliteit@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_login_reports_and_report_page(page, live_server, report_id):
    own, other = report_id
    page.goto(live_server.url + "/staff/demo/reports")
    assert "/staff/login" in page.url
    assert page.locator("html").get_attribute("lang") == "nl"
    assert axe_violations(page) == []

    page.get_by_label("E-mailadres").fill("kwaliteit@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill("wrong password!")
    page.get_by_role("button", name="Inloggen").click()
    assert page.get_by_text("niet juist").is_visible()
    assert axe_violations(page) == []

    log_in(page, live_server.url)
    page.wait_for_url("**/staff/demo/reports")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_text("oktober 2026").first.is_visible()
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/staff/demo/reports/{own}")
    charts = page.locator("img[src*='/svg/']")
    assert charts.count() >= 4
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.get_attribute("alt")
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    assert axe_violations(page) == []

    refused = page.goto(f"{live_server.url}/staff/demo/reports/{other}")
    assert refused.status == 404


def test_staff_pages_in_english(page, live_server, report_id):
    own, _ = report_id
    log_in(page, live_server.url)
    page.wait_for_url("**/staff/demo/reports")
    page.goto(f"{live_server.url}/staff/demo/reports/{own}?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert axe_violations(page) == []
