"""Open data and comparison groups in real Chromium: axe-core finds nothing in Dutch and
English, the language choice survives navigation (a link on the public pages, the session on
staff pages), the browser gets no cookie from the open data pages."""

from __future__ import annotations

import re
import subprocess

import pytest

from survey.reports import dashboard_cells
from survey.services import reports
from survey.services.users import add_user
from tests.admin.comparison_data import PASSWORD, three_organisations
from tests.browser.conftest import axe_violations
from tests.opendata.helpers import publish

pytestmark = pytest.mark.browser


@pytest.fixture
def group(demo_org):
    dashboard_cells.clear()
    group_id = three_organisations()
    reports.build_monthly_report("demo", "2026-10")
    publish()
    add_user("kijker@voorbeeld.nl", PASSWORD, "demo", role="viewer")
    add_user("beheer@voorbeeld.nl", PASSWORD, "demo", role="admin")
    yield group_id
    dashboard_cells.clear()


def test_open_data_pages_in_dutch_and_english(page, context, live_server, group):
    page.goto(live_server.url + "/open/demo/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Klanttevredenheid van Gemeente Voorbeeld")
    assert axe_violations(page) == []
    page.get_by_role("link", name="oktober 2026", exact=True).click()
    page.wait_for_url("**/open/demo/2026-10/")
    table = page.get_by_role("table")
    assert table.get_by_role("row", name="Balie").get_by_text("93%").is_visible()
    assert table.get_by_role("row", name="Brief").get_by_text("te weinig reacties").count() >= 1
    assert "Bel mij" not in page.content()
    assert axe_violations(page) == []

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/open/demo/2026-10/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("row", name="Letter").get_by_text("too few responses").count() >= 1
    assert axe_violations(page) == []
    page.get_by_role("link", name="All months of Gemeente Voorbeeld").click()
    page.wait_for_url("**/open/demo/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"  # the choice survives
    assert page.get_by_role("link", name="October 2026", exact=True).is_visible()
    assert axe_violations(page) == []
    assert context.cookies() == []  # no cookie from any open data page


def _log_in(page, url, email, path):
    page.goto(url + path)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()


def test_comparison_pages_in_dutch_and_english(page, live_server, group):
    _log_in(page, live_server.url, "beheer@voorbeeld.nl", "/staff/demo/comparisons")
    page.wait_for_url("**/staff/demo/comparisons")
    assert page.get_by_role("heading", level=1).inner_text() == "Vergelijkingsgroepen"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Regio Voorbeeld").click()
    page.wait_for_url(f"**/staff/demo/comparisons/{group}")
    page.select_option("#f-period", "month")
    page.fill("#f-at", "2026-10")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url("**period=month&at=2026-10**")
    assert page.get_by_role("heading", level=1).inner_text() == "Regio Voorbeeld: oktober 2026"
    phone = page.locator("#chart-phone-data")
    phone.locator("summary").click()
    row = phone.get_by_role("row", name="Gemeente Tweede")
    assert row.get_by_text("te weinig reacties").first.is_visible()
    assert "Gemeente Derde" not in page.content()
    for img in page.locator("img").all():
        assert img.get_attribute("alt")
    page.locator("#chart-counter img").scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('#chart-counter img').naturalWidth > 0")
    assert axe_violations(page) == []
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download als PDF").click()
    download = caught.value
    assert download.suggested_filename == "kto-demo-regio-2026-10-nl.pdf"
    text = subprocess.run(["pdftotext", download.path(), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Tevredenheid vergeleken: Regio Voorbeeld" in text and "oktober 2026" in text
    assert "Gemeente Derde" not in text
    assert page.get_by_role("heading", level=1).inner_text() == "Regio Voorbeeld: oktober 2026"

    page.goto(page.url + "&lang=en")
    assert page.get_by_role("heading", level=1).inner_text() == "Regio Voorbeeld: October 2026"
    csv_link = page.get_by_role("link", name="Download as CSV")
    assert "period=month" in csv_link.get_attribute("href")
    assert page.get_by_role("link", name="Download as PDF").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="All comparison groups").click()
    page.wait_for_url("**/staff/demo/comparisons")
    assert page.locator("html").get_attribute("lang") == "en"  # kept in the session
    stop = re.compile(r"^Stop taking part\W+Regio Voorbeeld$")
    assert page.get_by_role("button", name=stop).is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Settings").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label("Publish the monthly figures as open data").is_checked()
    assert axe_violations(page) == []


def test_operator_groups_page_in_dutch_and_english(page, live_server, group):
    from survey.database import unit_of_work
    from survey.extensions import db
    from survey.models import User
    from survey.services.users import hash_password

    with unit_of_work():
        db.session.add(User(email="platform@kto.nl", password_hash=hash_password(PASSWORD),
                            is_operator=True))
    _log_in(page, live_server.url, "platform@kto.nl", "/staff/operator/groups")
    page.wait_for_url("**/staff/operator/groups")
    assert page.get_by_role("heading", level=1).inner_text() == "Vergelijkingsgroepen"
    assert page.get_by_text("uitgenodigd, nog niet ingestemd").is_visible()  # derde
    assert axe_violations(page) == []
    page.get_by_label("Code").fill("regio")
    page.get_by_label("Naam").fill("Nog een keer")
    page.get_by_role("button", name="Groep maken").click()
    assert page.get_by_text("Deze code is al in gebruik.").is_visible()
    assert axe_violations(page) == []
    page.goto(live_server.url + "/staff/operator/groups?lang=en")
    assert page.get_by_role("heading", name="Invite an organisation").is_visible()
    assert axe_violations(page) == []
