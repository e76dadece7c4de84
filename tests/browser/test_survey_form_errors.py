"""The survey forms with errors at their fields, in Dutch and English: axe-core finds no
violations, the message is tied to its field, nothing is stored. And a survey created from a
template with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_survey_pages import admin, log_in, no_violations, versions  # noqa: F401
from tests.conftest import count_rows

pytestmark = pytest.mark.browser

TEXTS = {
    "nl": {"create": "Vragenlijst maken", "save": "Opslaan", "question": "Vraag opslaan"},
    "en": {"create": "Create survey", "save": "Save", "question": "Save question"},
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_survey_forms_with_errors_are_accessible(page, live_server, admin, lang):  # noqa: F811
    url = live_server.url
    log_in(page, url, lang)
    texts = TEXTS[lang]
    before = count_rows()

    # New survey: no name, and a code with spaces.
    page.goto(f"{url}/staff/demo/surveys/new")
    page.locator("#name").fill("")
    page.locator("#slug").fill("Met Spaties")
    page.get_by_role("button", name=texts["create"]).click()
    for field in ("name", "slug"):
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
        described = page.locator(f"#{field}").get_attribute("aria-describedby")
        assert f"{field}-error" in described.split()
        expect(page.locator(f"#{field}-error")).not_to_be_empty()
    assert page.locator("html").get_attribute("lang") == lang
    no_violations(page, f"new survey with errors {lang}")

    # The overview: an empty name.
    page.goto(f"{url}/staff/demo/surveys/balie")
    page.locator("#name").fill("")
    page.locator("form:has(#name)").get_by_role("button", name=texts["save"], exact=True).click()
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#name-error")).not_to_be_empty()
    no_violations(page, f"overview with errors {lang}")

    # A question: a key that is not a code.
    page.goto(f"{url}/staff/demo/surveys/balie/questions/reden")
    page.locator("#key").fill("1 fout")
    page.get_by_role("button", name=texts["question"]).click()
    expect(page.locator("#key")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#key-error")).not_to_be_empty()
    no_violations(page, f"question with errors {lang}")

    assert count_rows() == before
    assert versions("balie") == 1


def test_create_a_survey_from_a_template_with_the_keyboard_only(page, live_server, admin):  # noqa: F811
    url = live_server.url
    log_in(page, url)
    page.goto(f"{url}/staff/demo/surveys/new")
    page.locator("#name").focus()
    page.keyboard.type("Klantcontact NPS")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "slug"
    page.keyboard.type("nps-kcc")
    page.keyboard.press("Tab")  # into the group of templates: the chosen one ("empty")
    assert page.evaluate("document.activeElement.name") == "template"
    for _ in range(len(page.locator("input[name=template]").all())):
        if page.evaluate("document.activeElement.value") == "nps":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "nps"
    assert page.evaluate("document.activeElement.checked")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText.trim()") == "Vragenlijst maken"
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/demo/surveys/nps-kcc")
    assert versions("nps-kcc") == 1
