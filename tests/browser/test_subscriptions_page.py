"""The staff page "Reports by e-mail" in real Chromium, in Dutch and English: an
administrator signs a staff member up and removes the subscription again, a viewer signs
themselves up; a refused form shows its error; axe-core finds no violations on any state."""

from __future__ import annotations

import pytest

from survey.extensions import db
from survey.models import ReportSubscription
from tests.browser.conftest import axe_violations
from tests.browser.test_admin_pages import log_in

pytestmark = pytest.mark.browser

TEXTS = {
    "nl": {"h1": "Rapporten per e-mail", "add": "Aanmelden", "own": "Meld mij aan",
           "saved": "Opgeslagen.", "removed": "De aanmelding is verwijderd.",
           "remove": "Verwijderen Kwartaalrapport, Team van extra@alfa.nl",
           "duplicate": "Deze persoon krijgt dit rapport al.", "kind": "Kwartaalrapport",
           "year": "Jaarrapport"},
    "en": {"h1": "Reports by e-mail", "add": "Sign up", "own": "Sign me up",
           "saved": "Saved.", "removed": "The subscription has been removed.",
           "remove": "Remove Quarterly report, Team of extra@alfa.nl",
           "duplicate": "This person already gets this report.", "kind": "Quarterly report",
           "year": "Annual report"},
}


def _count() -> int:
    db.session.rollback()
    return db.session.query(ReportSubscription).count()


def _clean(page, where: str) -> None:
    violations = axe_violations(page)
    assert violations == [], (where, violations)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_add_and_remove_a_subscription(page, live_server, staff, lang):
    t = TEXTS[lang]
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/staff/alpha/subscriptions?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_role("heading", level=1).inner_text() == t["h1"]
    nav = page.get_by_role("navigation").get_by_role("link", name=t["h1"])
    assert nav.get_attribute("aria-current") == "page"
    _clean(page, "empty")

    def add_extra():
        page.select_option("#add-user", label="extra@alfa.nl")
        page.select_option("#add-kind", label=t["kind"])
        page.select_option("#add-unit", label="Team")
        page.get_by_role("button", name=t["add"], exact=True).click()
        page.wait_for_load_state()

    add_extra()
    assert t["saved"] in page.get_by_role("status").first.inner_text()
    row = page.get_by_role("row", name="extra@alfa.nl")
    assert t["kind"] in row.inner_text() and "Team" in row.inner_text()
    assert _count() == 1
    _clean(page, "one subscription")

    add_extra()  # the same again: refused, with the error at the form
    assert page.get_by_role("alert").count() == 1  # the summary above the form
    assert page.locator("#add-kind-error").inner_text() == t["duplicate"]
    assert page.locator("#add-kind").get_attribute("aria-invalid") == "true"
    assert "add-kind-error" in page.locator("#add-kind").get_attribute("aria-describedby")
    assert _count() == 1
    _clean(page, "refused")

    page.get_by_role("button", name=t["remove"]).click()
    page.wait_for_load_state()
    assert t["removed"] in page.get_by_role("status").first.inner_text()
    assert page.get_by_role("row", name="extra@alfa.nl").count() == 0
    assert _count() == 0
    _clean(page, "removed")

    # A viewer signs up for the annual report and sees only their own.
    page.context.clear_cookies()
    log_in(page, live_server.url, "viewer@alfa.nl")
    page.goto(f"{live_server.url}/staff/alpha/subscriptions?lang={lang}")
    assert page.locator("#add-user").count() == 0
    page.select_option("#own-kind", label=t["year"])
    page.get_by_role("button", name=t["own"]).click()
    page.wait_for_load_state()
    assert t["year"] in page.locator("table").inner_text()
    assert _count() == 1
    _clean(page, "viewer")
