"""The configuration pages' forms with errors at their fields, in Dutch and English: axe-core
finds no violations, each message is tied to its field (aria-invalid, aria-describedby), a
CSV with bad lines lists every line, the kiosk's QR page after adding one is accessible, and
nothing is stored by a refused form."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_admin_config import admin_page  # noqa: F401 (fixture)
from tests.conftest import count_rows

pytestmark = pytest.mark.browser


def open_all_details(page) -> None:
    page.locator("details").evaluate_all("els => els.forEach(e => { e.open = true; })")


def submit(page, action: str) -> None:
    page.locator(f"form[action$='{action}'] button[type=submit]").last.click()
    page.wait_for_load_state()


def at_field(page, field_id: str) -> str:
    """The field is marked invalid and described by its visible error; the error's text."""
    field = page.locator(f"#{field_id}")
    assert field.get_attribute("aria-invalid") == "true", field_id
    assert f"{field_id}-error" in (field.get_attribute("aria-describedby") or "").split()
    error = page.locator(f"#{field_id}-error")
    assert error.is_visible(), field_id
    return error.inner_text()


def accessible(page, where: str) -> None:
    found = axe_violations(page)
    assert found == [], (where, found)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_configuration_forms_with_errors_are_accessible(admin_page, live_server, lang):  # noqa: F811
    page = admin_page
    base = f"{live_server.url}/staff/demo"
    before = count_rows()

    # Places: a location with impossible opening hours and a code with spaces.
    page.goto(f"{base}/places?lang={lang}")
    open_all_details(page)
    page.locator("#location-name").fill("Servicepunt")
    page.locator("#location-slug").fill("met spatie")
    page.locator("#location-hours_mon").fill("17:00-09:00")
    submit(page, "/places/locations")
    assert page.locator("html").get_attribute("lang") == lang
    assert at_field(page, "location-hours_mon")
    assert at_field(page, "location-slug")
    open_all_details(page)
    accessible(page, f"places with errors {lang}")

    # A topic without its names.
    page.goto(f"{base}/places")
    open_all_details(page)
    page.locator("#topic-slug").fill("parkeren")
    submit(page, "/places/topics")
    assert at_field(page, "topic-name_nl")
    open_all_details(page)
    accessible(page, f"topic with errors {lang}")

    # Kiosks: a kiosk without a name.
    page.goto(f"{base}/kiosks")
    page.locator("#name").fill("")
    submit(page, "/kiosks")
    assert at_field(page, "name")
    accessible(page, f"kiosk with errors {lang}")

    # Website: an origin with a path.
    page.goto(f"{base}/website")
    page.locator("#origins").fill("https://www.voorbeeld.nl/contact")
    page.locator("form:has(#origins) button[type=submit]").click()
    page.wait_for_load_state()
    assert "https://www.voorbeeld.nl/contact" in at_field(page, "origins")
    accessible(page, f"website with errors {lang}")

    # Volumes: a count that is not a number, then a CSV with two bad lines.
    page.goto(f"{base}/volumes")
    page.locator("#month").fill("2026-10")
    page.locator("#count").evaluate("el => { el.type = 'text'; el.value = 'veel'; }")
    submit(page, "/volumes")
    assert at_field(page, "count")
    accessible(page, f"volume with errors {lang}")
    page.goto(f"{base}/volumes")
    page.locator("#file").set_input_files(
        files=[
            {
                "name": "aantallen.csv",
                "mimeType": "text/csv",
                "buffer": b"month,contact_channel,count\n2026-10,phone,900\n"
                b"2026-13,phone,5\n2026-10,fax,7\n",
            }
        ]
    )
    submit(page, "/volumes/upload")
    assert at_field(page, "file")
    lines = page.locator("#line-errors tbody tr td:first-child").all_inner_texts()
    assert lines == ["3", "4"], lines  # every bad line by its number
    accessible(page, f"volumes upload with errors {lang}")

    assert count_rows() == before


def test_the_kiosk_qr_page_is_accessible_in_both_languages(admin_page, live_server):  # noqa: F811
    page = admin_page
    base = f"{live_server.url}/staff/demo"
    for lang, name in (("nl", "Hal noord"), ("en", "Hal zuid")):
        page.goto(f"{base}/kiosks?lang={lang}")
        page.locator("#name").fill(name)
        submit(page, "/kiosks")
        qr = page.locator("svg[role=img], img").filter(has_text="").first
        assert qr.is_visible()
        assert "/kiosk/enrol/" in page.locator("input[readonly]").first.input_value()
        accessible(page, f"kiosk QR {lang}")
