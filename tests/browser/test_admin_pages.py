"""Every administration page of adm-core in real Chromium: axe-core finds no violations in
Dutch or English (with and without form errors), the language choice survives navigation,
and the pages work by keyboard alone."""

from __future__ import annotations

import pytest

from survey.database import unit_of_work
from survey.services import password_links
from tests.admin.fixtures import PASSWORD
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

ADMIN_PAGES = [
    "/staff/alpha/users",
    "/staff/alpha/api-keys",
    "/staff/alpha/audit",
    "/staff/alpha/settings",
    "/staff/alpha/reports",
    "/staff/alpha/surveys",
    "/staff/alpha/surveys/new",
    "/staff/alpha/surveys/s",
    "/staff/alpha/surveys/s/questions/oordeel",
    "/staff/alpha/surveys/s/questions/new",
    "/staff/alpha/surveys/s/preview/kiosk",
    "/staff/alpha/surveys/s/preview/widget",
    "/staff/account/password",
    "/staff/",
]
PUBLIC_PAGES = ["/staff/login", "/staff/password/forgotten", "/staff/password/not-a-token"]


def log_in(page, url: str, email: str = "admin@alfa.nl", password: str = PASSWORD):
    page.goto(url + "/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def assert_accessible(page, where: str):
    violations = axe_violations(page)
    assert violations == [], (where, violations)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_admin_pages_have_no_axe_violations(page, live_server, staff, lang):
    url = live_server.url
    for path in PUBLIC_PAGES:
        page.goto(f"{url}{path}?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang, path
        assert_accessible(page, path)
    # The one-time link page with a real token.
    with unit_of_work() as session:
        token = password_links.issue(session, staff.users["alpha-extra"], "reset")
    page.goto(f"{url}/staff/password/{token}?lang={lang}")
    assert_accessible(page, "set password")
    page.locator("#password").fill("kort")
    page.locator("#confirm").fill("anders")
    page.locator("form button[type=submit]").click()
    assert page.locator(".field-error").first.is_visible()
    assert_accessible(page, "set password with errors")

    log_in(page, url)
    for path in ADMIN_PAGES:
        response = page.goto(f"{url}{path}?lang={lang}")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang, path
        assert_accessible(page, path)

    # Forms with errors at their fields.
    page.goto(f"{url}/staff/alpha/users?lang={lang}")
    page.locator("#invite-email").fill("geen adres")
    page.get_by_role("button", name="Uitnodigen" if lang == "nl" else "Invite").click()
    assert page.locator("#invite-email").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "users with errors")
    page.goto(f"{url}/staff/alpha/settings?lang={lang}")
    page.locator("#complaint_url").fill("javascript:alert(1)")
    page.locator("form[action$='/settings'] button[type=submit]").click()
    assert page.locator("#complaint_url").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "settings with errors")
    page.goto(f"{url}/staff/alpha/api-keys?lang={lang}")
    page.locator("#name").fill("Koppeling zaaksysteem")
    page.locator("form[action$='/api-keys'] button[type=submit]").click()
    assert page.locator("#new-key").inner_text().startswith("kto_")
    assert_accessible(page, "api key shown once")


def test_operator_pages_are_accessible(page, live_server, staff):
    log_in(page, live_server.url, "operator@kto.nl")
    assert "/staff/operator/organisations" in page.url
    for lang in ("nl", "en"):
        page.goto(f"{live_server.url}/staff/operator/organisations?lang={lang}")
        assert page.get_by_text("Gemeente Alfa").is_visible()
        assert_accessible(page, f"operator {lang}")


def test_language_choice_survives_navigation(page, live_server, staff):
    log_in(page, live_server.url)
    page.goto(live_server.url + "/staff/alpha/users")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Settings").click()
    page.wait_for_url("**/staff/alpha/settings")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Settings"
    page.get_by_role("link", name="Nederlands").click()
    page.get_by_role("navigation", name="Onderdelen").get_by_role("link", name="Logboek").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Logboek"


def focus_on(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element has the focus (fails when it never gets it)."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the keyboard focus")


def test_invite_and_revoke_by_keyboard_only(page, live_server, staff):
    log_in(page, live_server.url)
    page.goto(live_server.url + "/staff/alpha/users")
    # The skip link comes first and moves to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    focus_on(page, "#invite-email")
    page.keyboard.type("toetsenbord@alfa.nl")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "invite-role"
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("toetsenbord@alfa.nl is nu lid").is_visible()
    # A one-time link is shown (no mail configured here).
    assert "/staff/password/" in page.locator(".secret").inner_text()

    # API key: create and revoke by keyboard.
    page.goto(live_server.url + "/staff/alpha/api-keys")
    focus_on(page, "#name")
    page.keyboard.type("Toetsenbord")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#new-key").inner_text().startswith("kto_")
    revoke = "form[action$='/revoke'] button"
    focus_on(page, revoke)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("is ingetrokken").is_visible()


def test_a_viewer_sees_no_admin_sections(page, live_server, staff):
    log_in(page, live_server.url, "viewer@alfa.nl")
    page.goto(live_server.url + "/staff/alpha/reports")
    nav = page.get_by_role("navigation", name="Onderdelen")
    assert nav.get_by_role("link", name="Rapporten", exact=True).is_visible()
    assert nav.get_by_role("link", name="Rapporten per e-mail").is_visible()
    assert nav.get_by_role("link", name="Gebruikers").count() == 0
    assert page.goto(live_server.url + "/staff/alpha/users").status == 403
    assert page.goto(live_server.url + "/staff/beta/reports").status == 404


def test_choosing_an_organisation_is_accessible(page, live_server, staff):
    """A member of two organisations chooses one on /staff."""
    from survey.services import members

    members.invite(staff.users["alpha-admin"], staff.alpha.id, "viewer@beta.nl", "analyst")
    log_in(page, live_server.url, "viewer@beta.nl")
    assert page.url.endswith("/staff/")
    for lang in ("nl", "en"):
        page.goto(f"{live_server.url}/staff/?lang={lang}")
        assert page.get_by_role("link", name="Gemeente Alfa").is_visible()
        assert page.get_by_role("link", name="Gemeente Beta").is_visible()
        assert_accessible(page, f"choose {lang}")
    page.get_by_role("link", name="Gemeente Alfa").click()
    page.wait_for_url("**/staff/alpha/dashboard")
