"""The pages people use break no rule of the Content-Security-Policy (no inline script or style)."""

import pytest

from tests.browser.test_staff import log_in, report_id  # noqa: F401

pytestmark = pytest.mark.browser


def visit(browser, url, steps=None):
    context = browser.new_context(locale="nl-NL")  # CSP enforced
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        page.goto(url)
        if steps:
            steps(page)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return violations


def test_start_and_login_pages_keep_the_policy(browser, live_server, demo_org):
    assert visit(browser, live_server.url + "/") == []
    assert visit(browser, live_server.url + "/staff/login") == []


def test_report_page_with_charts_keeps_the_policy(browser, live_server, report_id):  # noqa: F811
    own, _ = report_id

    def steps(page):
        log_in(page, live_server.url)
        page.goto(f"{live_server.url}/staff/demo/reports/{own}")
        page.wait_for_selector("figure img")

    assert visit(browser, live_server.url + "/staff/login", steps) == []


def test_kiosk_enrol_page_keeps_the_policy(browser, live_server, demo_org):
    assert visit(browser, live_server.url + "/kiosk/enrol/unknown-token") == []
