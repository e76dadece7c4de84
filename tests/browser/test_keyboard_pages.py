"""Pages not walked by keyboard elsewhere, used with the keyboard alone: a location added on
the places page (opening its "Add a location" section), the website origins and the
settings saved. Tab moves the focus, Enter opens and submits; no mouse."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Location, Organisation
from tests.browser.test_admin_config import admin_page  # noqa: F401 (fixture)
from tests.browser.test_admin_pages import focus_on

pytestmark = pytest.mark.browser


def test_places_website_and_settings_by_keyboard(admin_page, live_server):  # noqa: F811
    page = admin_page
    base = f"{live_server.url}/staff/demo"

    page.goto(f"{base}/places")
    focus_on(page, "#locations ~ details summary", limit=200)
    page.keyboard.press("Enter")  # opens the section
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "location-name"
    page.keyboard.type("Servicepunt Noord")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "location-slug"
    page.keyboard.type("noord")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "location-hours_mon"
    page.keyboard.type("09:00-12:00")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("Locatie toegevoegd.").wait_for()
    db.session.rollback()  # see what the server committed
    added = db.session.execute(select(Location).where(Location.slug == "noord")).scalar_one()
    assert added.name == "Servicepunt Noord"
    assert added.opening_hours["mon"] == [["09:00", "12:00"]]

    page.goto(f"{base}/website")
    focus_on(page, "#origins", limit=200)
    page.keyboard.press("Control+A")
    page.keyboard.type("https://www.voorbeeld.nl\nhttps://loket.voorbeeld.nl")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    db.session.rollback()
    demo = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    assert "https://loket.voorbeeld.nl" in demo.allowed_origins

    page.goto(f"{base}/settings")
    focus_on(page, "#complaint_url", limit=200)
    page.keyboard.press("Control+A")
    page.keyboard.type("https://www.voorbeeld.nl/klacht-indienen")
    focus_on(page, "form[action$='/settings'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("De instellingen zijn opgeslagen").wait_for()
    db.session.rollback()
    demo = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    assert demo.complaint_url == "https://www.voorbeeld.nl/klacht-indienen"
