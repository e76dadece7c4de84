"""/webhooks/whatsapp: Meta's handshake, X-Hub-Signature-256 on the raw body, replays, statuses
and the payload shapes of Meta's documentation (text, template button with context,
interactive button_reply and list_reply, statuses sent/delivered/read/failed)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Invitation, Response, WhatsAppEvent
from tests.conftest import count_rows
from tests.fakes.meta_graph import (
    APP_SECRET,
    VERIFY_TOKEN,
    FakeGraph,
    inbound,
    sign,
    signed_post,
    status,
)
from tests.whatsapp.helpers import (
    DIGITS,
    citizen,
    configure,
    contact,
    prepare,
    send_invitations,
    template_payloads,
)

URL = "/webhooks/whatsapp"


@pytest.fixture
def graph(app, demo_org, monkeypatch):
    with FakeGraph() as fake:
        configure(app, monkeypatch, fake)
        prepare()
        yield fake


def test_the_handshake_returns_the_challenge_only_with_the_right_token(client, graph):
    ok = client.get(URL, query_string={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                       "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "1158201444"
    assert ok.content_type.startswith("text/plain")
    for query in ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "73519"},
                  {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN,
                   "hub.challenge": "73519"},
                  {"hub.mode": "subscribe", "hub.challenge": "73519"}, {}):
        answer = client.get(URL, query_string=query)
        assert answer.status_code == 403 and "73519" not in answer.get_data(as_text=True)


def test_no_verify_token_configured_refuses_every_handshake(client, app, graph, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_VERIFY_TOKEN", None)
    answer = client.get(URL, query_string={"hub.mode": "subscribe", "hub.verify_token": "",
                                           "hub.challenge": "5"})
    assert answer.status_code == 403


def test_forged_or_missing_signatures_change_nothing(client, app, graph, import_headers):
    contact(client, import_headers)
    send_invitations()
    down = template_payloads(graph.messages[0])[1]
    payload = inbound(DIGITS, "button", reply_id=down, title="👎 Niet goed")
    body = json.dumps(payload).encode()
    before, sent = count_rows(), len(graph.messages)
    attempts = [
        {},  # no signature
        {"X-Hub-Signature-256": sign(body, "another-app-secret")},
        {"X-Hub-Signature-256": sign(body + b" ")},  # signed other bytes
        {"X-Hub-Signature-256": sign(body).replace("sha256=", "sha1=")},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature": sign(body)},  # the old header name
    ]
    for headers in attempts:
        answer = client.post(URL, data=body, headers={"Content-Type": "application/json",
                                                      **headers})
        assert answer.status_code == 403
    # Re-serialised JSON (same content, other bytes) is not what was signed.
    tampered = json.dumps(payload, indent=1).encode()
    answer = client.post(URL, data=tampered, headers={"X-Hub-Signature-256": sign(body),
                                                      "Content-Type": "application/json"})
    assert answer.status_code == 403
    db.session.rollback()
    assert count_rows() == before and len(graph.messages) == sent
    # No app secret configured: nothing is accepted.
    app.config["WHATSAPP_APP_SECRET"] = None
    assert client.post(URL, data=body, headers={"X-Hub-Signature-256": sign(body)}
                       ).status_code == 403
    app.config["WHATSAPP_APP_SECRET"] = APP_SECRET
    assert client.post(URL, data=body, headers={"X-Hub-Signature-256": sign(body)}
                       ).status_code == 200
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_replayed_delivery_changes_nothing(client, graph, import_headers):
    contact(client, import_headers)
    send_invitations()
    template = graph.messages[0]
    down = template_payloads(template)[1]
    graph.open_windows.add(DIGITS)
    post = signed_post(inbound(DIGITS, "button", reply_id=down, title="👎",
                               context=template["id"]))
    assert client.post(URL, **post).status_code == 200
    db.session.rollback()
    after_first, sent = count_rows(), len(graph.messages)
    for _ in range(3):
        assert client.post(URL, **post).status_code == 200
    db.session.rollback()
    assert count_rows() == after_first and len(graph.messages) == sent


def test_statuses_update_the_invitation_and_never_go_back(client, graph, import_headers):
    contact(client, import_headers)
    send_invitations()
    wamid = graph.messages[0]["id"]
    for state in ("sent", "delivered", "read"):
        assert client.post(URL, **signed_post(status(wamid, state, DIGITS))).status_code == 200
    db.session.rollback()
    invitation = db.session.scalar(select(Invitation))
    assert invitation.status == "delivered"
    assert invitation.delivered_at is not None and invitation.opened_at is not None
    # A late "failed" and an old "sent" do not undo the delivery.
    client.post(URL, **signed_post(status(wamid, "failed", DIGITS, error=131026)))
    client.post(URL, **signed_post(status(wamid, "sent", DIGITS)))
    db.session.rollback()
    assert db.session.scalar(select(Invitation.status)) == "delivered"
    assert db.session.scalar(select(Invitation.failure_code)) is None


def test_a_failed_status_for_a_closed_window_fails_the_invitation(client, graph,
                                                                  import_headers):
    contact(client, import_headers)
    send_invitations()
    wamid = graph.messages[0]["id"]
    client.post(URL, **signed_post(status(wamid, "failed", DIGITS, error=131047)))
    db.session.rollback()
    invitation = db.session.scalar(select(Invitation))
    assert invitation.status == "failed"
    assert invitation.failure_code == "undelivered whatsapp_window_closed"


def test_unknown_numbers_types_and_objects_are_acknowledged_and_ignored(client, graph):
    before = count_rows()
    other_business = inbound(DIGITS, "text", text="Hallo", phone_number_id="999999")
    assert client.post(URL, **signed_post(other_business)).status_code == 200
    page = {"object": "page", "entry": [{"id": "1", "changes": [{"field": "feed",
                                                                 "value": {}}]}]}
    assert client.post(URL, **signed_post(page)).status_code == 200
    broken = b"not json at all"
    assert client.post(URL, data=broken, headers={"X-Hub-Signature-256": sign(broken)}
                       ).status_code == 200
    template_status = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "message_template_status_update",
         "value": {"event": "APPROVED", "message_template_name": "kto_na_contact"}}]}]}
    assert client.post(URL, **signed_post(template_status)).status_code == 200
    db.session.rollback()
    assert count_rows() == before and graph.messages == []


def test_an_interactive_button_reply_is_matched_by_its_context(client, graph, import_headers):
    """A WhatsApp contact inside the 24-hour window: the headline comes as reply buttons and
    the button_reply (documented shape, with context) answers it."""
    prepare_whatsapp_channel()
    graph.open_windows.add(DIGITS)
    contact(client, import_headers, channel="whatsapp")
    send_invitations()
    [first] = graph.messages
    assert first["type"] == "interactive" and first["body"]["interactive"]["type"] == "button"
    buttons = first["body"]["interactive"]["action"]["buttons"]
    assert [b["reply"]["title"] for b in buttons] == ["👍 Goed", "👎 Niet goed"]
    citizen(client, graph, "button_reply", reply_id=buttons[0]["reply"]["id"],
            title="👍 Goed", context=first["id"])
    db.session.rollback()
    assert db.session.scalar(select(Response.satisfied)) is True
    assert db.session.scalar(select(Response.contact_channel)) == "whatsapp"
    assert db.session.scalar(select(func.count()).select_from(WhatsAppEvent).where(
        WhatsAppEvent.processed_at.is_(None))) == 0
    assert db.session.scalar(select(WhatsAppEvent.data).where(
        WhatsAppEvent.key.like("m:%"))) is None  # the number is not kept in the event


def prepare_whatsapp_channel():
    from survey.services.rules import set_rule

    set_rule("demo", "whatsapp", survey="wa_gesprek", delay_minutes=0, quiet_start="00:00",
             quiet_end="00:00")


def test_the_lean_entry_limits_the_body_and_answers_without_a_page(client, graph):
    """POST /webhooks/whatsapp is answered in front of Flask (survey/webhooks/whatsapp_entry):
    a body over the limit is refused before its signature is read, a signed body that is not
    a delivery is acknowledged and ignored, and no answer is a page or sets a cookie."""
    from survey.webhooks.whatsapp_entry import MAX_BODY

    before = count_rows()
    big = b'{"object":"whatsapp_business_account","x":"' + b"a" * MAX_BODY + b'"}'
    answer = client.post(URL, data=big, headers={"X-Hub-Signature-256": sign(big),
                                                 "Content-Type": "application/json"})
    assert answer.status_code == 413
    for body in (b"{not json", b'{"a":' * 40 + b"1" + b"}" * 40, b'{"object":"page"}'):
        answer = client.post(URL, data=body, headers={"X-Hub-Signature-256": sign(body)})
        assert answer.status_code == 200 and answer.data == b""
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in answer.headers
    db.session.rollback()
    assert count_rows() == before
    # Other methods and paths still go to Flask: the handshake, and 405 for PUT.
    assert client.put(URL, data=b"{}").status_code == 405


def test_a_signed_delivery_of_the_wrong_shape_is_acknowledged_and_changes_nothing(client, graph):
    """Found by the webhook fuzzing: a validly signed delivery whose `entry`, `changes`,
    `messages` or a message's `text` was not the list or object Meta sends raised out of the
    webhook (a 500, and Meta delivering it again and again). It is now acknowledged (200) and
    keeps nothing, or only its well-formed events."""
    before = count_rows()
    wrong = [{"object": "whatsapp_business_account", "entry": True},
             {"object": "whatsapp_business_account", "entry": [{"changes": 3}]}]
    message = inbound(DIGITS, "text", text="Hallo")
    message["entry"][0]["changes"][0]["value"]["messages"] = "Hallo"
    wrong.append(message)
    for payload in wrong:
        assert client.post(URL, **signed_post(payload)).status_code == 200
    db.session.rollback()
    assert count_rows() == before
    odd = inbound(DIGITS, "text", text="Hallo")
    odd["entry"][0]["changes"][0]["value"]["messages"][0]["text"] = "Hallo"
    assert client.post(URL, **signed_post(odd)).status_code == 200
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(WhatsAppEvent).where(
        WhatsAppEvent.key.like("m:%"))) == 1  # kept once, its text read as none
