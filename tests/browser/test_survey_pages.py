"""The survey editor in Chromium: create from a template, edit, reorder, refuse bad input at the
field, preview at the device's size, publish; axe-core in Dutch and English; keyboard only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation, Survey, SurveyVersion
from survey.services.users import add_user
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser
PASSWORD = "a long password for the editor"
EMAIL = "beheer@voorbeeld.nl"


@pytest.fixture
def admin(demo_org):
    with unit_of_work() as session:
        session.add(Organisation(slug="anders", name="Gemeente Anders"))
    from survey.domain.templates import TEMPLATES
    from survey.services import survey_editor

    other = db.session.execute(select(Organisation).where(Organisation.slug == "anders"))
    survey_editor.create_from_template(other.scalar_one(), "t", "geheim", "Geheim", "nps")
    add_user(EMAIL, PASSWORD, "demo", "admin")
    assert TEMPLATES
    return EMAIL


def log_in(page, url, lang="nl"):
    page.goto(f"{url}/staff/demo/surveys?lang={lang}")
    page.get_by_label("E-mailadres" if lang == "nl" else "E-mail address").fill(EMAIL)
    page.get_by_label("Wachtwoord" if lang == "nl" else "Password").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen" if lang == "nl" else "Log in").click()
    page.wait_for_url("**/staff/demo/surveys*")


def versions(slug: str) -> int:
    db.session.rollback()  # see what the server's threads committed
    return (
        db.session.execute(select(SurveyVersion.id).join(Survey).where(Survey.slug == slug))
        .all()
        .__len__()
    )


def no_violations(page, where):
    found = axe_violations(page)
    assert found == [], (where, found)


def test_create_edit_reorder_preview_publish(page, live_server, admin):
    url = live_server.url
    log_in(page, url)
    no_violations(page, "list")
    page.get_by_role("link", name="Nieuwe vragenlijst").click()
    no_violations(page, "new")
    page.get_by_label("Naam").fill("Telefoon Den Haag")
    page.get_by_label("Code").fill("telefoon-dh")
    page.get_by_label("Den Haag: na het telefoongesprek", exact=False).check()
    page.get_by_role("button", name="Vragenlijst maken").click()
    page.wait_for_url("**/staff/demo/surveys/telefoon-dh")
    expect(page.get_by_role("status")).to_contain_text("versie 1")
    no_violations(page, "edit")
    assert versions("telefoon-dh") == 1

    # Edit a question's texts.
    page.get_by_role("link", name="Hoe tevreden bent u").click()
    no_violations(page, "question")
    page.get_by_label("Vraag in het Nederlands").fill("Welk cijfer geeft u ons gesprek?")
    page.get_by_role("button", name="Vraag opslaan").click()
    page.wait_for_url("**/surveys/telefoon-dh")
    expect(page.get_by_role("link", name="Welk cijfer geeft u ons gesprek?")).to_be_visible()

    # Reorder with the keyboard: "meteen" one place up.
    up = page.locator("#q-meteen").get_by_role("button", name="Omhoog")
    up.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/surveys/telefoon-dh#q-meteen")
    keys = page.locator("ol.questions > li").evaluate_all("els => els.map(e => e.id)")
    assert keys[:3] == ["q-cijfer", "q-meteen", "q-reden"]

    # A condition on a later question: refused at the question, nothing changed.
    page.locator("#q-cijfer").get_by_role("button", name="Omlaag").click()
    alert = page.locator("#q-cijfer [role=alert]")
    expect(alert).to_contain_text("een eerder antwoord")
    no_violations(page, "refused move")
    assert versions("telefoon-dh") == 1

    # Duplicate option codes: the message at the option's code field.
    page.goto(f"{url}/staff/demo/surveys/telefoon-dh/questions/meteen")
    page.locator("#options-1-code").fill("ja")
    page.get_by_role("button", name="Vraag opslaan").click()
    code = page.locator("#options-1-code")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#options-1-code-error")).to_contain_text("twee keer")
    no_violations(page, "refused question")

    # Too long for one SMS (the template is sent by SMS): the count at the field.
    page.locator("#options-1-code").fill("doorverbonden")
    page.get_by_label("Vraag in het Nederlands").fill("Kon u meteen worden geholpen? " * 6)
    page.get_by_role("button", name="Vraag opslaan").click()
    expect(page.locator("#text_nl-error")).to_contain_text(
        "Te lang voor één sms: 179 van 160 tekens."
    )
    assert versions("telefoon-dh") == 1

    # Preview on the kiosk at its real size, in Dutch and English.
    page.goto(f"{url}/staff/demo/surveys/telefoon-dh/preview/kiosk")
    box = page.locator(".device").bounding_box()
    assert (round(box["width"]), round(box["height"])) == (1080, 810)
    expect(page.locator(".device h1")).to_have_text("Welk cijfer geeft u ons gesprek?")
    expect(page.locator(".device .answers button")).to_have_count(10)
    no_violations(page, "kiosk preview")
    page.get_by_role("link", name="Vragen in het Engels").click()
    expect(page.locator(".device h1")).to_contain_text("How satisfied are you")
    page.get_by_role("link", name="reden").click()
    expect(page.locator(".notice")).to_contain_text("cijfer")
    no_violations(page, "kiosk preview en")

    # The widget on a phone and on a computer.
    page.goto(f"{url}/staff/demo/surveys/telefoon-dh/preview/widget?device=phone")
    box = page.locator(".device").bounding_box()
    assert (round(box["width"]), round(box["height"])) == (390, 844)
    dialog = page.locator(".device dialog").bounding_box()
    assert 300 <= dialog["width"] <= 390  # as showModal() fits it to a phone's width
    expect(page.locator(".device legend")).to_have_text("Welk cijfer geeft u ons gesprek?")
    no_violations(page, "widget phone")
    page.get_by_role("link", name="Op een computer").click()
    box = page.locator('.device[data-device="desktop"]').bounding_box()
    assert round(box["width"]) == 1280
    no_violations(page, "widget desktop")

    # The link page on a small phone, with its own markup and stylesheet.
    page.get_by_role("link", name="Toon op de linkpagina").click()
    page.wait_for_url("**/preview/link*")
    bar = page.locator(".device .bar")
    expect(bar).to_have_text("Gemeente Voorbeeld")
    # link.css (its --accent) reached the shadow root; waits for the stylesheet
    expect(bar).to_have_css("background-color", "rgb(0, 71, 107)")
    box = page.locator('.device[data-device="phone"]').bounding_box()
    assert (round(box["width"]), round(box["height"])) == (360, 640)
    expect(page.locator(".device h1")).to_have_text("Welk cijfer geeft u ons gesprek?")
    expect(page.locator(".device .scale button")).to_have_count(10)
    no_violations(page, "link page preview")
    page.get_by_role("link", name="Vragen in het Engels").click()
    expect(page.locator(".device h1")).to_contain_text("How satisfied are you")
    expect(page.locator(".device .ends")).to_contain_text("very good")
    no_violations(page, "link page preview en")

    # Publish: a new version.
    page.goto(f"{url}/staff/demo/surveys/telefoon-dh")
    page.get_by_role("button", name="Publiceren als versie 2").click()
    expect(page.get_by_role("status")).to_contain_text("versie 2")
    assert versions("telefoon-dh") == 2


def test_pages_in_english_and_other_organisations(page, live_server, admin):
    url = live_server.url
    log_in(page, url, "en")
    no_violations(page, "list en")
    for path in (
        "/new",
        "/balie",
        "/balie/questions/reden",
        "/balie/questions/new?kind=choice",
        "/balie/preview/kiosk",
        "/balie/preview/widget?presentation=inline",
    ):
        page.goto(f"{url}/staff/demo/surveys{path}")
        assert page.locator("html").get_attribute("lang") == "en", path
        no_violations(page, path)
    # Another organisation's survey, or an organisation one is not a member of: 404.
    for path in (
        "/staff/demo/surveys/geheim",
        "/staff/demo/surveys/geheim/preview/kiosk",
        "/staff/anders/surveys",
        "/staff/demo/surveys/balie/questions/nergens",
    ):
        assert page.goto(url + path).status == 404, path


def test_preview_matches_the_real_kiosk(browser, live_server, admin, app):
    """The preview box lays the kiosk out as the kiosk itself does on a 1080 × 810 screen."""
    from tests.browser.kiosk_helpers import enrol, tap

    boxes = {}
    kiosk_context = browser.new_context(
        viewport={"width": 1080, "height": 810}, locale="nl-NL", reduced_motion="reduce"
    )
    kiosk = kiosk_context.new_page()
    enrol(kiosk, live_server.url, survey="telefoon")
    read = (
        "els => els.map(e => { const r = e.getBoundingClientRect(); "
        "return [e.textContent.trim(), Math.round(r.x), Math.round(r.y), "
        "Math.round(r.width), Math.round(r.height)]; })"
    )
    boxes["kiosk-0"] = kiosk.locator("main h1, main button").evaluate_all(read)
    tap(kiosk, "5")
    expect(kiosk.locator("main h1")).to_have_text("Wat ging er niet goed?")
    boxes["kiosk-1"] = kiosk.locator("main h1, main button").evaluate_all(read)
    kiosk_context.close()

    staff_context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="nl-NL", reduced_motion="reduce"
    )
    staff = staff_context.new_page()
    log_in(staff, live_server.url)
    for step in (0, 1):
        staff.goto(f"{live_server.url}/staff/demo/surveys/telefoon/preview/kiosk?q={step}")
        origin = staff.locator(".device").evaluate(
            "e => { const r = e.getBoundingClientRect(); return [r.x, r.y]; }"
        )
        found = staff.locator(".device main h1, .device main button").evaluate_all(read)
        moved = [[t, x - round(origin[0]), y - round(origin[1]), w, h] for t, x, y, w, h in found]
        expected = boxes[f"kiosk-{step}"]
        assert len(moved) == len(expected)
        for got, want in zip(moved, expected, strict=True):
            assert got[0] == want[0]
            assert all(abs(a - b) <= 2 for a, b in zip(got[1:], want[1:], strict=True)), (got, want)
    staff_context.close()


def tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until the element with this accessible text has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
        )
        if focused == name:
            return
    raise AssertionError(f"{name!r} not reached with Tab")


def test_add_a_question_with_the_keyboard_only(page, live_server, admin):
    url = live_server.url
    log_in(page, url)
    page.goto(f"{url}/staff/demo/surveys/balie")
    page.locator("#add-kind").focus()
    page.keyboard.press("End")  # the last kind: open text
    tab_to(page, "Vraag toevoegen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/new?kind=text")
    tab_to(page, "vraag_1")  # the key field, filled in
    page.keyboard.press("Tab")
    page.keyboard.type("Wat kunnen we beter doen?")
    tab_to(page, "Vraag opslaan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/surveys/balie")
    expect(page.get_by_role("link", name="Wat kunnen we beter doen?")).to_be_visible()
    assert versions("balie") == 1  # in the draft until published
