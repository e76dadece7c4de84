"""The development outbox page and the unsubscribe page in real Chromium, with axe-core."""

import re

import pytest

from survey.services import sending
from survey.services.users import add_user
from tests.browser.conftest import axe_violations
from tests.sending.helpers import make_invitations

pytestmark = pytest.mark.browser
PASSWORD = "a long password"


def test_outbox_page_then_unsubscribe(page, live_server, demo_org, app, tmp_path, monkeypatch):
    for key, value in {"OUTBOX_DIR": str(tmp_path), "MAIL_PROVIDER": "outbox",
                       "SMS_PROVIDER": "console", "PUBLIC_URL": live_server.url}.items():
        monkeypatch.setitem(app.config, key, value)
    make_invitations(1)
    make_invitations(1, mode="email")
    sending.send_due()
    add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    page.goto(live_server.url + "/staff/demo/outbox")
    page.get_by_label("E-mailadres").fill("kwaliteit@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server.url + "/staff/demo/outbox")
    assert page.get_by_role("heading", level=1).inner_text() == "Postvak uit (ontwikkeling)"
    links = page.locator("a[href*='/s/']")
    assert links.count() == 2
    assert axe_violations(page) == []

    eml = next(tmp_path.glob("*.eml")).read_text()
    unsubscribe = re.search(r"<(http\S+/webhooks/email/unsubscribe/\S+)>", eml).group(1)
    page.goto(unsubscribe)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Afmelden").click()
    assert page.get_by_role("status").inner_text() == "U krijgt geen uitnodigingen meer van ons."
    assert axe_violations(page) == []
