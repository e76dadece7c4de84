"""The development outbox: SMS (console) and e-mail (outbox) kept as files, listed with their
links on /staff/outbox for the user's own organisation only; absent when sending for real."""

from __future__ import annotations

import json

import pytest
from flask import g

from survey import messaging
from survey.extensions import db
from survey.models import Organisation
from survey.services import sending
from survey.services.users import add_user
from tests.sending.helpers import make_invitations, statuses

PASSWORD = "a long password"


@pytest.fixture
def outbox(app, demo_org, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "outbox")
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "console")
    monkeypatch.setitem(app.config, "PUBLIC_URL", "http://127.0.0.1:8000")
    return tmp_path


def login(client):
    add_user("kwaliteit@voorbeeld.nl", PASSWORD, "demo")
    client.post("/staff/login", data={"email": "kwaliteit@voorbeeld.nl", "password": PASSWORD})
    g.pop("_login_user", None)


def test_invitations_land_in_the_outbox_once_and_are_listed_with_links(client, outbox):
    make_invitations(2)
    make_invitations(1, mode="email")
    assert sending.send_due().sent == 3
    sms = sorted((outbox / "sms").glob("*.json"))
    assert len(sms) == 2 and len(list(outbox.glob("*.eml"))) == 1
    record = json.loads(sms[0].read_text())
    assert record["organisation"] == "demo" and "/s/" in record["body"]
    # Sending the same message again (a recovery) writes no second file.
    with messaging.provider("sms") as console:
        message = messaging.Message(to=("+31610000000",), body="x", reference=sms[0].stem)
        assert console.find_sent(message, None).provider_message_id == sms[0].stem
    assert client.get("/staff/demo/outbox").status_code == 302  # login first
    login(client)
    page = client.get("/staff/demo/outbox")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.count('href="http://127.0.0.1:8000/s/') == 3
    assert "Hoe was uw contact met Gemeente Voorbeeld?" in text and "+31610000000" in text
    assert statuses() == {"sent": 3}


def test_other_organisations_messages_are_not_shown(client, outbox):
    db.session.add(Organisation(slug="anders", name="Gemeente Anders"))
    db.session.commit()
    (outbox / "sms").mkdir()
    (outbox / "sms" / "x.json").write_text(json.dumps({
        "kind": "sms", "to": ["+31611111111"], "body": "Anders: http://h/s/abcdefghijkl",
        "organisation": "anders", "at": "2026-12-01T10:00:00+00:00"}))
    login(client)
    assert "+31611111111" not in client.get("/staff/demo/outbox").get_data(as_text=True)


def test_no_outbox_page_when_sending_for_real(app, client, demo_org, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "smtp")
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "twilio")
    login(client)
    page = client.get("/staff/demo/outbox")
    assert page.status_code == 200
    assert "er is geen postvak uit" in page.get_data(as_text=True)


def test_the_link_in_a_sent_message_opens_the_survey(client, outbox):
    import re

    from survey.models.invitation import Invitation

    [inv] = make_invitations(1)
    sending.send_due()
    body = json.loads(next((outbox / "sms").glob("*.json")).read_text())["body"]
    path = re.search(r"http://127\.0\.0\.1:8000(/s/[A-Za-z0-9_-]+)", body).group(1)
    page = client.get(path)
    assert page.status_code == 200
    db.session.rollback()
    assert db.session.get(Invitation, inv).opened_at is not None


def test_sms_texts_and_their_segments_are_shown(app, runner, demo_org, monkeypatch):
    from survey.services.rules import set_rule

    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://kto.voorbeeld.nl")
    result = runner.invoke(args=["kto", "invitations", "texts", "--org", "demo"])
    assert result.exit_code == 0, result.output
    assert "phone invitation [nl]: 1 segment(s), gsm7" in result.output
    assert "Gemeente Voorbeeld: hoe was uw contact met ons?" in result.output
    from survey.database import unit_of_work
    from survey.models.invitation import InvitationRule

    set_rule("demo", "phone", sampling_rate=1)
    with unit_of_work() as session:
        rule = session.query(InvitationRule).filter_by(contact_channel="phone").one()
        rule.texts = {"sms": {"nl": "{organisation}: hoe ging het? Zeg het ons: {link} ĳ"}}
    result = runner.invoke(args=["kto", "invitations", "texts", "--org", "demo"])
    assert "phone invitation [nl]: 2 segment(s), ucs2  (more than one SMS)" in result.output
