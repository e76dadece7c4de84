"""Complaint referral in real Chromium: after "Ik wil een klacht indienen" the thank-you screen
points to the organisation's complaint page. The kiosk shows a short address and a QR code
(read back with zbarimg from a screenshot), also offline; the link page and the website widget
show a link. axe-core on every changed screen."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Organisation
from survey.services.surveys import create_survey
from tests.browser.conftest import axe_violations
from tests.browser.kiosk_helpers import (
    answers_of,
    close_and_settle,
    enrol,
    heading,
    stored,
    tap,
    wait_until,
)
from tests.browser.widget_host import (  # noqa: F401
    configure,
    host_fixture,
    site_fixture,
    wait_for_responses,
    widget_started,
)
from tests.link.helpers import make_invitation

pytestmark = pytest.mark.browser

COMPLAINT_URL = "https://www.voorbeeld.nl/klacht"  # the demo organisation's setting
LONG_URL = "https://www.voorbeeld.nl/bestuur/klachten-en-bezwaar/klacht-indienen-over-de-gemeente"
ZBARIMG = shutil.which("zbarimg")
CACHED_SURVEY = "async () => !!(await caches.match('/kiosk/api/config'))"


def _set_complaint_url(url: str) -> None:
    org = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    org.complaint_url = url
    db.session.commit()


def _decode_qr(locator, folder) -> str:
    """The text of the QR code on the screen (a screenshot of the element, read by zbarimg)."""
    assert ZBARIMG, "zbarimg is needed (scripts/system-deps.sh installs zbar-tools)"
    path = folder / "qr.png"
    locator.screenshot(path=str(path))
    found = subprocess.run(
        [ZBARIMG, "-q", "--raw", str(path)], capture_output=True, text=True, timeout=30
    )
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


@pytest.fixture
def kiosk_page(browser, app):
    context = browser.new_context(
        locale="nl-NL",
        service_workers="allow",
        bypass_csp=True,  # axe-core is injected
        viewport={"width": 1024, "height": 768},
    )
    page = context.new_page()
    yield page
    close_and_settle(context, app)


def _complain_at_the_kiosk(page, callback: bool = False) -> None:
    tap(page, "Nee, niet tevreden")
    tap(page, "Ik moest lang wachten")
    tap(page, "Ik wil een klacht indienen")
    tap(page, "Verder")
    tap(page, "Overslaan")
    if not callback:  # the callback offer after a thumbs down: declined
        tap(page, "Nee, dank u")
        expect(heading(page)).to_have_text("Bedankt!")


def test_kiosk_thanks_shows_the_short_address_and_a_qr_code_offline(
    kiosk_page, live_server, demo_org, tmp_path
):
    page = kiosk_page
    page.clock.install()
    enrol(page, live_server.url, settings={"min_interval_seconds": 0})
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function(CACHED_SURVEY)
    page.context.set_offline(True)  # the config (with the QR code) came before: no network now

    _complain_at_the_kiosk(page)
    section = page.get_by_role("region", name="Wilt u een klacht indienen?")
    expect(section).to_be_visible()
    expect(section.locator(".address")).to_have_text("www.voorbeeld.nl/klacht")
    qr = section.get_by_role("img", name="QR-code naar de klachtenpagina")
    expect(qr).to_be_visible()
    assert _decode_qr(qr, tmp_path) == COMPLAINT_URL
    assert axe_violations(page) == []

    # A longer stay than the plain thank-you screen (4 s), then back to the start.
    page.clock.run_for(10_000)
    expect(heading(page)).to_have_text("Bedankt!")
    page.clock.run_for(21_000)
    expect(page.locator("[data-screen=start]")).to_be_visible()

    # Without the complaint reason: the plain thank-you screen.
    tap(page, "Nee, niet tevreden")
    tap(page, "Ik moest lang wachten")
    tap(page, "Verder")
    tap(page, "Overslaan")
    tap(page, "Nee, dank u")
    expect(heading(page)).to_have_text("Bedankt!")
    expect(page.locator(".complaint")).to_have_count(0)

    page.context.set_offline(False)
    rows = wait_until(lambda: len(stored()) == 2 and stored())
    assert [answers_of(r).get("reden") for r in rows] == [
        ["klacht", "lang_wachten"],
        ["lang_wachten"],
    ]


def test_kiosk_shows_the_platform_short_link_for_a_long_address(
    kiosk_page, live_server, demo_org, tmp_path, app
):
    _set_complaint_url(LONG_URL)
    page = kiosk_page
    enrol(page, live_server.url, settings={"min_interval_seconds": 0})
    _complain_at_the_kiosk(page)
    short = app.config["PUBLIC_URL"].rstrip("/") + "/k/demo"
    address = page.locator(".complaint .address")
    expect(address).to_have_text(short.split("://", 1)[1])
    assert _decode_qr(page.locator(".complaint svg.qr"), tmp_path) == short
    # The short link leads to the complaint page (the redirect, not the external page).
    reply = page.request.get(live_server.url + "/k/demo", max_redirects=0)
    assert (reply.status, reply.headers["location"]) == (302, LONG_URL)
    page.get_by_role("button", name="Terug naar het begin").click()
    expect(page.locator("[data-screen=start]")).to_be_visible()


def test_kiosk_callback_confirmation_also_points_to_the_complaint_page(
    kiosk_page, live_server, demo_org, tmp_path
):
    page = kiosk_page
    enrol(page, live_server.url, settings={"min_interval_seconds": 0})
    _complain_at_the_kiosk(page, callback=True)
    tap(page, "Ja, neem contact met mij op")
    page.locator("#cb-consent").check()
    page.get_by_label("Telefoonnummer").fill("06 12345678")
    page.get_by_role("button", name="Versturen").click()
    expect(heading(page)).to_have_text("Uw verzoek is ontvangen")
    qr = page.get_by_role("img", name="QR-code naar de klachtenpagina")
    assert _decode_qr(qr, tmp_path) == COMPLAINT_URL
    assert axe_violations(page) == []


def test_kiosk_without_a_complaint_page_shows_plain_thanks(kiosk_page, live_server, demo_org):
    _set_complaint_url("")
    page = kiosk_page
    enrol(page, live_server.url, settings={"min_interval_seconds": 0})
    _complain_at_the_kiosk(page)
    expect(page.locator(".complaint")).to_have_count(0)


@pytest.fixture
def phone(browser, app):
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 360, "height": 640}, has_touch=True, bypass_csp=True
    )
    yield context.new_page()
    context.close()


def test_link_page_thanks_links_to_the_complaint_page(phone, live_server, demo_org):
    token, _ = make_invitation(survey="telefoon")
    phone.goto(f"{live_server.url}/s/{token}")
    phone.get_by_role("button", name="3", exact=True).tap()
    phone.wait_for_url(f"**/s/{token}/next")
    phone.get_by_label("Ik wil een klacht indienen").check()
    phone.get_by_role("button", name="Volgende").tap()
    for _ in range(3):
        phone.get_by_role("button", name="Deze vraag overslaan").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw antwoord!")
    link = phone.get_by_role("link", name="Dien een klacht in op onze klachtenpagina")
    expect(link).to_have_attribute("href", COMPLAINT_URL)
    assert axe_violations(phone) == []


def test_plain_link_thanks_without_the_complaint_reason_has_no_link(phone, live_server, demo_org):
    phone.goto(f"{live_server.url}/s/q/demo/balie/stadhuis")
    phone.get_by_role("button", name="Nee, niet tevreden").tap()
    phone.get_by_label("Ik moest lang wachten").check()
    phone.get_by_role("button", name="Volgende").tap()
    phone.get_by_role("button", name="Deze vraag overslaan").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw antwoord!")
    link = phone.get_by_role("link", name="Dien een klacht in op onze klachtenpagina")
    expect(link).to_have_count(0)


def test_plain_link_thanks_after_a_complaint_links_to_the_page(phone, live_server, demo_org):
    phone.goto(f"{live_server.url}/s/q/demo/balie/stadhuis")
    phone.get_by_role("button", name="Nee, niet tevreden").tap()
    phone.get_by_label("Ik wil een klacht indienen").check()
    phone.get_by_role("button", name="Volgende").tap()
    phone.get_by_role("button", name="Deze vraag overslaan").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw antwoord!")
    link = phone.get_by_role("link", name="Dien een klacht in op onze klachtenpagina")
    expect(link).to_have_attribute("href", COMPLAINT_URL)
    assert axe_violations(phone) == []


WEBSITE_COMPLAINT = {
    "title": {"nl": "Was deze pagina nuttig?"},
    "headline": "geholpen",
    "questions": [
        {"key": "geholpen", "kind": "thumbs", "required": True,
         "text": {"nl": "Bent u geholpen?"}},
        {"key": "reden", "kind": "choice", "multiple": True,
         "show_if": {"question": "geholpen", "equals": "down"},
         "text": {"nl": "Wat ging er niet goed?"},
         "options": [
             {"code": "onduidelijk", "text": {"nl": "De informatie was onduidelijk"}},
             {"code": "klacht", "text": {"nl": "Ik wil een klacht indienen"},
              "complaint": True},
         ]},
    ],
}  # fmt: skip


@pytest.mark.parametrize("complain", [True, False])
def test_widget_thanks_links_to_the_complaint_page(site, page, complain):
    org = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    create_survey(org, "site_klacht", "Website met klachtreden", WEBSITE_COMPLAINT)
    db.session.commit()
    configure("site_klacht", origins=[site.url], presentations=["inline"])
    site.surveys = ["site_klacht"]
    site.body = "<div data-kto-inline></div>"
    page.goto(site.url + "/afval")
    widget_started(page)
    page.get_by_role("button", name="Nee").click()
    page.get_by_label("Ik wil een klacht indienen" if complain else "De informatie was onduidelijk"
                      ).check()
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Bedankt voor uw antwoord!")).to_be_visible()
    link = page.get_by_role("link", name="Dien een klacht in op onze klachtenpagina")
    if complain:
        expect(link).to_have_attribute("href", COMPLAINT_URL)
        assert axe_violations(page) == []
    else:
        expect(link).to_have_count(0)
    rows = wait_for_responses(1)
    assert len(rows) == 1
