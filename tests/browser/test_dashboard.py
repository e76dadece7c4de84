"""The staff dashboard in a real browser: analyst filters to a location and a quarter, opens
a chart's data table, searches comments; a viewer sees no comments; axe-core in nl and en."""

import pytest

from survey.extensions import db
from survey.models import Location
from survey.reports import dashboard_cells
from survey.services.users import add_user
from tests.browser.conftest import axe_violations
from tests.reports.data import load_month

pytestmark = pytest.mark.browser
PASSWORD = "a long password"


@pytest.fixture
def staff(demo_org):
    dashboard_cells.clear()
    load_month()
    add_user("analist@voorbeeld.nl", PASSWORD, "demo", role="analyst")
    add_user("lezer@voorbeeld.nl", PASSWORD, "demo")
    yield
    dashboard_cells.clear()


def log_in(page, url, email, path="/staff/demo/", button="Inloggen"):
    page.goto(url + path)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name=button).click()


def test_analyst_filters_opens_a_data_table_and_searches(page, live_server, staff):
    log_in(page, live_server.url, "analist@voorbeeld.nl")
    page.wait_for_url("**/staff/demo/dashboard**")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert axe_violations(page) == []

    stadhuis = db.session.query(Location).filter_by(name="Stadhuis").one()
    page.select_option("#f-period", "quarter")
    page.fill("#f-at", "2026-Q4")
    page.select_option("#f-location", str(stadhuis.id))
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url(f"**period=quarter**location={stadhuis.id}**")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard: K4 2026"
    assert page.locator(".tile", has_text="Balie").get_by_text("n = 20").is_visible()
    for img in page.locator("img").all():
        assert img.get_attribute("alt")
    assert axe_violations(page) == []

    table = page.locator("#chart-channels-data")
    assert not table.locator("table").is_visible()
    table.locator("summary").click()
    assert table.locator("table").is_visible()
    assert table.get_by_role("rowheader", name="Balie").is_visible()
    assert axe_violations(page) == []

    page.goto(live_server.url + "/staff/demo/dashboard?period=month&at=2026-10")
    page.get_by_label("Zoek in opmerkingen").fill("bel")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**q=bel**")
    comments = page.locator(".comments li")
    assert comments.count() == 1
    assert "Bel mij op" in comments.first.inner_text()
    assert "06-12345678" not in page.content()
    assert axe_violations(page) == []


def test_viewer_sees_no_comments_in_english(page, live_server, staff):
    page.goto(live_server.url + "/staff/login?lang=en")
    log_in(page, live_server.url, "lezer@voorbeeld.nl", "/staff/demo/?lang=en", "Log in")
    page.wait_for_url("**/staff/demo/dashboard**")
    assert page.locator("html").get_attribute("lang") == "en"  # the choice survives login
    page.goto(live_server.url + "/staff/demo/dashboard?period=month&at=2026-10")
    assert page.locator("html").get_attribute("lang") == "en"  # ... and navigation
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard: October 2026"
    assert page.get_by_text("Search comments").count() == 0
    assert "Bel mij" not in page.content()
    assert axe_violations(page) == []
    page.locator("#chart-trend-data summary").click()
    assert axe_violations(page) == []
