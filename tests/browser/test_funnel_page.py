"""The staff report page's invitation funnel in a real browser: readable tables, accessible."""

from datetime import UTC, datetime, timedelta

import pytest

from survey.services import reports
from survey.services.catalogue import organisation
from survey.services.contacts import receive_contacts
from survey.services.users import add_user
from tests.browser.conftest import axe_violations
from tests.browser.test_staff import PASSWORD, log_in
from tests.reports.data import load_month

pytestmark = pytest.mark.browser


@pytest.fixture
def report_with_funnel(demo_org):
    load_month()
    add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    now = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    ended = (now - timedelta(hours=1)).isoformat()
    receive_contacts(
        organisation("demo").id,
        [
            {
                "reference": "T1",
                "contact_channel": "phone",
                "ended_at": ended,
                "phone": "0612345678",
            },
            {
                "reference": "T2",
                "contact_channel": "phone",
                "ended_at": ended,
                "phone": "020 123 4567",
            },
            {
                "reference": "M1",
                "contact_channel": "email",
                "ended_at": ended,
                "email": "jan@example.nl",
            },
        ],
        now,
    )
    return reports.build_monthly_report("demo", "2026-10").id


def test_the_funnel_section_of_the_report_page(page, live_server, report_with_funnel):
    log_in(page, live_server.url)
    page.wait_for_url("**/staff/demo/reports")
    page.goto(f"{live_server.url}/staff/demo/reports/{report_with_funnel}")
    section = page.get_by_role("region", name="Uitnodigingen na een contact: de trechter")
    assert section.is_visible()
    phone = section.get_by_role("table", name="Telefoon")
    assert phone.get_by_role("row", name="Geen adres voor de uitnodiging 1").is_visible()
    assert section.get_by_role("table", name="E-mail").is_visible()
    assert axe_violations(page) == []
