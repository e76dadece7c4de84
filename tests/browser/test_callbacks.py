"""Issue 15 in real Chromium: a thumbs down at the kiosk, a callback request, a case for the
right unit with its deadline, staff handle it, the details are gone; axe-core on every new
screen, in Dutch and English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from survey.domain.working_days import deadline
from survey.extensions import db
from survey.models import CallbackCase, CallbackRequest, Unit
from survey.services.users import add_user
from tests.browser.conftest import axe_violations
from tests.browser.kiosk_helpers import (
    close_and_settle,
    enrol,
    heading,
    queue_length,
    tap,
    wait_until,
)

pytestmark = pytest.mark.browser
PASSWORD = "a long password"
SETTINGS = {"min_interval_seconds": 0, "idle_seconds": 600}


@pytest.fixture
def kiosk_context(browser, app):
    context = browser.new_context(
        locale="nl-NL", bypass_csp=True, viewport={"width": 1024, "height": 768}
    )
    yield context
    close_and_settle(context, app)


def _first(model):
    db.session.rollback()  # see what the server's threads committed
    return db.session.execute(select(model)).scalar_one_or_none()


def _requests() -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(CallbackRequest)).scalar()


def _thumbs_down_to_offer(page, english: bool = False) -> None:
    if english:
        tap(page, "English")
        tap(page, "No, not satisfied")
        tap(page, "Next" if page.get_by_role("button", name="Next").count() else "Continue")
        tap(page, "Skip")
        return
    tap(page, "Nee, niet tevreden")
    expect(heading(page)).to_have_text("Wat ging er niet goed?")
    tap(page, "Ik moest lang wachten")
    tap(page, "Verder")
    expect(heading(page)).to_have_text("Waar ging uw bezoek over?")
    tap(page, "Overslaan")


def _log_in(page, url: str, email: str) -> None:
    page.goto(url + "/staff/demo/cases")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/staff/demo/cases")


def test_kiosk_callback_becomes_a_case_staff_handle_it_and_the_details_are_gone(
    kiosk_context, browser, live_server, demo_org
):
    page = kiosk_context.new_page()
    enrol(page, live_server.url, settings=SETTINGS)
    _thumbs_down_to_offer(page)

    expect(heading(page)).to_have_text("Wilt u dat wij contact met u opnemen?")
    assert axe_violations(page) == []
    tap(page, "Ja, neem contact met mij op")
    expect(heading(page)).to_have_text("Uw contactgegevens")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert axe_violations(page) == []

    # Bad input: a clear error at the field, nothing stored.
    page.get_by_label("Telefoonnummer").fill("06 1234 5678")
    tap(page, "Versturen")
    expect(page.locator("#cb-summary")).to_contain_text("Zet een vinkje")
    expect(page.get_by_label(re.compile("Ik vind het goed"))).to_have_attribute(
        "aria-invalid", "true"
    )
    assert axe_violations(page) == []
    page.get_by_label(re.compile("Ik vind het goed")).check()
    page.get_by_label("Telefoonnummer").fill("12")
    tap(page, "Versturen")
    expect(page.locator("#cb-summary")).to_contain_text("Dit telefoonnummer klopt niet")
    expect(page.get_by_label("Telefoonnummer")).to_have_attribute("aria-invalid", "true")
    page.get_by_label(re.compile("Uw naam")).fill("Mevrouw Jansen")
    page.get_by_label("Telefoonnummer").fill("06 1234 5678")
    page.get_by_label(re.compile("Waarover wilt u praten")).fill("Ik stond een uur in de rij.")
    assert _requests() == 0  # the refused attempts stored nothing

    tap(page, "Versturen")
    expect(heading(page)).to_have_text("Uw verzoek is ontvangen")
    expect(page.get_by_text("Wij bellen u binnen 2 werkdagen terug.")).to_be_visible()
    assert axe_violations(page) == []

    # A case for Burgerzaken (the balie survey's unit) with its working-day deadline.
    case = wait_until(lambda: _first(CallbackCase))
    assert db.session.get(Unit, case.unit_id).slug == "burgerzaken"
    assert case.due_at == deadline(case.created_at, 2)
    request = db.session.get(CallbackRequest, case.request_id)
    assert (request.name, request.phone) == ("Mevrouw Jansen", "+31612345678")
    assert request.response_id is not None

    # Staff handle it.
    add_user("balie@voorbeeld.nl", PASSWORD, "demo", role="viewer")
    staff_context = browser.new_context(locale="nl-NL", bypass_csp=True)
    staff = staff_context.new_page()
    _log_in(staff, live_server.url, "balie@voorbeeld.nl")
    row = staff.get_by_role("row", name=re.compile(f"Zaak {case.id}"))
    expect(row).to_contain_text("Burgerzaken")
    expect(row).to_contain_text("Mevrouw Jansen")
    assert axe_violations(staff) == []
    staff.get_by_role("link", name=f"Zaak {case.id}").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Zaak {case.id}")
    expect(staff.locator("[data-field=details]")).to_contain_text("+31612345678")
    expect(staff.locator("[data-field=deadline]")).to_contain_text("2 werkdagen")
    assert axe_violations(staff) == []
    staff.get_by_role("button", name=re.compile("Ik heb contact gehad")).click()
    expect(staff.get_by_role("status").or_(staff.locator(".flash"))).to_have_count(1)
    staff.get_by_label("Notitie").fill("Teruggebeld, uitleg gegeven over de wachttijd.")
    staff.get_by_role("button", name="Notitie toevoegen").click()
    staff.get_by_label("Status").select_option("done")
    staff.get_by_label("Uitkomst").select_option("explained")
    staff.get_by_role("button", name="Status opslaan").click()
    expect(staff.locator("[data-field=erased]")).to_contain_text("gewist")
    expect(staff.locator("[data-field=status]")).to_have_text("Afgehandeld (Uitgelegd)")
    assert "Mevrouw Jansen" not in staff.content()
    assert "+31612345678" not in staff.content()
    assert axe_violations(staff) == []

    # The detail is gone from the database; the case stays for the report.
    db.session.rollback()
    request = db.session.get(CallbackRequest, case.request_id)
    assert (request.name, request.phone, request.email, request.message) == (None,) * 4
    closed = db.session.get(CallbackCase, case.id)
    assert closed.status == "done" and closed.first_contact_at is not None

    # The staff screens in English.
    staff.goto(f"{live_server.url}/staff/demo/cases/{case.id}?lang=en")
    assert staff.locator("html").get_attribute("lang") == "en"
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Case {case.id}")
    assert axe_violations(staff) == []
    staff.goto(f"{live_server.url}/staff/demo/cases?view=closed&lang=en")
    assert axe_violations(staff) == []
    staff_context.close()


def test_kiosk_callback_screens_in_english_pass_axe(kiosk_context, live_server, demo_org):
    page = kiosk_context.new_page()
    enrol(page, live_server.url, settings=SETTINGS)
    tap(page, "English")
    tap(page, "No, not satisfied")
    expect(heading(page)).to_have_text("What went wrong?")
    tap(page, "Continue")
    tap(page, "Skip")
    expect(heading(page)).to_have_text("Would you like us to contact you about this?")
    assert page.locator("html").get_attribute("lang") == "en"
    assert axe_violations(page) == []
    tap(page, "Yes, contact me")
    expect(heading(page)).to_have_text("Your contact details")
    page.get_by_label(re.compile("I agree")).check()
    page.get_by_label("Or your e-mail address").fill("not an address")
    tap(page, "Send")
    expect(page.locator("#cb-summary")).to_contain_text("This e-mail address is not correct")
    assert axe_violations(page) == []
    assert _requests() == 0
    page.get_by_label("Or your e-mail address").fill("jansen@example.org")
    tap(page, "Send")
    expect(heading(page)).to_have_text("Your request has been received")
    expect(page.get_by_text("We will e-mail you within 2 working days.")).to_be_visible()
    assert axe_violations(page) == []
    request = wait_until(lambda: _first(CallbackRequest))
    assert (request.email, request.language) == ("jansen@example.org", "en")


def test_a_thumbs_up_or_no_thanks_asks_nothing(kiosk_context, live_server, demo_org):
    page = kiosk_context.new_page()
    enrol(page, live_server.url, settings=SETTINGS)
    tap(page, "Ja, tevreden")
    tap(page, "Overslaan")
    expect(heading(page)).to_have_text("Bedankt!")
    page.wait_for_timeout(4500)  # back to the start after the thanks
    _thumbs_down_to_offer(page)
    tap(page, "Nee, dank u")
    expect(heading(page)).to_have_text("Bedankt!")
    assert _requests() == 0


def _link_offer(page, url: str, lang: str = "nl") -> None:
    suffix = "?lang=en" if lang == "en" else ""
    page.goto(f"{url}/s/q/demo/balie/stadhuis{suffix}")
    page.get_by_role("button", name="Nee, niet tevreden" if lang == "nl"
                     else "No, not satisfied").click()
    skip = "Deze vraag overslaan" if lang == "nl" else "Skip this question"
    page.get_by_role("button", name=skip).click()
    page.get_by_role("button", name=skip).click()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_link_page_callback_screens_pass_axe(page, live_server, demo_org, lang):
    _link_offer(page, live_server.url, lang)
    words = {
        "nl": ("Wilt u dat wij contact met u opnemen?", "Ja, neem contact met mij op",
               "Versturen", "Zet een vinkje", "Uw verzoek is ontvangen",
               "Wij bellen u binnen 2 werkdagen terug.", "Telefoonnummer", "Ik vind het goed"),
        "en": ("Would you like us to contact you about this?", "Yes, contact me", "Send",
               "Tick the box", "Your request has been received",
               "We will call you back within 2 working days.", "Phone number", "I agree"),
    }[lang]
    expect(page.get_by_role("heading", level=2)).to_have_text(words[0])
    assert axe_violations(page) == []
    page.get_by_role("link", name=words[1]).click()
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page) == []
    page.get_by_label(words[6]).fill("06 1234 5678")
    page.get_by_role("button", name=words[2]).click()
    expect(page.get_by_role("alert")).to_contain_text(words[3])
    assert axe_violations(page) == []
    assert _requests() == 0
    page.get_by_label(re.compile(words[7])).check()
    page.get_by_role("button", name=words[2]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words[4])
    expect(page.get_by_text(words[5])).to_be_visible()
    assert axe_violations(page) == []
    assert _requests() == 1


def test_callback_settings_page_passes_axe(page, live_server, demo_org):
    add_user("beheer@voorbeeld.nl", PASSWORD, "demo", role="admin")
    _log_in(page, live_server.url, "beheer@voorbeeld.nl")
    page.goto(f"{live_server.url}/staff/demo/cases/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Instellingen terugbelverzoeken")
    assert axe_violations(page) == []
    page.get_by_label("Servicenorm in werkdagen").fill("0")
    page.get_by_role("button", name="Opslaan").first.click()
    expect(page.locator(".field-error")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/staff/demo/cases/settings?lang=en")
    assert axe_violations(page) == []


def test_offline_the_request_is_queued_behind_its_response_and_sent_once(
    kiosk_context, live_server, demo_org
):
    page = kiosk_context.new_page()
    enrol(page, live_server.url, settings=SETTINGS)
    _thumbs_down_to_offer(page)
    kiosk_context.set_offline(True)
    tap(page, "Ja, neem contact met mij op")
    page.get_by_label(re.compile("Ik vind het goed")).check()
    page.get_by_label("Telefoonnummer").fill("06 1234 5678")
    tap(page, "Versturen")
    expect(heading(page)).to_have_text("Uw verzoek is ontvangen")
    assert queue_length(page) == 2  # the response and the request, on the tablet
    assert _requests() == 0
    kiosk_context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    case = wait_until(lambda: _first(CallbackCase))
    wait_until(lambda: queue_length(page) == 0)
    request = db.session.get(CallbackRequest, case.request_id)
    assert request.phone == "+31612345678" and request.response_id is not None
    assert _requests() == 1
