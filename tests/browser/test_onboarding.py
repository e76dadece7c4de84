"""An administrator onboards a new organisation from nothing, in real Chromium (issue 11).

Only `flask kto org create` runs on the command line; every later step is in the browser.
org create → set password → settings → a survey from a template → a location and a kiosk
with its QR code → this month's contact volume and a target → invite an analyst (who sets a
password and sees reports but no administration) → the tablet opens the QR code's link and
answers → the monthly job makes the month's report → the analyst finds the answer and the
target in it.
"""

from __future__ import annotations

import csv
import email
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

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


def this_month() -> date:
    """The month the kiosk's answer falls in (the reports' time zone)."""
    now = datetime.now(ZoneInfo("Europe/Amsterdam"))
    return date(now.year, now.month, 1)


def following_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def create_survey_from_template(page) -> None:
    """A survey from Zeist's counter template (thumbs), version 1 in use at once."""
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


def add_place_kiosk_volume_and_target(page) -> str:
    """adm-config's steps: returns the kiosk's enrolment link as its QR code shows it."""
    sections = page.get_by_role("navigation", name="Onderdelen")
    sections.get_by_role("link", name="Plaatsen").click()
    page.locator("#locations ~ details summary").first.click()  # opens "Locatie toevoegen"
    page.locator("#location-name").fill("Stadhuis")
    page.locator("#location-slug").fill("stadhuis")
    page.locator("#location-hours_mon").fill("09:00-12:30, 13:30-17:00")
    page.locator("#location-hours_mon").press("Enter")
    page.get_by_text("Locatie toegevoegd.").wait_for()  # after the redirect
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
    page.get_by_label("Maand").fill(f"{this_month():%Y-%m}")
    page.locator("#contact_channel").select_option("counter")
    page.get_by_label("Aantal contacten").fill("4200")
    page.get_by_role("button", name="Aantal opslaan").click()
    page.get_by_text("Aantal opgeslagen.").wait_for()  # after the redirect
    assert "4.200" in page.locator("table").first.inner_text()

    sections.get_by_role("link", name="Doelen").click()
    page.get_by_label("Maat").select_option("satisfied")
    page.locator("#contact_channel").select_option("counter")
    page.locator("#value").fill("90")
    page.get_by_label("Naam in het Nederlands").fill("90% tevreden aan de balie")
    page.get_by_label("Naam in het Engels").fill("90% satisfied at the counter")
    page.get_by_role("button", name="Doel toevoegen").click()
    page.get_by_text("Doel toegevoegd.").wait_for()  # after the redirect
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
    page.get_by_text("De instellingen zijn opgeslagen").wait_for()  # after the redirect

    # Create a survey from a template: Zeist's counter thumbs.
    create_survey_from_template(page)

    # adm-config: a location with opening hours, a kiosk with its QR, a volume and a target.
    kiosk_link = add_place_kiosk_volume_and_target(page)

    # 4. Invite an analyst.
    page.get_by_role("navigation", name="Onderdelen").get_by_role(
        "link", name="Gebruikers").click()
    page.get_by_label("E-mailadres").fill("analist@arnhem.nl")
    page.get_by_label("Rol", exact=True).select_option("analyst")
    page.get_by_role("button", name="Uitnodigen").click()
    page.get_by_text("gemaild naar analist@arnhem.nl").wait_for()  # after the redirect
    assert len(smtp_inbox.messages) == 2
    assert axe_violations(page) == []

    # 5. The analyst sets a password and sees reports, not the administration.
    analyst = browser.new_context(locale="nl-NL", bypass_csp=True)
    other = analyst.new_page()
    set_password(other, mailed_link(smtp_inbox, 1), ANALYST_PASSWORD)
    log_in(other, "analist@arnhem.nl", ANALYST_PASSWORD)
    other.wait_for_url("**/staff/arnhem/**")
    sections = other.get_by_role("navigation", name="Onderdelen")
    assert sections.get_by_role("link", name="Rapporten", exact=True).is_visible()
    assert sections.get_by_role("link", name="Gebruikers").count() == 0

    # The kiosk answers (the tablet opens the link its QR code holds).
    tablet = browser.new_context(locale="nl-NL", viewport={"width": 1024, "height": 768})
    kiosk = tablet.new_page()
    kiosk.goto(kiosk_link)
    kiosk.wait_for_url("**/kiosk/")
    kiosk.get_by_role("button", name="Ja, tevreden", exact=True).click()  # helped: yes
    thanks = kiosk.get_by_role("heading", level=1, name="Bedankt!")
    for _ in range(10):  # the template's other questions are optional
        if thanks.is_visible():
            break
        kiosk.get_by_role("button", name="Overslaan", exact=True).click()
    thanks.wait_for()
    assert wait_until(lambda: stored_responses("arnhem") == 1)
    tablet.close()

    # The next monthly report shows the answer. The scheduler's monthly job (not a command)
    # makes it on the first of the next month.
    from survey.services import reports

    month = this_month()
    outcomes = reports.build_and_send_all(following_month(month))
    made = next(o for o in outcomes if o.organisation == "arnhem")
    assert made.report_id is not None, made
    other.get_by_role("navigation", name="Onderdelen").get_by_role(
        "link", name="Rapporten", exact=True).click()
    other.locator(f"a[href$='/reports/{made.report_id}']").click()
    other.wait_for_url(f"**/staff/arnhem/reports/{made.report_id}")
    assert axe_violations(other) == []
    raw = other.locator("a[href$='/responses']").get_attribute("href")
    answered = other.request.get(live_server.url + raw)
    assert answered.ok
    rows = list(csv.reader(io.StringIO(answered.text().lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2, rows  # the header and the kiosk's answer
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["geholpen"] == "up" and record["contact_channel"] == "counter", record
    targets = other.locator("a[href$='/csv/targets']").get_attribute("href")
    table = other.request.get(live_server.url + targets).text()
    assert "90% tevreden aan de balie" in table
    method = other.request.get(
        live_server.url + other.locator("a[href$='/csv/method']").get_attribute("href")).text()
    assert "4200" in method.replace(".", "")  # this month's contact volume

    # 6. The audit log shows every step, with who did it.
    page.get_by_role("navigation", name="Onderdelen").get_by_role("link", name="Logboek").click()
    log = page.locator("table.audit").inner_text()
    for action in ("organisation.create", "organisation.settings", "survey.create",
                   "location.create", "device.create", "volume.set", "target.create",
                   "member.invite", "user.password_set"):
        assert action in log, action
    analyst.close()
    admin.close()
