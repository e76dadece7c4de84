"""The start page in a real browser: Dutch first, English on request, no accessibility errors."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_home_page_in_dutch_and_english(page, live_server, demo_org):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == "Klanttevredenheid"
    assert page.get_by_role("heading", name="Gemeente Voorbeeld").is_visible()
    assert page.get_by_role("cell", name="balie", exact=True).is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Customer satisfaction"
    assert axe_violations(page) == []


def test_no_cookies_are_set_for_visitors(page, live_server, demo_org):
    page.goto(live_server.url + "/")
    assert page.context.cookies() == []
