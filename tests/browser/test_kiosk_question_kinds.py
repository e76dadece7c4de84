"""The kiosk draws every question kind: grades, several choices, one choice, yes/no, free text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, app):
    # bypass_csp to inject axe-core; no transitions, so axe sees the colours a screen settles on
    context = browser.new_context(locale="nl-NL", bypass_csp=True, reduced_motion="reduce")
    yield context.new_page()
    close_and_settle(context, app)


def test_a_phone_style_survey_on_the_kiosk(page, live_server, demo_org):
    page.clock.install()
    enrol(page, live_server.url, survey="telefoon")
    screens = {}
    expect(heading(page)).to_contain_text("Welk cijfer geeft u")
    expect(page.get_by_role("button")).to_have_count(11)  # 1 to 10, and "English"
    screens["grade"] = axe_violations(page)
    tap(page, "5")

    expect(heading(page)).to_have_text("Wat ging er niet goed?")
    tap(page, "Ik moest lang wachten")
    tap(page, "Ik ben niet in één keer geholpen")
    tap(page, "Ik moest lang wachten")  # pressed again: off
    tap(page, "Ik moest lang wachten")  # and on
    pressed = page.locator("button[aria-pressed=true]")
    expect(pressed).to_have_count(2)
    screens["several choices"] = axe_violations(page)
    tap(page, "Verder")

    expect(heading(page)).to_have_text("Hoe is uw vraag behandeld?")
    screens["one choice"] = axe_violations(page)
    tap(page, "Ik werd doorverbonden")

    expect(heading(page)).to_have_text("Is uw vraag in één keer beantwoord?")
    screens["yes / no"] = axe_violations(page)
    tap(page, "Nee")

    expect(heading(page)).to_have_text("Wilt u nog iets zeggen?")
    page.get_by_label("Wilt u nog iets zeggen?").fill("  Ik werd drie keer doorverbonden.  ")
    screens["text"] = axe_violations(page)
    tap(page, "Verder")
    # A 5 is below the survey's satisfied rule (7 or more): a callback request is offered.
    expect(heading(page)).to_have_text("Wilt u dat wij contact met u opnemen?")
    tap(page, "Nee, dank u")
    expect(heading(page)).to_have_text("Bedankt!")

    assert screens == {name: [] for name in screens}
    row = wait_until(lambda: stored())[0]
    assert (row.survey_mode, row.headline_score, row.satisfied) == ("kiosk", 5, False)
    assert answers_of(row) == {
        "cijfer": 5,
        "reden": ["lang_wachten", "niet_in_een_keer"],
        "afhandeling": "doorverbonden",
        "in_een_keer": "no",
        "toelichting": "Ik werd drie keer doorverbonden.",
    }
