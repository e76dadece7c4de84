"""The alert and privacy pages in real Chromium: axe-core finds no violations in Dutch or
English, with an alert in the log, a retention run, and a form with errors; a rule is changed
by keyboard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import AlertEvent, AlertRule
from survey.services import retention
from tests.browser.conftest import axe_violations
from tests.browser.test_admin_pages import log_in

pytestmark = pytest.mark.browser


def assert_accessible(page, where: str):
    violations = axe_violations(page)
    assert violations == [], (where, violations)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_alert_and_privacy_pages_have_no_axe_violations(page, live_server, staff, lang):
    with unit_of_work() as session:
        session.add(AlertEvent(
            organisation_id=staff.alpha.id, rule="satisfaction_drop", subject="location:999",
            fired_at=datetime(2026, 11, 30, 9, tzinfo=UTC), recipients=["a@alfa.example"],
            facts={"responses": 5, "negative": 3, "share": 0.6, "window_minutes": 15},
            mailed_at=datetime(2026, 11, 30, 9, tzinfo=UTC),
        ))
    retention.run(datetime(2026, 12, 1, 2, 30, tzinfo=UTC))
    url = live_server.url
    log_in(page, url)
    for path in ("/staff/alpha/alerts", "/staff/alpha/alerts/rules/weekly_drop",
                 "/staff/alpha/privacy"):
        response = page.goto(f"{url}{path}?lang={lang}")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page, path)
    page.goto(f"{url}/staff/alpha/alerts?lang={lang}")
    assert page.locator("table.alert-log tbody tr").count() == 1
    # Errors at their fields.
    page.goto(f"{url}/staff/alpha/alerts/rules/satisfaction_drop?lang={lang}")
    page.locator("#negative_share").fill("250")
    page.locator("#recipients").fill("geen adres")
    page.locator("main form button[type=submit]").click()
    assert page.locator("#negative_share").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "rule with errors")
    page.goto(f"{url}/staff/alpha/privacy?lang={lang}")
    page.locator("#comment_retention_months").fill("0")
    page.locator("main form button[type=submit]").click()
    assert page.locator("#comment_retention_months").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "privacy with errors")


def test_a_rule_is_changed_by_keyboard(page, live_server, staff):
    url = live_server.url
    log_in(page, url)
    page.goto(f"{url}/staff/alpha/alerts/rules/kiosk_offline?lang=en")
    page.locator("#enabled").focus()
    page.keyboard.press("Space")  # off
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("45")  # minutes
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("120")  # cooldown
    page.keyboard.press("Tab")
    page.keyboard.type("beheer@alfa.example")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/staff/alpha/alerts")
    rule = db.session.execute(select(AlertRule)).scalar_one()
    assert (rule.enabled, rule.thresholds, rule.cooldown_minutes, rule.recipients) == (
        False, {"minutes": 45}, 120, ["beheer@alfa.example"],
    )
