"""Provider callbacks: Twilio status and inbound (signed), CM.com reports and inbound (secret
in the URL), one-click unsubscribe. Forged, unsigned and replayed calls change nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models.invitation import Delivery, Invitation, OptOut
from survey.services import sending
from tests.conftest import count_rows
from tests.fakes.cmcom import FakeCM
from tests.fakes.server import LiveApp
from tests.fakes.twilio import FakeTwilio, signature
from tests.sending.helpers import deliveries, make_invitations, statuses

PUBLIC = "https://kto.voorbeeld.nl"
STATUS = "/webhooks/sms/twilio/status"
INBOUND = "/webhooks/sms/twilio/inbound"


@pytest.fixture
def twilio(app, demo_org, monkeypatch):
    with FakeTwilio(deliver=False) as fake:
        for key, value in fake.config().items():
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)
        yield fake


def signed(path: str, params: dict, token: str | None = None) -> dict:
    args = (PUBLIC + path, params) if token is None else (PUBLIC + path, params, token)
    return {"data": params, "headers": {"X-Twilio-Signature": signature(*args)}}


def status_params(sid: str, status: str, **extra) -> dict:
    return {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
            "AccountSid": "AC" + "0" * 32, "To": "+31600000000", "From": "+3197010000000",
            "ApiVersion": "2010-04-01", **extra}


def sent_invitation(twilio) -> tuple[int, str, str]:
    [inv] = make_invitations(1)
    sending.send_due()
    [d] = deliveries()
    return inv, twilio.messages[0]["sid"], d.idempotency_key


def test_twilio_status_needs_a_valid_signature(client, twilio):
    inv, sid, ref = sent_invitation(twilio)
    before = count_rows()
    params = status_params(sid, "delivered")
    path = f"{STATUS}?ref={ref}"
    assert client.post(path, data=params).status_code == 403  # unsigned
    forged = signed(path, params, "not-the-token")
    assert client.post(path, **forged).status_code == 403
    tampered = signed(path, params)
    tampered["data"] = {**params, "MessageStatus": "failed"}
    assert client.post(path, **tampered).status_code == 403
    other_url = signed(f"{STATUS}?ref=kto-999-i", params)
    assert client.post(path, **other_url).status_code == 403
    assert count_rows() == before and statuses() == {"sent": 1}
    assert client.post(path, **signed(path, params)).status_code == 204
    stored = db.session.get(Invitation, inv)
    assert stored.status == "delivered" and stored.delivered_at is not None


def test_twilio_status_replays_and_late_reports_change_nothing(client, twilio):
    inv, sid, ref = sent_invitation(twilio)
    path = f"{STATUS}?ref={ref}"
    client.post(path, **signed(path, status_params(sid, "delivered")))
    db.session.rollback()
    first = db.session.get(Invitation, inv).delivered_at
    for status in ("delivered", "sent", "failed", "undelivered"):
        assert client.post(path, **signed(path, status_params(sid, status))).status_code == 204
    db.session.rollback()
    stored = db.session.get(Invitation, inv)
    assert (stored.status, stored.delivered_at, stored.failure_code) == ("delivered", first, None)


def test_twilio_undelivered_is_a_failure(client, twilio):
    inv, sid, ref = sent_invitation(twilio)
    path = f"{STATUS}?ref={ref}"
    client.post(path, **signed(path, status_params(sid, "undelivered", ErrorCode="30005")))
    stored = db.session.get(Invitation, inv)
    assert (stored.status, stored.failure_code) == ("failed", "undelivered 30005")


def test_a_report_settles_a_delivery_whose_answer_was_lost(client, twilio):
    [inv] = make_invitations(1)
    jobs = sending.claim(datetime.now(UTC), 10)
    sending.compose(jobs)
    sending.deliver(jobs)  # the worker dies before recording
    [m] = twilio.messages
    path = m["status_callback"][len(PUBLIC):]
    assert client.post(path, **signed(path, status_params(m["sid"], "delivered"))).status_code
    db.session.rollback()
    [d] = deliveries()
    assert (d.status, d.provider_message_id) == ("sent", m["sid"])
    assert db.session.get(Invitation, inv).status == "delivered"
    sending.record([sending.Outcome(jobs[0], failure=sending.messaging.TemporaryFailure(
        "provider_timeout", ambiguous=True))], datetime.now(UTC))
    assert deliveries()[0].status == "sent"  # a late outcome never undoes the report


def test_stop_reply_opts_out_once_and_is_acknowledged_once(client, twilio):
    [inv] = make_invitations(1, reminder_due_at=datetime.now(UTC))
    number = db.session.get(Invitation, inv).contact.address
    unsigned = twilio.inbound(PUBLIC + INBOUND, number, "STOP")
    assert client.post(INBOUND, data=unsigned["data"]).status_code == 403
    assert db.session.scalar(select(db.func.count()).select_from(OptOut)) == 0
    answer = client.post(INBOUND, **twilio.inbound(PUBLIC + INBOUND, number, "Stop"))
    assert answer.status_code == 200 and answer.mimetype == "text/xml"
    assert "<Message>U krijgt geen uitnodigingen meer van ons.</Message>" in answer.text
    [opt_out] = db.session.scalars(select(OptOut)).all()
    assert opt_out.source == "sms_stop" and opt_out.acknowledged_at is not None
    before = count_rows()
    again = client.post(INBOUND, **twilio.inbound(PUBLIC + INBOUND, number, "AFMELDEN"))
    assert "<Message>" not in again.text and count_rows() == before
    assert db.session.get(Invitation, inv).status == "failed"  # not sent after all


def test_other_replies_and_unknown_numbers_change_nothing(client, twilio):
    [inv] = make_invitations(1)
    number = db.session.get(Invitation, inv).contact.address
    before = count_rows()
    for sender, text in ((number, "Wanneer is het gemeentehuis open?"), ("+31687654321", "STOP"),
                         ("rubbish", "STOP")):
        answer = client.post(INBOUND, **twilio.inbound(PUBLIC + INBOUND, sender, text))
        assert answer.status_code == 200 and "<Message>" not in answer.text
    assert count_rows() == before


def test_fake_twilio_calls_back_a_live_server_with_signed_reports(app, twilio, monkeypatch):
    twilio.deliver = True
    with LiveApp(app) as live:
        monkeypatch.setitem(app.config, "PUBLIC_URL", live.url)
        make_invitations(3)
        sending.send_due()
        twilio.wait_for_callbacks()
    assert twilio.callback_results == [204, 204, 204]
    assert statuses() == {"delivered": 3}


@pytest.fixture
def cm(app, demo_org, monkeypatch):
    monkeypatch.setitem(app.config, "CM_WEBHOOK_SECRET", "s3cret-in-the-url")
    with FakeCM() as fake:
        for key, value in fake.config().items():
            monkeypatch.setitem(app.config, key, value)
        yield fake


def test_cm_reports_need_the_secret_and_settle_by_reference(app, client, cm, monkeypatch):
    with LiveApp(app) as live:
        monkeypatch.setitem(app.config, "PUBLIC_URL", live.url)
        cm.report_url = f"{live.url}/webhooks/sms/cm/s3cret-in-the-url/status"
        [inv] = make_invitations(1)
        sending.send_due()
        cm.wait_for_callbacks()
    assert cm.callback_results == [204, 204]
    assert db.session.get(Invitation, inv).status == "delivered"
    before = count_rows()
    report = {"messages": {"msg": {"reference": deliveries()[0].idempotency_key,
                                   "status": {"code": "3", "errorCode": "9"}}}}
    assert client.post("/webhooks/sms/cm/wrong/status", json=report).status_code == 403
    monkeypatch.setitem(app.config, "CM_WEBHOOK_SECRET", None)
    assert client.post("/webhooks/sms/cm/s3cret-in-the-url/status", json=report).status_code == 403
    assert count_rows() == before


def test_cm_stop_opts_out_and_confirms_by_sms_once(app, client, cm):
    [inv] = make_invitations(1)
    number = db.session.get(Invitation, inv).contact.address
    url = "/webhooks/sms/cm/s3cret-in-the-url/inbound"
    assert client.post("/webhooks/sms/cm/nope/inbound", **cm.inbound(number, "STOP")).status_code \
        == 403
    assert client.post(url, **cm.inbound(number, "STOP")).status_code == 200
    assert client.post(url, **cm.inbound(number, "STOP")).status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(OptOut)) == 1
    [ack] = cm.messages
    assert ack["to"] == number and "geen uitnodigingen meer" in ack["body"]


def test_one_click_unsubscribe(app, client, demo_org, smtp_inbox, monkeypatch):
    import email as email_lib
    import re

    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "smtp")
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)
    make_invitations(1, mode="email")
    sending.send_due()
    message = email_lib.message_from_bytes(smtp_inbox.contents[0])
    url = re.search(r"<(\S+)>", message["List-Unsubscribe"]).group(1)
    path = url[len(PUBLIC):]
    page = client.get(path)  # a link checker or a person opening it: no change yet
    assert page.status_code == 200 and "<form" in page.text
    assert db.session.scalar(select(db.func.count()).select_from(OptOut)) == 0
    done = client.post(path, data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and "geen uitnodigingen meer" in done.text
    [opt_out] = db.session.scalars(select(OptOut)).all()
    assert opt_out.source == "email_unsubscribe"
    before = count_rows()
    assert client.post(path, data="List-Unsubscribe=One-Click").status_code == 200
    assert count_rows() == before
    assert client.post("/webhooks/email/unsubscribe/unknown-token-xyz").status_code == 404
    assert Delivery


def test_webhooks_are_rate_limited_per_ip(app, database_url, tmp_path, twilio):
    from tests.test_security import assert_429, limited_app

    limited = limited_app(database_url, tmp_path, RATELIMIT_WEBHOOKS="2 per minute",
                          **{k: v for k, v in app.config.items() if k.startswith("TWILIO_")},
                          PUBLIC_URL=PUBLIC)
    client = limited.test_client()
    params = status_params("SMunknown", "delivered")
    for _ in range(2):
        assert client.post(STATUS, **signed(STATUS, params)).status_code == 204
    assert_429(client.post(STATUS, **signed(STATUS, params)), STATUS)
