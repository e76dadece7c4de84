"""Opt-out by the "Afmelden" button and STOP / AFMELDEN (shared with SMS, held across later
contacts), erasure of the number on the invitations' schedule, and WhatsApp in the monthly
report's funnel."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Contact, Invitation, OptOut, Response
from survey.reports.period import AMSTERDAM
from survey.services import invitations, reports
from survey.services.rules import set_rule
from tests.fakes.meta_graph import FakeGraph, signed_post, status
from tests.whatsapp.helpers import (
    DIGITS,
    NUMBER,
    citizen,
    configure,
    contact,
    prepare,
    send_invitations,
    template_payloads,
)


@pytest.fixture
def graph(app, demo_org, monkeypatch):
    with FakeGraph() as fake:
        configure(app, monkeypatch, fake)
        prepare()
        yield fake


def outcomes() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(Contact.outcome).order_by(Contact.id)))


@pytest.mark.parametrize("how", ["button", "STOP", "afmelden"])
def test_an_opt_out_holds_across_later_contacts(client, graph, import_headers, how):
    contact(client, import_headers, reference="eerste")
    send_invitations()
    template = graph.messages[0]
    if how == "button":
        optout = template_payloads(template)[-1]
        citizen(client, graph, "button", reply_id=optout, title="Afmelden",
                context=template["id"])
    else:
        citizen(client, graph, "text", text=how)
    confirmation = graph.messages[-1]
    assert confirmation["body"]["text"]["body"] == (
        "U krijgt geen uitnodigingen meer van ons.")
    db.session.rollback()
    [entry] = db.session.scalars(select(OptOut)).all()
    assert entry.source == "whatsapp"
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    # Said twice: still one entry, confirmed once.
    citizen(client, graph, "text", text="STOP")
    assert graph.messages[-1] is confirmation
    # A later call of the same person, by WhatsApp or by SMS: not invited, nothing sent.
    contact(client, import_headers, reference="tweede")
    set_rule("demo", "phone", survey_mode="sms")
    contact(client, import_headers, reference="derde", phone="+31 6 12345678")
    assert outcomes() == ["invited", "opted_out", "opted_out"]
    sent = len(graph.messages)
    send_invitations()
    assert len(graph.messages) == sent
    assert db.session.scalar(select(func.count()).select_from(OptOut)) == 1


def test_the_number_is_erased_on_schedule_and_the_conversation_goes_on(client, graph,
                                                                       import_headers):
    contact(client, import_headers)
    send_invitations()
    template = graph.messages[0]
    now = datetime.now(UTC)
    # Sent, no reminder: the address is no longer needed once Meta has the message.
    assert invitations.erase_addresses(now) == 1
    db.session.rollback()
    stored = db.session.scalar(select(Contact))
    assert stored.address is None and stored.address_erased_at is not None
    assert stored.address_hash is not None
    # The citizen answers later: matched by payload and the number's keyed hash, and the next
    # question goes to the number that wrote.
    down = template_payloads(template)[1]
    citizen(client, graph, "button", reply_id=down, title="👎", context=template["id"])
    assert graph.messages[-1]["to"] == DIGITS
    assert graph.messages[-1]["body"]["interactive"]["type"] == "list"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_an_unsent_number_is_erased_after_seven_days(client, graph, import_headers):
    contact(client, import_headers)  # due, never sent (the worker did not run)
    assert invitations.erase_addresses(datetime.now(UTC) + timedelta(days=6)) == 0
    assert invitations.erase_addresses(datetime.now(UTC) + timedelta(days=7, minutes=1)) == 1
    db.session.rollback()
    assert db.session.scalar(select(Contact.address)) is None


def test_a_tap_from_another_number_does_not_answer_someone_elses_invitation(
        client, graph, import_headers):
    contact(client, import_headers)
    send_invitations()
    down = template_payloads(graph.messages[0])[1]
    citizen(client, graph, "button", reply_id=down, title="👎", number="31687654321")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_the_monthly_report_shows_whatsapp_with_its_funnel(client, graph, import_headers):
    set_rule("demo", "whatsapp", survey="wa_gesprek", delay_minutes=0, quiet_start="00:00",
             quiet_end="00:00")
    graph.open_windows.add(DIGITS)
    graph.open_windows.add("31611111111")
    contact(client, import_headers, reference="chat-1", channel="whatsapp")
    contact(client, import_headers, reference="chat-2", channel="whatsapp",
            phone="06 1111 1111")
    contact(client, import_headers, reference="chat-3", channel="whatsapp", phone=None)
    send_invitations()
    for message in graph.messages:
        for state in ("sent", "delivered"):
            client.post("/webhooks/whatsapp", **signed_post(status(message["id"], state,
                                                                   message["to"])))
    client.post("/webhooks/whatsapp", **signed_post(status(graph.messages[0]["id"], "read",
                                                           DIGITS)))
    first = graph.messages[0]
    up = first["body"]["interactive"]["action"]["buttons"][0]["reply"]["id"]
    citizen(client, graph, "button_reply", reply_id=up, title="👍 Goed", context=first["id"])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 2
    month = datetime.now(AMSTERDAM).date().replace(day=1)
    built = reports.build_monthly_report("demo", month, "nl")
    data = reports.stored_data(built)
    [row] = [r for r in data.funnel if r.channel == "whatsapp"]
    assert (row.contacts, row.eligible, row.sampled, row.no_address, row.invited) == (
        3, 3, 3, 1, 2)
    assert (row.sent, row.delivered, row.opened, row.completed) == (2, 2, 1, 1)
    book = load_workbook(io.BytesIO(built.xlsx))
    rows = [[c.value for c in r] for r in book["Uitnodigingstrechter"].iter_rows()]
    assert any(r[0] == "WhatsApp" and r[1] == "Verzonden" and r[2] == 2 for r in rows), rows
    assert NUMBER not in str(rows)
