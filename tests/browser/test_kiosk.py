"""The counter kiosk in real Chromium: enrol, answer, auto-reset, misuse, revocation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Device
from survey.services import kiosks
from tests.browser.kiosk_helpers import (
    answers_of,
    close_and_settle,
    enrol,
    heading,
    location_slug,
    queue_length,
    quick_response,
    stored,
    tap,
    wait_until,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def kiosk_page(browser, app):
    # bypass_csp lets the test inject axe-core into pages that allow only their own scripts.
    context = browser.new_context(
        locale="nl-NL", bypass_csp=True, viewport={"width": 1024, "height": 768}
    )
    page = context.new_page()
    yield page
    close_and_settle(context, app)


def test_enrol_then_thumbs_up_and_thumbs_down_with_reason(kiosk_page, live_server, demo_org):
    page = kiosk_page
    page.clock.install()
    # The misuse rules count by the server's receive time, which the page clock below does not
    # move: the interval rule is off here (tests/kiosk and test_channels.py check it).
    device_id = enrol(page, live_server.url, location="stadskantoor",
                      settings={"min_interval_seconds": 0})
    assert page.locator("html").get_attribute("lang") == "nl"
    expect(heading(page)).to_have_text("Bent u tevreden over uw bezoek?")

    quick_response(page)
    page.clock.fast_forward(10_000)  # back at the start, well after the first response
    tap(page, "Nee, niet tevreden")
    expect(heading(page)).to_have_text("Wat ging er niet goed?")
    tap(page, "Ik moest lang wachten")
    expect(page.get_by_role("button", name="Ik moest lang wachten")).to_have_attribute(
        "aria-pressed", "true"
    )
    tap(page, "Verder")
    expect(heading(page)).to_have_text("Waar ging uw bezoek over?")
    tap(page, "Rijbewijs")
    # A negative answer is offered a callback request (tests/browser/test_callbacks.py).
    expect(heading(page)).to_have_text("Wilt u dat wij contact met u opnemen?")
    tap(page, "Nee, dank u")
    expect(heading(page)).to_have_text("Bedankt!")

    rows = wait_until(lambda: len(stored()) == 2 and stored())
    assert [answers_of(r) for r in rows] == [
        {"oordeel": "up"},
        {"oordeel": "down", "reden": ["lang_wachten"], "onderwerp": "rijbewijs"},
    ]
    for row in rows:
        assert (row.survey_mode, row.contact_channel) == ("kiosk", "counter")
        assert location_slug(row) == "stadskantoor"
        assert row.device_id == device_id
        assert row.language == "nl"
        assert row.suspect is False
    assert [r.satisfied for r in rows] == [True, False]


def test_resets_after_thanks_and_when_someone_walks_away(kiosk_page, live_server, demo_org):
    page = kiosk_page
    page.clock.install()
    enrol(page, live_server.url)

    quick_response(page)
    page.clock.fast_forward(3_500)
    expect(heading(page)).to_have_text("Bedankt!")
    page.clock.fast_forward(600)
    expect(page.locator("[data-screen=start]")).to_be_visible()

    page.clock.fast_forward(10_000)
    tap(page, "Nee, niet tevreden")
    tap(page, "Ik moest lang wachten")
    page.clock.fast_forward(19_000)
    expect(heading(page)).to_have_text("Wat ging er niet goed?")
    page.clock.fast_forward(1_500)  # 20 s after the last touch
    expect(page.locator("[data-screen=start]")).to_be_visible()

    # The next person sees nothing of the previous one's choices.
    page.clock.fast_forward(10_000)
    tap(page, "Nee, niet tevreden")
    expect(page.locator("[aria-pressed=true]")).to_have_count(0)
    page.clock.fast_forward(21_000)

    # English on request; back to Dutch for the next person.
    tap(page, "English")
    expect(heading(page)).to_have_text("Are you satisfied with your visit?")
    assert page.locator("html").get_attribute("lang") == "en"
    page.clock.fast_forward(21_000)
    expect(heading(page)).to_have_text("Bent u tevreden over uw bezoek?")
    assert page.locator("html").get_attribute("lang") == "nl"

    rows = wait_until(lambda: len(stored()) == 3 and stored())
    assert [answers_of(r) for r in rows] == [
        {"oordeel": "up"},
        {"oordeel": "down", "reden": ["lang_wachten"]},  # kept when the person walked away
        {"oordeel": "down"},
    ]


def test_custom_timings_come_from_the_device(kiosk_page, live_server, demo_org):
    page = kiosk_page
    page.clock.install()
    enrol(page, live_server.url, settings={"thanks_seconds": 2, "idle_seconds": 8})
    quick_response(page)
    page.clock.fast_forward(2_100)
    expect(page.locator("[data-screen=start]")).to_be_visible()
    page.clock.fast_forward(10_000)
    tap(page, "Ja, tevreden")
    page.clock.fast_forward(8_100)
    expect(page.locator("[data-screen=start]")).to_be_visible()


def test_second_response_one_second_later_is_stored_as_suspect(kiosk_page, live_server, demo_org):
    page = kiosk_page
    page.clock.install()
    enrol(page, live_server.url, settings={"thanks_seconds": 1})
    quick_response(page)
    page.clock.fast_forward(1_000)
    quick_response(page)
    rows = wait_until(lambda: len(stored()) == 2 and stored())
    gap = (rows[1].submitted_at - rows[0].submitted_at).total_seconds()
    assert 1 <= gap < 5
    assert [(r.suspect, r.suspect_reason) for r in rows] == [
        (False, None),
        (True, "kiosk_too_fast"),
    ]


def test_revoked_device_is_refused_and_out_of_order(kiosk_page, live_server, demo_org):
    page = kiosk_page
    page.clock.install()
    device_id = enrol(page, live_server.url)
    wait_until(lambda: db.session.rollback() or db.session.get(Device, device_id).last_seen)
    kiosks.revoke(device_id)
    tap(page, "Ja, tevreden")
    tap(page, "Overslaan")  # queued and sent; the server refuses it
    expect(heading(page)).to_have_text("Buiten gebruik")
    assert queue_length(page) == 1  # kept on the tablet, not stored
    assert stored() == []
    page.reload()
    expect(heading(page)).to_have_text("Buiten gebruik")
    expect(page.get_by_role("button")).to_have_count(0)
    assert stored() == []


def test_enrolment_link_stops_working_after_use(kiosk_page, live_server, demo_org, browser):
    device = kiosks.create_device("demo", "stadhuis", "balie")
    link = f"{live_server.url}/kiosk/enrol/{device.token}"
    kiosk_page.goto(link)
    kiosk_page.wait_for_url(f"{live_server.url}/kiosk/")
    other = browser.new_context(locale="nl-NL")
    try:
        page = other.new_page()
        page.goto(link)
        expect(page.get_by_role("status")).to_have_text(
            "Deze link werkt niet meer. Vraag een nieuwe link aan."
        )
        page.goto(f"{live_server.url}/kiosk/")
        expect(heading(page)).to_have_text("Deze tablet is nog niet gekoppeld")
    finally:
        other.close()


def test_new_survey_version_is_taken_between_two_people(kiosk_page, live_server, demo_org):
    from copy import deepcopy

    from survey.demo.surveys import BALIE
    from survey.models import Survey
    from survey.services.surveys import save_definition

    page = kiosk_page
    page.clock.install()
    device_id = enrol(page, live_server.url)
    tap(page, "Nee, niet tevreden")  # someone is busy answering
    # Wait for the first heartbeat, so no kiosk write races the edit on SQLite.
    wait_until(lambda: db.session.rollback() or db.session.get(Device, device_id).last_seen)
    db.session.rollback()
    edited = deepcopy(BALIE)
    edited["questions"][0]["text"]["nl"] = "Hoe tevreden bent u over uw bezoek?"
    survey = db.session.execute(select(Survey).where(Survey.slug == "balie")).scalar_one()
    save_definition(survey, edited)
    page.clock.fast_forward(61_000)  # heartbeat fetches the new version; idle reset follows
    expect(heading(page)).to_have_text("Hoe tevreden bent u over uw bezoek?")
    quick_response(page)
    rows = wait_until(lambda: len(stored()) == 2 and stored())
    assert [r.survey_version.number for r in rows] == [1, 2]


def test_a_tablet_clock_an_hour_fast_still_gets_its_answers_stored(
    kiosk_page, live_server, demo_org
):
    page = kiosk_page
    real_now = datetime.now(UTC)
    page.clock.install(time=real_now + timedelta(hours=1))
    device_id = enrol(page, live_server.url)
    wait_until(lambda: db.session.rollback() or db.session.get(Device, device_id).last_seen)
    quick_response(page)
    rows = wait_until(lambda: stored())
    assert abs((rows[0].submitted_at - real_now).total_seconds()) < 120


def test_clock_correction_in_the_middle_of_a_response_keeps_it_valid(
    kiosk_page, live_server, demo_org
):
    page = kiosk_page
    page.clock.install()
    enrol(page, live_server.url, settings={"idle_seconds": 600})
    page.clock.fast_forward(59_000)  # the tablet clock runs ahead; no heartbeat yet
    tap(page, "Ja, tevreden")
    page.clock.fast_forward(75_000)  # heartbeats notice the clock is 2 minutes off
    expect(page.locator("html")).to_have_attribute("data-clock-offset", re.compile(r"^-1\d{5}$"))
    tap(page, "Overslaan")
    rows = wait_until(lambda: stored())
    assert rows[0].started_at <= rows[0].submitted_at
    assert abs((rows[0].submitted_at - datetime.now(UTC)).total_seconds()) < 60
