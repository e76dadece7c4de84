"""Inbound STOP webhooks that must change nothing: an exact replay of a signed Twilio request,
a signature made for another number's text, and CM.com inbound calls while no secret is
configured or with the wrong one."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models.invitation import Invitation, OptOut
from tests.conftest import count_rows
from tests.sending.helpers import make_invitations
from tests.webhooks.test_webhooks import INBOUND, PUBLIC, cm, twilio  # noqa: F401 (fixtures)


def opt_outs() -> int:
    db.session.rollback()
    return db.session.scalar(select(db.func.count()).select_from(OptOut))


def test_an_exact_replay_of_a_signed_stop_changes_nothing(client, twilio):  # noqa: F811
    [inv] = make_invitations(1)
    number = db.session.get(Invitation, inv).contact.address
    request = twilio.inbound(PUBLIC + INBOUND, number, "STOP")
    first = client.post(INBOUND, **request)
    assert "<Message>" in first.text and opt_outs() == 1
    before = count_rows()
    replay = client.post(INBOUND, **request)
    assert replay.status_code == 200 and "<Message>" not in replay.text  # acknowledged once
    assert count_rows() == before


def test_a_signature_of_another_text_or_sender_is_refused(client, twilio):  # noqa: F811
    [inv] = make_invitations(1)
    number = db.session.get(Invitation, inv).contact.address
    hello = twilio.inbound(PUBLIC + INBOUND, number, "Hallo")
    swapped = {**hello, "data": {**hello["data"], "Body": "STOP"}}
    assert client.post(INBOUND, **swapped).status_code == 403
    other = twilio.inbound(PUBLIC + INBOUND, "+31687654321", "STOP")
    moved = {**other, "data": {**other["data"], "From": number}}
    assert client.post(INBOUND, **moved).status_code == 403
    assert opt_outs() == 0


def test_cm_inbound_without_a_configured_secret_is_refused(app, client, cm, monkeypatch):  # noqa: F811
    [inv] = make_invitations(1)
    number = db.session.get(Invitation, inv).contact.address
    before = count_rows()
    assert (
        client.post("/webhooks/sms/cm/wrong/inbound", **cm.inbound(number, "STOP")).status_code
        == 403
    )
    monkeypatch.setitem(app.config, "CM_WEBHOOK_SECRET", None)
    for secret in ("s3cret-in-the-url", "None", ""):
        answer = client.post(f"/webhooks/sms/cm/{secret}/inbound", **cm.inbound(number, "STOP"))
        assert answer.status_code in (403, 404), (secret, answer.status_code)
    assert count_rows() == before and cm.messages == []
