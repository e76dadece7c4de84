"""The widget's pop-up triggers in real Chromium, the host page on another origin."""

from __future__ import annotations

import pytest

from tests.browser.widget_host import (  # noqa: F401
    configure,
    dialog,
    host_fixture,
    site_fixture,
    wait_for_responses,
    widget_started,
)

pytestmark = pytest.mark.browser


def popup(site, **settings):
    defaults = {"presentations": ["popup"], "delay_seconds": None}
    configure(origins=[site.url], **{**defaults, **settings})


def test_delay_fires_after_n_seconds_and_not_before(site, page):
    popup(site, delay_seconds=10)
    page.clock.install()
    page.goto(site.url + "/afval")
    widget_started(page)
    page.clock.run_for(9_000)
    assert dialog(page).count() == 0
    page.clock.run_for(2_000)
    dialog(page).wait_for()
    assert dialog(page).is_visible()
    page.get_by_role("button", name="Ja").click()
    page.get_by_role("button", name="Sluiten").click()
    rows = wait_for_responses(1)
    assert [(r.trigger, r.presentation, r.survey_mode) for r in rows] == [
        ("delay", "popup", "popup")]


def test_page_views_gate_the_pop_up_to_later_pages(site, page):
    popup(site, delay_seconds=5, page_views=3)
    page.clock.install()
    for number in (1, 2):
        page.goto(site.url + f"/pagina-{number}")
        widget_started(page)
        page.clock.run_for(60_000)
        assert dialog(page).count() == 0
    page.goto(site.url + "/pagina-3")
    widget_started(page)
    page.clock.run_for(4_000)
    assert dialog(page).count() == 0
    page.clock.run_for(2_000)
    dialog(page).wait_for()


def test_page_views_alone_fire_on_arrival_at_the_nth_page(site, page):
    popup(site, page_views=2)
    page.goto(site.url + "/een")
    widget_started(page)
    page.wait_for_timeout(300)
    assert dialog(page).count() == 0
    page.goto(site.url + "/twee")
    dialog(page).wait_for()
    page.get_by_role("button", name="Nee").click()
    page.keyboard.press("Escape")
    assert [r.trigger for r in wait_for_responses(1)] == ["page_views"]


def test_scroll_depth_fires_only_past_the_threshold(site, page):
    site.tall = True
    popup(site, scroll_percent=60)
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(site.url + "/lang")
    widget_started(page)
    height = page.evaluate("document.documentElement.scrollHeight")
    page.mouse.wheel(0, height * 0.3)
    page.wait_for_function("scrollY > 0")
    page.wait_for_timeout(200)
    assert dialog(page).count() == 0
    page.evaluate(f"window.scrollTo(0, {height * 0.5})")
    dialog(page).wait_for()
    page.get_by_role("button", name="Ja").click()
    page.keyboard.press("Escape")
    assert [r.trigger for r in wait_for_responses(1)] == ["scroll"]


def test_exit_intent_only_when_the_pointer_leaves_through_the_top(site, page):
    popup(site, exit_intent=True)
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(site.url + "/vertrekken")
    widget_started(page)
    page.mouse.move(500, 400)
    page.mouse.move(500, 790)
    page.mouse.move(500, 900)  # out through the bottom
    page.mouse.move(995, 400)
    page.mouse.move(1100, 400)  # out through the side
    page.mouse.move(500, 300)
    page.wait_for_timeout(200)
    assert dialog(page).count() == 0
    page.mouse.move(500, 5)
    page.mouse.move(500, -20)  # out through the top, towards the tabs and address bar
    dialog(page).wait_for()
    page.get_by_role("button", name="Ja").click()
    page.keyboard.press("Escape")
    assert [r.trigger for r in wait_for_responses(1)] == ["exit_intent"]


def test_touch_devices_fall_back_to_a_delay_for_exit_intent(site, browser, app):
    popup(site, exit_intent=True)
    context = browser.new_context(has_touch=True, is_mobile=True, locale="nl-NL")
    page = context.new_page()
    try:
        page.clock.install()
        page.goto(site.url + "/mobiel")
        widget_started(page)
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        page.clock.run_for(19_000)
        assert dialog(page).count() == 0
        page.clock.run_for(2_000)
        dialog(page).wait_for()
    finally:
        context.close()


def test_url_rules_include_and_exclude(site, page):
    popup(site, page_views=1, delay_seconds=2, include=["/afval*"], exclude=["/afval/privacy"])
    page.clock.install()
    for path in ("/nieuws", "/afval/privacy"):
        page.goto(site.url + path)
        widget_started(page)
        page.clock.run_for(60_000)
        assert dialog(page).count() == 0
    page.goto(site.url + "/afval/kalender?postcode=1234")
    widget_started(page)
    page.clock.run_for(3_000)
    dialog(page).wait_for()


def test_a_disallowed_origin_gets_no_widget(site, page):
    configure(origins=["http://127.0.0.1:1"], presentations=["tab", "inline"])
    site.body = "<div data-kto-inline></div>"
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(site.url + "/afval")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.KTO.ready") is None
    assert page.get_by_role("button").count() == 0
    assert any("/api/v1/widget/demo/website" in url for url in failed)
