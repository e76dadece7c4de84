"""The first WhatsApp message against the fake Graph API's send endpoint and its error
bodies: template after a call, interactive inside the 24-hour window, the template as
fallback for 131047, and 131026 / 100 / 429 / 401 as Meta answers them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.messaging import Message, PermanentFailure, TemporaryFailure
from survey.messaging.whatsapp import WhatsAppCloud
from survey.models import Delivery, Invitation
from survey.services.rules import set_rule
from survey.services.whatsapp_accounts import set_account
from tests.fakes.meta_graph import PHONE_NUMBER_ID, TOKEN, FakeGraph
from tests.whatsapp.helpers import DIGITS, configure, contact, prepare, send_invitations


@pytest.fixture
def graph(app, demo_org, monkeypatch):
    with FakeGraph() as fake:
        configure(app, monkeypatch, fake)
        prepare()
        set_rule("demo", "whatsapp", survey="wa_gesprek", delay_minutes=0,
                 quiet_start="00:00", quiet_end="00:00")
        yield fake


def invitation() -> Invitation:
    db.session.rollback()
    return db.session.scalar(select(Invitation))


def provider(graph) -> WhatsAppCloud:
    return WhatsAppCloud({"access_token": TOKEN, "api_base": graph.base_url,
                          "api_version": "v21.0", "timeout": 5, "connections": 2})


def test_after_a_whatsapp_chat_the_headline_comes_as_reply_buttons(client, graph,
                                                                   import_headers):
    graph.open_windows.add(DIGITS)
    contact(client, import_headers, channel="whatsapp")
    assert send_invitations().sent == 1
    [message] = graph.messages
    assert message["from_id"] == PHONE_NUMBER_ID and message["version"] == "v21.0"
    body = message["body"]
    assert body["messaging_product"] == "whatsapp" and body["recipient_type"] == "individual"
    assert body["to"] == DIGITS and body["type"] == "interactive"
    assert body["interactive"]["body"]["text"] == "Bent u tevreden over ons antwoord?"
    assert invitation().status == "sent" and invitation().provider_message_id == message["id"]


def test_a_closed_window_answered_with_400_131047_falls_back_to_the_template(
        client, graph, import_headers):
    contact(client, import_headers, channel="whatsapp")  # the fake's window is closed
    assert send_invitations().sent == 1
    [message] = graph.messages  # the refused interactive one was not accepted
    assert message["type"] == "template"
    assert invitation().provider_message_id == message["id"]


def test_a_chat_more_than_a_day_ago_gets_the_template_at_once(client, graph, import_headers):
    graph.open_windows.add(DIGITS)
    contact(client, import_headers, channel="whatsapp",
            ended_at=datetime.now(UTC) - timedelta(hours=30))
    send_invitations()
    assert [m["type"] for m in graph.messages] == ["template"]
    assert graph.requests == 1


def test_131047_without_a_template_fails_the_invitation(client, graph, import_headers):
    from survey.database import unit_of_work
    from survey.models import WhatsAppAccount

    with unit_of_work():
        db.session.execute(WhatsAppAccount.__table__.update().values(templates={}))
    contact(client, import_headers, channel="whatsapp")
    summary = send_invitations()
    assert summary.failed == 1 and graph.messages == []
    stored = invitation()
    assert stored.status == "failed" and stored.failure_code == "whatsapp_window_closed"
    [delivery] = db.session.scalars(select(Delivery)).all()
    assert delivery.status == "failed_permanent" and "131047" in delivery.error


def test_131026_undeliverable_fails_the_invitation_after_one_request(client, graph,
                                                                     import_headers):
    graph.undeliverable.add(DIGITS)
    contact(client, import_headers)
    send_invitations()
    assert graph.requests == 1 and graph.messages == []
    assert invitation().failure_code == "whatsapp_undeliverable"


def test_a_rate_limit_is_retried_later(client, graph, import_headers):
    graph.modes = ["429"]
    contact(client, import_headers)
    summary = send_invitations()
    assert summary.retrying == 1
    [delivery] = db.session.scalars(select(Delivery)).all()
    assert delivery.status == "failed_temporary" and delivery.next_attempt_at is not None
    from survey.services import sending

    sending.send_due(now=datetime.now(UTC) + timedelta(minutes=5), max_seconds=0)
    assert [m["type"] for m in graph.messages] == ["template"]
    assert invitation().status == "sent"


def test_no_business_number_keeps_the_message_waiting(client, graph, import_headers):
    from survey.database import unit_of_work
    from survey.models import WhatsAppAccount

    contact(client, import_headers)
    with unit_of_work():
        db.session.execute(WhatsAppAccount.__table__.delete())
    summary = send_invitations()
    assert summary.codes == {"whatsapp_not_set_up": 1} and graph.requests == 0


def test_the_provider_reads_graph_error_bodies(graph):
    message = Message(to=("+31612345678",), body="", sender_id=PHONE_NUMBER_ID,
                      content={"type": "text", "text": {"body": "Hallo"}})
    cloud = provider(graph)
    with pytest.raises(PermanentFailure) as closed:
        cloud.send(message)  # free-form to a closed window
    assert closed.value.code == "whatsapp_window_closed"
    graph.modes = ["invalid"]
    graph.open_windows.add(DIGITS)
    with pytest.raises(PermanentFailure) as invalid:
        cloud.send(message)
    assert invalid.value.code == "whatsapp_invalid_parameter" and invalid.value.detail == "100"
    too_many = Message(to=("+31612345678",), body="", sender_id=PHONE_NUMBER_ID, content={
        "type": "interactive", "interactive": {"type": "button", "body": {"text": "Vraag"},
        "action": {"buttons": [{"type": "reply", "reply": {"id": str(i), "title": "x"}}
                               for i in range(4)]}}})
    with pytest.raises(PermanentFailure) as limits:
        cloud.send(too_many)
    assert limits.value.code == "whatsapp_invalid_parameter" and limits.value.detail == "131009"
    graph.modes = ["500"]
    with pytest.raises(TemporaryFailure) as down:
        cloud.send(message)
    assert down.value.ambiguous
    wrong = WhatsAppCloud({"access_token": "not-the-token", "api_base": graph.base_url,
                           "api_version": "v21.0", "timeout": 5, "connections": 1})
    with pytest.raises(TemporaryFailure) as refused:
        wrong.send(message)
    assert refused.value.code == "provider_refused_account" and "190" in refused.value.detail
    assert cloud.send(message).provider_message_id.startswith("wamid.")
    cloud.close()
    wrong.close()


def test_a_business_number_of_another_organisation_is_refused(app, graph):
    from survey.database import unit_of_work
    from survey.errors import Invalid
    from survey.models import Organisation

    with unit_of_work():
        db.session.add(Organisation(slug="buurgemeente", name="Buurgemeente"))
    with pytest.raises(Invalid) as taken:
        set_account("buurgemeente", PHONE_NUMBER_ID, {})
    assert taken.value.code == "phone_number_id_taken"
