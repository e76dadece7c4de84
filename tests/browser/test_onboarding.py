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
from tests.browser.kiosk_helpers import wait_until

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


def stored_responses(org_code: str) -> int:
    from sqlalchemy import func, select

    from survey.extensions import db
    from survey.models import Organisation, Response

    db.session.rollback()  # see what the server committed
    return db.session.execute(
        select(func.count()).select_from(Response).join(Organisation)
        .where(Organisation.slug == org_code)
    ).scalar()


def _counter_survey_until_the_survey_pages_land() -> None:
    """Stand-in for adm-surveys' browser step (a survey from a template): a counter survey."""
    from survey.database import unit_of_work
    from survey.demo.surveys import BALIE
    from survey.services.catalogue import organisation
    from survey.services.surveys import create_survey

    with unit_of_work():
        create_survey(organisation("arnhem"), "balie", "Balie", BALIE,
                      {"contact_channel": "counter"})


def add_place_kiosk_volume_and_target(page) -> str:
    """adm-config's steps: returns the kiosk's enrolment link as its QR code shows it."""
    sections = page.get_by_role("navigation", name="Onderdelen")
    sections.get_by_role("link", name="Plaatsen").click()
    page.locator("#locations ~ details summary").first.click()  # opens "Locatie toevoegen"
    page.locator("#location-name").fill("Stadhuis")
    page.locator("#location-slug").fill("stadhuis")
    page.locator("#location-hours_mon").fill("09:00-12:30, 13:30-17:00")
    page.locator("#location-hours_mon").press("Enter")
    assert page.get_by_text("Locatie toegevoegd.").is_visible()
    assert axe_violations(page) == []

    sections.get_by_role("link", name="Kiosken").click()
    page.get_by_label("Naam").fill("Stadhuis hal")
    page.get_by_label("Locatie").select_option(label="Stadhuis")
    page.get_by_role("button", name="Kiosk toevoegen").click()
    qr = page.get_by_role("img", name="QR-code om de tablet Stadhuis hal te koppelen")
    assert qr.is_visible() and qr.bounding_box()["width"] > 100
    assert axe_violations(page) == []
    link = page.get_by_label("Adres voor de tablet").input_value()
    assert "/kiosk/enrol/" in link
    with page.expect_download() as download:
        page.get_by_role("button", name="Downloaden als pdf om te printen").click()
    assert download.value.suggested_filename.endswith("-enrolment.pdf")

    sections.get_by_role("link", name="Contactaantallen").click()
    page.get_by_label("Maand").fill("2026-11")
    page.locator("#contact_channel").select_option("counter")
    page.get_by_label("Aantal contacten").fill("4200")
    page.get_by_role("button", name="Aantal opslaan").click()
    assert page.get_by_text("Aantal opgeslagen.").is_visible()
    assert "4.200" in page.locator("table").first.inner_text()

    sections.get_by_role("link", name="Doelen").click()
    page.get_by_label("Maat").select_option("satisfied")
    page.locator("#contact_channel").select_option("counter")
    page.locator("#value").fill("90")
    page.get_by_label("Naam in het Nederlands").fill("90% tevreden aan de balie")
    page.get_by_label("Naam in het Engels").fill("90% satisfied at the counter")
    page.get_by_role("button", name="Doel toevoegen").click()
    assert page.get_by_text("Doel toegevoegd.").is_visible()
    assert axe_violations(page) == []
    return link


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

    # --- adm-surveys: create a survey from a template (e.g. Zeist's counter thumbs) here.
    _counter_survey_until_the_survey_pages_land()

    # adm-config: a location with opening hours, a kiosk with its QR, a volume and a target.
    kiosk_link = add_place_kiosk_volume_and_target(page)

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

    # The kiosk answers (the tablet opens the link its QR code holds).
    tablet = browser.new_context(locale="nl-NL", viewport={"width": 1024, "height": 768})
    kiosk = tablet.new_page()
    kiosk.goto(kiosk_link)
    kiosk.wait_for_url("**/kiosk/")
    kiosk.get_by_role("button", name="Ja, tevreden", exact=True).click()
    kiosk.get_by_role("button", name="Overslaan", exact=True).click()  # the topic question
    kiosk.get_by_role("heading", level=1, name="Bedankt!").wait_for()
    assert wait_until(lambda: stored_responses("arnhem") == 1)
    tablet.close()
    # --- reports: the next report shows the answers.

    # 6. The audit log shows every step, with who did it.
    page.get_by_role("navigation", name="Onderdelen").get_by_role("link", name="Logboek").click()
    log = page.locator("table.audit").inner_text()
    for action in ("organisation.create", "organisation.settings", "member.invite",
                   "user.password_set"):
        assert action in log, action
    analyst.close()
    admin.close()
