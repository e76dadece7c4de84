"""The development backend: WhatsApp kept in files, the conversation answered on the staff page
through the webhook's own path (no Meta)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response
from survey.services.users import add_user
from tests.whatsapp.helpers import contact, prepare, send_invitations

PASSWORD = "a long password"


@pytest.fixture
def dev(app, demo_org, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "WHATSAPP_PROVIDER", "whatsapp_outbox")
    monkeypatch.setitem(app.config, "OUTBOX_DIR", str(tmp_path))
    prepare()
    add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    return tmp_path


def login(client):
    client.post("/staff/login", data={"email": "kwaliteit@voorbeeld.nl", "password": PASSWORD})


def forms(page: str) -> list[dict]:
    found = []
    for form in re.findall(r"<form method=\"post\" action=\"/staff/demo/whatsapp\".*?</form>",
                           page, re.S):
        fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))
        button = re.search(r"<button type=\"submit\">(.*?)</button>", form).group(1)
        found.append({**fields, "button": button})
    return found


def test_a_developer_answers_the_conversation_on_the_page(client, dev, import_headers):
    contact(client, import_headers)
    send_invitations()
    [stored] = list((dev / "whatsapp").glob("*.json"))
    assert json.loads(stored.read_text())["content"]["type"] == "template"
    login(client)
    page = client.get("/staff/demo/whatsapp").get_data(as_text=True)
    assert "Gesprek met +31612345678" in page
    taps = [f for f in forms(page) if "reply_id" in f]
    assert [f["button"] for f in taps] == ["👍 Goed", "👎 Niet goed", "Afmelden"]
    answer = client.post("/staff/demo/whatsapp", data=taps[1])
    assert answer.status_code == 303 and answer.headers["Location"].endswith(
        "#chat-31612345678")
    page = client.get("/staff/demo/whatsapp").get_data(as_text=True)
    assert "Wat ging er niet goed?" in page
    rows = [f for f in forms(page) if "reply_id" in f]
    assert rows[0]["kind"] == "list" and rows[0]["button"] == "Lang wachten"
    client.post("/staff/demo/whatsapp", data=rows[0])
    client.post("/staff/demo/whatsapp", data={"number": "31612345678",
                                              "text": "Het duurde lang."})
    page = client.get("/staff/demo/whatsapp").get_data(as_text=True)
    assert "Bedankt voor uw antwoorden!" in page
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    # Another number than the backend wrote to is not answered for.
    assert client.post("/staff/demo/whatsapp", data={"number": "31600000000",
                                                     "text": "hoi"}).status_code == 404
    refused = client.post("/staff/demo/whatsapp", data={"number": "31612345678"})
    assert refused.status_code == 422


def test_without_the_backend_the_page_says_so(client, app, demo_org, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_PROVIDER", "meta")
    add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    login(client)
    page = client.get("/staff/demo/whatsapp").get_data(as_text=True)
    assert "echt verstuurd" in page or "sent for real" in page
    assert client.post("/staff/demo/whatsapp", data={"number": "1", "text": "x"}
                       ).status_code == 404
