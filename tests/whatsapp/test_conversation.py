"""The survey as a two-tap WhatsApp conversation, end to end against the fake Graph API:
contact in → template → thumbs down → reason list → comment → thanks; one response."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Contact, Invitation, Response, Topic, Unit
from survey.models.whatsapp import WhatsAppConversation
from tests.fakes.meta_graph import FakeGraph
from tests.whatsapp.helpers import (
    DIGITS,
    citizen,
    configure,
    contact,
    prepare,
    reply_ids,
    send_invitations,
    template_payloads,
)


@pytest.fixture
def graph(app, demo_org, monkeypatch):
    with FakeGraph() as fake:
        configure(app, monkeypatch, fake)
        prepare()
        yield fake


def answers_of(response_id):
    rows = db.session.execute(select(Answer.question_key, Answer.number, Answer.option,
                                     Answer.text).where(Answer.response_id == response_id)
                              .order_by(Answer.id)).all()
    return [(k, n if n is not None else o if o is not None else t) for k, n, o, t in rows]


def test_full_conversation_gives_one_response_with_three_answers(client, graph, import_headers):
    contact(client, import_headers, unit="kcc", topic="verhuizen", handling="transferred")
    assert send_invitations().sent == 1
    [first] = graph.messages
    assert first["type"] == "template" and first["to"] == DIGITS
    template = first["body"]["template"]
    assert template["name"] == "kto_na_contact" and template["language"] == {"code": "nl"}
    assert template["components"][0]["parameters"] == [{"type": "text",
                                                       "text": "Gemeente Voorbeeld"}]
    up, down, optout = template_payloads(first)
    assert up.endswith(":oordeel:up") and down.endswith(":oordeel:down")
    assert optout.endswith(":_optout")

    citizen(client, graph, "button", reply_id=down, title="👎 Niet goed", context=first["id"])
    db.session.rollback()
    [response] = db.session.scalars(select(Response)).all()
    assert answers_of(response.id) == [("oordeel", "down")]  # counted after one tap
    assert response.satisfied is False and response.survey_mode == "whatsapp"

    reasons = graph.messages[-1]
    assert reasons["type"] == "interactive"
    assert reasons["body"]["interactive"]["type"] == "list"
    rows = reply_ids(reasons)
    assert [t for _, t in rows] == ["Lang wachten", "Foute informatie", "Vaak doorverbonden",
                                    "Iets anders", "Overslaan"]
    assert reasons["body"]["interactive"]["body"]["text"] == "Wat ging er niet goed?"
    citizen(client, graph, "list_reply", reply_id=rows[0][0], title=rows[0][1],
            context=reasons["id"])

    comment = graph.messages[-1]
    assert comment["type"] == "text"
    assert comment["body"]["text"]["body"].startswith("Wilt u nog iets zeggen?")
    citizen(client, graph, "text", text="Ik werd drie keer doorverbonden.")

    thanks = graph.messages[-1]
    assert thanks["body"]["text"]["body"] == "Bedankt voor uw antwoorden!"
    db.session.rollback()
    [response] = db.session.scalars(select(Response)).all()
    assert answers_of(response.id) == [("oordeel", "down"), ("reden", "wachten"),
                                       ("toelichting", "Ik werd drie keer doorverbonden.")]
    assert response.contact_channel == "phone" and response.handling == "transferred"
    assert response.unit_id == db.session.scalar(select(Unit.id).where(Unit.slug == "kcc"))
    assert response.topic_id == db.session.scalar(select(Topic.id).where(
        Topic.slug == "verhuizen"))
    invitation = db.session.scalar(select(Invitation))
    assert invitation.completed_at is not None and response.invitation_id == invitation.id
    assert db.session.scalar(select(WhatsAppConversation.state)) == "closed"
    # Nothing about the person is kept with the answers.
    assert DIGITS not in str(answers_of(response.id))


def test_stopping_after_the_first_tap_still_counts(client, graph, import_headers):
    contact(client, import_headers)
    send_invitations()
    up = template_payloads(graph.messages[0])[0]
    citizen(client, graph, "button", reply_id=up, title="👍 Goed")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    [response] = db.session.scalars(select(Response)).all()
    assert answers_of(response.id) == [("oordeel", "up")] and response.satisfied is True
    # thumbs up skips the reasons: the next question is the comment
    assert graph.messages[-1]["body"]["text"]["body"].startswith("Wilt u nog iets zeggen?")


def test_the_same_button_three_times_gives_one_answer(client, graph, import_headers):
    contact(client, import_headers)
    send_invitations()
    template = graph.messages[0]
    down = template_payloads(template)[1]
    for _ in range(3):
        citizen(client, graph, "button", reply_id=down, title="👎 Niet goed",
                context=template["id"])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    # The reasons were asked once; the repeated taps got no second question.
    lists = [m for m in graph.messages if m["type"] == "interactive"]
    assert len(lists) == 1


def test_late_and_out_of_order_replies_change_nothing(client, graph, import_headers):
    contact(client, import_headers)
    send_invitations()
    template = graph.messages[0]
    up, down, _ = template_payloads(template)
    citizen(client, graph, "button", reply_id=down, title="👎", context=template["id"])
    reasons = graph.messages[-1]
    # The other thumb, tapped late on the old message: the stored answer stays.
    citizen(client, graph, "button", reply_id=up, title="👍", context=template["id"])
    # A reply to the reasons list's question when the flow asks it: stored.
    rows = reply_ids(reasons)
    citizen(client, graph, "list_reply", reply_id=rows[1][0], title=rows[1][1],
            context=reasons["id"])
    # The same list tapped again with another row: nothing changes.
    citizen(client, graph, "list_reply", reply_id=rows[2][0], title=rows[2][1],
            context=reasons["id"])
    db.session.rollback()
    [response] = db.session.scalars(select(Response)).all()
    assert answers_of(response.id) == [("oordeel", "down"), ("reden", "fout")]
    assert response.satisfied is False


def test_typed_replies_are_read_and_unclear_ones_asked_again(client, graph, import_headers):
    contact(client, import_headers)
    send_invitations()
    citizen(client, graph, "text", text="hmm")  # neither thumb
    assert "niet begrepen" in graph.messages[-2]["body"]["text"]["body"] or \
        "begrijpen" in graph.messages[-2]["body"]["text"]["body"]
    assert graph.messages[-1]["body"]["interactive"]["type"] == "button"  # asked again
    citizen(client, graph, "text", text="nee")  # typed: thumbs down
    reasons = graph.messages[-1]
    assert reasons["body"]["interactive"]["type"] == "list"
    citizen(client, graph, "text", text="3")  # the third reason by its number
    citizen(client, graph, "text", text="overslaan")  # the comment is optional
    db.session.rollback()
    [response] = db.session.scalars(select(Response)).all()
    assert answers_of(response.id) == [("oordeel", "down"), ("reden", "doorverbonden")]
    assert graph.messages[-1]["body"]["text"]["body"] == "Bedankt voor uw antwoorden!"


def test_a_reply_after_closing_or_from_a_stranger_gets_one_notice_a_day(
        client, graph, import_headers):
    citizen(client, graph, "text", text="Hallo, wanneer is het stadhuis open?",
            number="31687654321")
    citizen(client, graph, "text", text="Hallo?", number="31687654321")
    notices = graph.sent_to("31687654321")
    assert len(notices) == 1 and notices[0]["type"] == "text"
    assert "niet gelezen" in notices[0]["body"]["text"]["body"]
    # A contact's conversation that ended: its late tap gets the notice once, nothing stored.
    contact(client, import_headers)
    send_invitations()
    template = graph.messages[-1]
    up = template_payloads(template)[0]
    citizen(client, graph, "button", reply_id=up, title="👍", context=template["id"])
    citizen(client, graph, "text", text="overslaan")
    before = len(graph.sent_to(DIGITS))
    citizen(client, graph, "button", reply_id=up, title="👍", context=template["id"])
    citizen(client, graph, "text", text="nog iets")
    assert len(graph.sent_to(DIGITS)) == before + 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_an_image_in_an_open_conversation_is_ignored(client, graph, import_headers):
    contact(client, import_headers)
    send_invitations()
    sent = len(graph.messages)
    citizen(client, graph, "image")
    assert len(graph.messages) == sent
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(Contact.address)) == "+31612345678"
