"""The widget preview lays the pop-up out as the real widget does on a municipal page, on a
computer and on a phone (the kiosk's counterpart is in test_survey_pages.py)."""

from __future__ import annotations

import pytest

from survey.services.users import add_user
from tests.browser.test_survey_pages import EMAIL, PASSWORD, log_in
from tests.browser.widget_host import (  # noqa: F401
    configure,
    dialog,
    host_fixture,
    site_fixture,
    widget_started,
)

pytestmark = pytest.mark.browser

# Every element of the pop-up's first question, relative to its dialog.
READ = """els => els.map(e => {
  const o = e.closest('dialog').getBoundingClientRect(), r = e.getBoundingClientRect();
  return [e.tagName, (e.textContent || '').trim(), Math.round(r.x - o.x), Math.round(r.y - o.y),
          Math.round(r.width), Math.round(r.height)]; })"""


def layout(page, scope: str):
    root = page.locator(scope)
    return root.locator("h2, legend, button").evaluate_all(READ), root.bounding_box()


@pytest.mark.parametrize("device, size", [("desktop", (1280, 800)), ("phone", (390, 844))])
def test_widget_preview_matches_the_real_pop_up(browser, site, live_server, device, size):
    add_user(EMAIL, PASSWORD, "demo", "admin")
    configure(
        origins=[site.url], presentations=["popup"], delay_seconds=1, page_views=1, sampling_rate=1
    )
    width, height = size
    real_context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    real = real_context.new_page()
    real.clock.install()
    real.goto(site.url + "/afval")
    widget_started(real)
    real.clock.run_for(5_000)
    dialog(real).wait_for()
    want, want_box = layout(real, "dialog")
    real_context.close()

    staff_context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    staff = staff_context.new_page()
    log_in(staff, live_server.url)
    staff.goto(f"{live_server.url}/staff/demo/surveys/website/preview/widget?device={device}")
    got, got_box = layout(staff, ".device dialog")
    staff_context.close()

    assert abs(got_box["width"] - want_box["width"]) <= 2
    assert abs(got_box["height"] - want_box["height"]) <= 2
    assert [g[:2] for g in got] == [w[:2] for w in want]
    for g, w in zip(got, want, strict=True):
        assert all(abs(a - b) <= 2 for a, b in zip(g[2:], w[2:], strict=True)), (g, w)
