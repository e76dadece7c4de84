"""An administrator onboards a new organisation from nothing, in real Chromium (issue 11).

Only `flask kto org create` runs on the command line; every later step is in the browser.
Steps owned by adm-core: org create → set password → invite an analyst (→ the analyst sets a
password and sees reports but no administration). Marked places below are where the surveys
(adm-surveys) and places/kiosks/volumes/targets (adm-config) steps go, in this order, with
the kiosk answering and the next report showing the answers at the end.
"""

from __future__ import annotations

import email
import re

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

LINK = re.compile(r"(http://\S+/staff/password/[A-Za-z0-9_-]+)")
ADMIN_PASSWORD = "groene tram naar het station"
ANALYST_PASSWORD = "blauwe fiets op de brug"


def set_password(page, link: str, password: str) -> None:
    page.goto(link)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(password)
    page.get_by_label("Nieuw wachtwoord nog een keer").fill(password)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    page.wait_for_url("**/staff/login")


def log_in(page, address: str, password: str) -> None:
    page.get_by_label("E-mailadres").fill(address)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def mailed_link(inbox, index: int) -> str:
    _recipients, raw = inbox.messages[index]
    body = email.message_from_bytes(raw).get_payload(decode=True).decode()
    return LINK.search(body).group(1)


def test_onboard_an_organisation_from_nothing(
    app, runner, browser, live_server, smtp_inbox, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_URL", live_server.url)

    # 1. The platform operator creates the organisation and its first administrator.
    result = runner.invoke(args=["kto", "org", "create", "--code", "arnhem", "--name",
                                 "Gemeente Arnhem", "--admin", "kwaliteit@arnhem.nl"])
    assert result.exit_code == 0, result.output
    assert len(smtp_inbox.messages) == 1

    admin = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = admin.new_page()
    # 2. The administrator sets a password with the one-time link and logs in.
    set_password(page, mailed_link(smtp_inbox, 0), ADMIN_PASSWORD)
    log_in(page, "kwaliteit@arnhem.nl", ADMIN_PASSWORD)
    page.wait_for_url("**/staff/arnhem/**")
    assert page.get_by_role("link", name="Gemeente Arnhem").is_visible()
    assert axe_violations(page) == []

    # 3. Organisation settings.
    page.get_by_role("navigation", name="Onderdelen").get_by_role(
        "link", name="Instellingen").click()
    page.get_by_label("Klachtenpagina").fill("https://www.arnhem.nl/klacht")
    page.get_by_role("button", name="Instellingen opslaan").click()
    assert page.get_by_text("De instellingen zijn opgeslagen").is_visible()

    # Create a survey from a template: Zeist's counter thumbs, version 1 in use at once.
    page.get_by_role("navigation", name="Onderdelen").get_by_role(
        "link", name="Vragenlijsten").click()
    page.get_by_role("link", name="Nieuwe vragenlijst").click()
    page.get_by_label("Naam").fill("Balie stadhuis")
    page.get_by_label("Code").fill("balie")
    page.get_by_label("Zeist: balie (duimpjes)", exact=False).check()
    page.get_by_role("button", name="Vragenlijst maken").click()
    page.wait_for_url("**/staff/arnhem/surveys/balie")
    assert page.get_by_role("status").filter(has_text="versie 1").is_visible()
    assert page.get_by_role("link", name="Bent u geholpen met uw vraag?").is_visible()
    assert axe_violations(page) == []
    # --- adm-config: add a location and a kiosk, see its QR; set volumes and a target here.

    # 4. Invite an analyst.
    page.get_by_role("navigation", name="Onderdelen").get_by_role(
        "link", name="Gebruikers").click()
    page.get_by_label("E-mailadres").fill("analist@arnhem.nl")
    page.get_by_label("Rol", exact=True).select_option("analyst")
    page.get_by_role("button", name="Uitnodigen").click()
    assert page.get_by_text("gemaild naar analist@arnhem.nl").is_visible()
    assert len(smtp_inbox.messages) == 2
    assert axe_violations(page) == []

    # 5. The analyst sets a password and sees reports, not the administration.
    analyst = browser.new_context(locale="nl-NL", bypass_csp=True)
    other = analyst.new_page()
    set_password(other, mailed_link(smtp_inbox, 1), ANALYST_PASSWORD)
    log_in(other, "analist@arnhem.nl", ANALYST_PASSWORD)
    other.wait_for_url("**/staff/arnhem/**")
    sections = other.get_by_role("navigation", name="Onderdelen")
    assert sections.get_by_role("link", name="Rapporten").is_visible()
    assert sections.get_by_role("link", name="Gebruikers").count() == 0

    # --- adm-config / reports: the kiosk answers, and the next report shows the answers.

    # 6. The audit log shows every step, with who did it.
    page.get_by_role("navigation", name="Onderdelen").get_by_role("link", name="Logboek").click()
    log = page.locator("table.audit").inner_text()
    for action in ("organisation.create", "organisation.settings", "survey.create",
                   "member.invite", "user.password_set"):
        assert action in log, action
    analyst.close()
    admin.close()
