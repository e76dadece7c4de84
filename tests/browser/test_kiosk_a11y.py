"""Kiosk accessibility: axe-core on every screen, keyboard use, target size, reduced motion."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from survey.services import kiosks
from tests.browser.conftest import axe_violations
from tests.browser.kiosk_helpers import (
    close_and_settle,
    enrol,
    heading,
    quick_response,
    tap,
)

pytestmark = pytest.mark.browser

BUTTON_SIZES = "() => [...document.querySelectorAll('button')].map(b => b.getBoundingClientRect())"


@pytest.fixture
def a11y_context(browser, app):
    context = browser.new_context(
        locale="nl-NL",
        bypass_csp=True,  # to inject axe-core
        viewport={"width": 1024, "height": 768},
        reduced_motion="reduce",
    )
    yield context
    close_and_settle(context, app)


def _smallest_button(page) -> float:
    boxes = page.evaluate(BUTTON_SIZES)
    assert boxes, "no buttons on this screen"
    return min(min(b["width"], b["height"]) for b in boxes)


def test_every_kiosk_screen_passes_axe(a11y_context, live_server, demo_org):
    page = a11y_context.new_page()
    page.clock.install()
    device_id = enrol(page, live_server.url)
    screens = {}

    screens["start"] = axe_violations(page)
    assert _smallest_button(page) >= 88
    tap(page, "English")
    expect(heading(page)).to_have_text("Are you satisfied with your visit?")
    screens["start (English)"] = axe_violations(page)
    tap(page, "Nederlands")

    tap(page, "Nee, niet tevreden")
    tap(page, "Ik moest lang wachten")
    screens["reasons, one chosen"] = axe_violations(page)
    assert _smallest_button(page) >= 88
    tap(page, "Verder")
    expect(heading(page)).to_have_text("Waar ging uw bezoek over?")
    screens["topic"] = axe_violations(page)
    assert _smallest_button(page) >= 88
    tap(page, "Overslaan")
    expect(heading(page)).to_have_text("Wilt u dat wij contact met u opnemen?")
    screens["callback offer"] = axe_violations(page)
    assert _smallest_button(page) >= 88
    tap(page, "Nee, dank u")
    expect(heading(page)).to_have_text("Bedankt!")
    screens["thanks"] = axe_violations(page)

    kiosks.revoke(device_id)
    page.reload()
    expect(heading(page)).to_have_text("Buiten gebruik")
    screens["out of order"] = axe_violations(page)

    fresh = a11y_context.browser.new_context(locale="nl-NL", bypass_csp=True)
    try:
        other = fresh.new_page()
        other.goto(live_server.url + "/kiosk/")
        expect(heading(other)).to_have_text("Deze tablet is nog niet gekoppeld")
        screens["not linked"] = axe_violations(other)
        other.goto(live_server.url + "/kiosk/enrol/used-or-unknown")
        expect(other.get_by_role("status")).to_contain_text("werkt niet meer")
        screens["enrolment link failed"] = axe_violations(other)
    finally:
        fresh.close()

    assert screens == {name: [] for name in screens}


def test_kiosk_works_with_the_keyboard_alone(a11y_context, live_server, demo_org):
    page = a11y_context.new_page()
    enrol(page, live_server.url)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Ja, tevreden")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Waar ging uw bezoek over?")
    expect(heading(page)).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(heading(page)).to_have_text("Bedankt!")


def test_kiosk_respects_reduced_motion(a11y_context, live_server, demo_org):
    page = a11y_context.new_page()
    enrol(page, live_server.url)
    duration = page.evaluate(
        "getComputedStyle(document.querySelector('button.thumb')).transitionDuration"
    )
    assert duration == "0s"


def test_buttons_have_text_labels(a11y_context, live_server, demo_org):
    page = a11y_context.new_page()
    page.clock.install()
    enrol(page, live_server.url)
    names = page.evaluate("[...document.querySelectorAll('button')].map(b => b.innerText.trim())")
    assert names == ["Ja, tevreden", "Nee, niet tevreden", "English"]
    quick_response(page)
