"""The configuration pages in real Chromium: axe-core finds nothing in Dutch and English, and
an administrator adds a kiosk (QR on screen), a volume and a target with the keyboard only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import ContactVolume, Device, ReportTarget, Survey
from survey.services import kiosk_admin, targets
from survey.services.users import add_user
from tests.admin_config.helpers import demo_id
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser
PASSWORD = "Zeer lang wachtwoord 7391"


@pytest.fixture
def admin_page(page, live_server, demo_org):
    add_user("beheer@voorbeeld.nl", PASSWORD, "demo", role="admin")
    page.goto(live_server.url + "/staff/login")
    page.get_by_label("E-mailadres").fill("beheer@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/staff/demo/**")
    return page


def _pages(live_server) -> list[str]:
    site = db.session.execute(select(Survey.id).where(Survey.slug == "website")).scalar()
    added = kiosk_admin.add_device(demo_id(), None, "Hal", None, site)
    target = targets.create_target(demo_id(), None, "nps", None, None, 0, None, "NPS", "NPS")
    base = live_server.url + "/staff/demo"
    return [
        f"{base}/places",
        f"{base}/places/locations/1",
        f"{base}/places/units/1",
        f"{base}/places/topics/1",
        f"{base}/kiosks",
        f"{base}/kiosks/{added.device_id}",
        f"{base}/website",
        f"{base}/website/{site}",
        f"{base}/website/{site}/preview",
        f"{base}/volumes",
        f"{base}/targets",
        f"{base}/targets/{target}",
    ]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_configuration_pages_have_no_axe_violations(admin_page, live_server, lang):
    page = admin_page
    for url in _pages(live_server):
        response = page.goto(f"{url}?lang={lang}")
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == lang
        assert axe_violations(page) == [], url
    # A refused form shows its errors accessibly too.
    page.goto(f"{live_server.url}/staff/demo/targets?lang={lang}")
    page.locator("#value").fill("90")
    page.locator("#start_month").fill("2026-13")
    page.locator("#label_nl").fill("x")
    page.locator("#label_en").fill("x")
    page.locator("#label_en").press("Enter")
    page.locator("#start_month[aria-invalid=true]").wait_for()
    assert page.locator("#start_month-error").is_visible()
    assert axe_violations(page) == []


def test_add_kiosk_volume_and_target_by_keyboard(admin_page, live_server):
    page = admin_page
    page.goto(live_server.url + "/staff/demo/kiosks")
    page.get_by_label("Naam").focus()
    page.keyboard.type("Hal links")
    page.keyboard.press("Tab")  # location
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # survey
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Kiosk toevoegen"
    qr = page.locator(".qr svg[role=img]")
    qr.wait_for()
    assert qr.bounding_box()["width"] > 100
    assert "/kiosk/enrol/" in page.locator("#enrol-link").input_value()
    with page.expect_download() as download:
        page.get_by_role("button", name="Downloaden als pdf om te printen").press("Enter")
    assert download.value.suggested_filename.endswith("-enrolment.pdf")
    db.session.rollback()
    device = db.session.execute(select(Device)).scalar_one()
    assert device.name == "Hal links" and device.location_id is not None

    page.goto(live_server.url + "/staff/demo/volumes")
    page.get_by_label("Maand").fill("2026-10")
    page.get_by_label("Kanaal", exact=True).select_option("phone")  # the form's, not the chart's
    page.get_by_label("Aantal contacten").fill("9000")
    page.get_by_label("Aantal contacten").press("Enter")
    page.wait_for_url("**/staff/demo/volumes")
    assert page.get_by_role("status").inner_text() == "Aantal opgeslagen."
    db.session.rollback()  # a fresh snapshot: the server wrote after our last read
    assert db.session.execute(select(ContactVolume.count)).scalar() == 9000
    chart = page.locator("figure img")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")

    page.goto(live_server.url + "/staff/demo/targets")
    page.get_by_label("Maat").select_option("satisfied")
    page.locator("#value").fill("90")
    page.get_by_label("Naam in het Nederlands").fill("90% tevreden")
    page.get_by_label("Naam in het Engels").fill("90% satisfied")
    page.get_by_label("Naam in het Engels").press("Enter")
    page.wait_for_url("**/staff/demo/targets")
    db.session.rollback()
    labels = [t.label_nl for t in db.session.query(ReportTarget)]
    assert "90% tevreden" in labels


def test_widget_preview_runs_under_the_pages_own_csp(browser, live_server, demo_org):
    """The preview page loads the real widget script with the strict CSP in force (no
    bypass), and the inline block appears in the page's placeholder."""
    add_user("beheer@voorbeeld.nl", PASSWORD, "demo", role="admin")
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(live_server.url + "/staff/login")
    page.get_by_label("E-mailadres").fill("beheer@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/staff/demo/**")
    site = db.session.execute(select(Survey.id).where(Survey.slug == "website")).scalar()
    response = page.goto(f"{live_server.url}/staff/demo/website/{site}/preview")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-kto-inline]');"
        " return s && s.querySelector('*') && s.querySelector('*').shadowRoot; }"
    )
    text = page.evaluate(
        "() => document.querySelector('[data-kto-inline] *').shadowRoot.textContent"
    )
    assert "Heeft u gevonden wat u zocht?" in text
    assert refused == []
    context.close()
