"""The development WhatsApp page in real Chromium, with axe-core: a developer taps the
citizen's buttons and types the comment; the answers are stored as one response."""

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Response
from survey.services.users import add_user
from tests.browser.conftest import axe_violations
from tests.whatsapp.helpers import contact, prepare, send_invitations

pytestmark = pytest.mark.browser
PASSWORD = "a long password"


def test_tapping_and_typing_on_the_development_page(page, live_server, demo_org, app,
                                                    tmp_path, monkeypatch, import_headers):
    for key, value in {"OUTBOX_DIR": str(tmp_path), "WHATSAPP_PROVIDER": "whatsapp_outbox",
                       "PUBLIC_URL": live_server.url}.items():
        monkeypatch.setitem(app.config, key, value)
    prepare()
    contact(app.test_client(), import_headers)
    send_invitations()
    add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    page.goto(live_server.url + "/staff/demo/whatsapp")
    page.get_by_label("E-mailadres").fill("kwaliteit@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server.url + "/staff/demo/whatsapp")
    assert page.get_by_role("heading", level=1).inner_text() == "WhatsApp (ontwikkeling)"
    assert page.get_by_role("heading", level=2).inner_text() == "Gesprek met +31612345678"
    assert axe_violations(page) == []
    page.get_by_role("button", name="👎 Niet goed").click()
    page.get_by_role("button", name="Foute informatie").click()
    page.get_by_label("Typ een antwoord als inwoner").fill("De informatie klopte niet.")
    page.get_by_role("button", name="Versturen").click()
    assert page.get_by_text("Bedankt voor uw antwoorden!").is_visible()
    assert axe_violations(page) == []
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 3
