"""Who is asked and how often, answers that must arrive, hostile pages, CSP and accessibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey.demo.surveys import WEBSITE
from survey.extensions import db
from survey.models import Answer, Organisation
from survey.services.surveys import create_survey
from tests.browser.conftest import axe_violations
from tests.browser.widget_host import (  # noqa: F401
    configure,
    dialog,
    dismiss,
    host_fixture,
    site_fixture,
    wait_for_responses,
    widget_started,
)

pytestmark = pytest.mark.browser
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POPUP = {"presentations": ["popup"], "delay_seconds": 3}


def shows_popup(page, url: str, wait_ms: int = 5_000) -> bool:
    page.goto(url)
    widget_started(page)
    page.clock.run_for(wait_ms)
    return dialog(page).count() == 1


def test_sampling_at_zero_never_shows(site, browser, app):
    configure(origins=[site.url], **POPUP, sampling_rate=0)
    for _ in range(5):
        context = browser.new_context()
        page = context.new_page()
        page.clock.install()
        assert not shows_popup(page, site.url + "/afval", 600_000)
        context.close()


def test_sampling_at_one_always_shows(site, browser, app):
    configure(origins=[site.url], **POPUP, sampling_rate=1)
    for _ in range(5):
        context = browser.new_context()
        page = context.new_page()
        page.clock.install()
        assert shows_popup(page, site.url + "/afval")
        context.close()


def test_sampling_is_decided_once_per_visitor(site, page):
    configure(origins=[site.url], **POPUP, sampling_rate=0.5,
              recontact_days={"shown": 0, "dismissed": 0, "answered": 0})
    page.clock.install(time=T0)
    seen = []
    for day in range(6):
        page.clock.set_system_time(T0 + timedelta(days=day))
        seen.append(shows_popup(page, site.url + "/afval"))
        if seen[-1]:
            dismiss(page)
    draw = page.evaluate("JSON.parse(localStorage.kto).s['demo/website'].u")
    assert seen == [draw < 0.5] * 6


def test_dismissed_pop_up_stays_away_for_n_days(site, page):
    configure(origins=[site.url], **POPUP,
              recontact_days={"shown": 1, "dismissed": 30, "answered": 90})
    page.clock.install(time=T0)
    assert shows_popup(page, site.url + "/afval")
    dismiss(page)
    assert dialog(page).count() == 0
    for days in (2, 29):
        page.clock.set_system_time(T0 + timedelta(days=days))
        assert not shows_popup(page, site.url + "/afval", 60_000)
    page.clock.set_system_time(T0 + timedelta(days=30, minutes=1))
    assert shows_popup(page, site.url + "/afval")
    assert wait_for_responses(0) == []  # dismissing without an answer sends nothing


def test_at_most_one_survey_per_visit(site, page, app):
    org = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    create_survey(org, "website2", "Tweede website-enquête", WEBSITE)
    db.session.commit()
    configure(origins=[site.url], **POPUP)
    configure("website2", origins=[site.url], **POPUP)
    page.clock.install(time=T0)
    assert shows_popup(page, site.url + "/eerste")
    dismiss(page)
    site.surveys = ["website2"]
    page.clock.set_system_time(T0 + timedelta(minutes=10))
    assert not shows_popup(page, site.url + "/tweede", 60_000)
    page.clock.set_system_time(T0 + timedelta(minutes=50))  # 30 minutes quiet: a new visit
    assert shows_popup(page, site.url + "/derde")


def test_two_surveys_on_one_page_show_one_pop_up(site, page, app):
    org = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    create_survey(org, "website2", "Tweede website-enquête", WEBSITE)
    db.session.commit()
    configure(origins=[site.url], **POPUP)
    configure("website2", origins=[site.url], **POPUP)
    site.surveys = ["website", "website2"]
    page.clock.install(time=T0)
    page.goto(site.url + "/samen")
    widget_started(page, surveys=2)
    page.clock.run_for(10_000)
    assert dialog(page).count() == 1


def test_inline_answer_arrives_although_the_tab_is_closed_at_once(site, context):
    configure(origins=[site.url], presentations=["inline"])
    site.body = "<div data-kto-inline></div>"
    page = context.new_page()
    page.goto(site.url + "/afval/kalender?bsn=123456782&email=jan@example.nl#wijk")
    page.get_by_role("button", name="Nee").click()
    page.close()
    rows = wait_for_responses(1)
    assert len(rows) == 1
    row = rows[0]
    assert row.page_path == "/afval/kalender"
    assert (row.presentation, row.survey_mode, row.trigger) == ("inline", "inline", "click")
    assert (row.language, row.inclusion_probability, row.satisfied) == ("nl", 1.0, False)
    assert row.visitor_hash and len(row.visitor_hash) == 64
    answers = db.session.scalars(select(Answer).where(Answer.response_id == row.id)).all()
    assert [(a.question_key, a.option) for a in answers] == [("geholpen", "no")]


def test_pop_up_answers_arrive_with_follow_up_and_weight(site, page):
    configure(origins=[site.url], **POPUP, sampling_rate=1, page_views=1)
    page.clock.install(time=T0)
    page.goto(site.url + "/paspoort?naam=Jan")
    widget_started(page)
    page.clock.run_for(4_000)
    page.get_by_role("button", name="Nee").click()
    page.get_by_role("button", name="Ja").click()
    page.get_by_role("button", name="Weet ik niet").click()
    page.get_by_role("textbox", name="Wat zocht u?").fill("Openingstijden balie")
    page.get_by_role("button", name="Versturen").click()
    assert page.get_by_text("Bedankt voor uw antwoord!").is_visible()
    row = wait_for_responses(1)[0]
    answers = {a.question_key: a.option or a.text
               for a in db.session.scalars(select(Answer).where(Answer.response_id == row.id))}
    assert answers == {"geholpen": "no", "makkelijk": "yes", "duidelijk": "na",
                       "gezocht": "Openingstijden balie"}
    assert (row.page_path, row.trigger, row.inclusion_probability) == ("/paspoort", "delay", 1.0)


def test_hostile_page_css_does_not_break_the_widget(site, page):
    configure(origins=[site.url], presentations=["tab", "inline"])
    site.hostile = True
    site.body = "<div data-kto-inline></div>"
    page.goto(site.url + "/vijandig")
    widget_started(page)
    assert page.locator("#start").evaluate("e => getComputedStyle(e).display") == "inline"
    thumbs = page.get_by_role("button", name="Ja")
    assert thumbs.is_visible()
    box = thumbs.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    assert thumbs.evaluate("b => getComputedStyle(b).borderTopWidth") == "2px"
    tab = page.get_by_role("button", name="Uw mening")
    assert tab.is_visible()
    tab.click()
    assert dialog(page).is_visible()
    dialog(page).get_by_role("button", name="Nee").click()
    page.get_by_role("button", name="Sluiten").click()
    rows = wait_for_responses(1)
    assert [(r.presentation, r.trigger) for r in rows] == [("tab", "click")]
    # Our styles do not leak into the host page either.
    assert page.locator("h1").evaluate("e => getComputedStyle(e).fontWeight") == "400"


def test_strict_csp_page_runs_the_widget_without_violations(site, page):
    configure(origins=[site.url], presentations=["popup", "tab"], delay_seconds=2)
    site.csp = (f"default-src 'none'; script-src {site.app_url}; connect-src {site.app_url}; "
                "style-src 'self'; img-src 'self'")
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        "window.__keys = Object.keys(window);"
    )
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.install(time=T0)
    page.goto(site.url + "/streng")
    widget_started(page)
    page.clock.run_for(3_000)
    dialog(page).wait_for()
    color = page.get_by_role("button", name="Ja").evaluate("b => getComputedStyle(b).color")
    assert color == "rgb(21, 66, 115)"  # our stylesheet applied
    page.get_by_role("button", name="Ja").click()
    page.keyboard.press("Escape")
    assert len(wait_for_responses(1)) == 1
    assert page.evaluate("window.__csp") == []
    assert errors == []
    added = page.evaluate("Object.keys(window).filter(k => !window.__keys.includes(k))")
    # One namespace, besides this test's own and the fake clock's.
    assert sorted(k for k in added if not k.startswith("__")) == ["KTO"]


def test_pop_up_is_an_accessible_dialog(site, page):
    configure(origins=[site.url], **POPUP)
    page.clock.install(time=T0)
    page.goto(site.url + "/toegankelijk")
    page.locator("#start").focus()
    widget_started(page)
    page.clock.run_for(4_000)
    box = page.get_by_role("dialog", name="Was deze pagina nuttig?")
    box.wait_for()
    assert page.evaluate("document.activeElement.tagName") == "DIV"  # the widget's host
    focused = "document.activeElement.shadowRoot.activeElement.textContent"
    assert page.evaluate(focused) == "Ja"
    names = []
    for _ in range(5):
        page.keyboard.press("Tab")
        names.append(page.evaluate(focused))
    assert names == ["Nee", "Weet ik niet", "✕", "Ja", "Nee"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(focused) == "✕"
    assert axe_violations(page) == []
    dismiss(page)
    assert box.count() == 0
    assert page.evaluate("document.activeElement.id") == "start"


@pytest.mark.parametrize("survey", ["website", "balie"])  # yes/no and thumbs questions
def test_thumbs_are_svg_icons_and_the_buttons_are_named_by_their_text(site, page, survey):
    """No emoji: nothing depends on an emoji font, and a screen reader hears "Ja", not "thumbs
    up Ja"."""
    configure(survey, origins=[site.url], presentations=["inline"])
    site.surveys = [survey]
    site.body = "<div data-kto-inline></div>"
    page.goto(site.url + "/afval")
    widget_started(page)
    for name, turned in (("Ja", False), ("Nee", True)):
        button = page.get_by_role("button", name=name, exact=True)
        button.wait_for()
        assert button.text_content() == name
        icon = button.locator('svg[aria-hidden="true"]')
        assert icon.count() == 1
        assert icon.locator("path").count() == 1
        box = icon.bounding_box()
        assert (box["width"], box["height"]) == (20, 20)
        transform = icon.evaluate("s => getComputedStyle(s).transform")
        assert (transform != "none") is turned  # thumbs down is thumbs up turned over
    assert axe_violations(page) == []


def test_tab_and_inline_block_have_no_accessibility_violations(site, page):
    configure(origins=[site.url], presentations=["tab", "inline"])
    site.body = "<div data-kto-inline></div>"
    page.goto(site.url + "/afval")
    widget_started(page)
    page.get_by_role("button", name="Uw mening").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Nee").click()
    page.get_by_role("button", name="Volgende").wait_for()
    assert axe_violations(page) == []


def test_english_page_gets_english_texts(site, page):
    configure(origins=[site.url], presentations=["inline"])
    site.body = "<div data-kto-inline></div>"
    site.lang = "en"
    page.goto(site.url + "/en/waste")
    widget_started(page)
    page.get_by_role("group", name="Did you find what you were looking for?").wait_for()
    page.get_by_role("button", name="Yes").click()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Send").click()
    assert page.get_by_text("Thank you for your answer.").is_visible()
    row = wait_for_responses(1)[0]
    assert (row.language, row.page_path) == ("en", "/en/waste")
