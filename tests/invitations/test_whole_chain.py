"""Issue 10 as one chain, through the real parts: an e-mail contact posted to the API is sent
by the worker's task to a real SMTP server (aiosmtpd), the link in the e-mail (text and HTML
part) works and is answered once, the address is erased afterwards, the person's opt-out on
the survey page stops the next invitation, and the funnel counts every step."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from survey.domain.invitation_rules import AMSTERDAM
from survey.extensions import db
from survey.models import Contact, Invitation, OptOut, Response
from survey.services import invitations, rules, sending
from tests.conftest import count_rows

PUBLIC = "https://kto.voorbeeld.nl"


def contact(reference: str, address: str = "Inwoner@Example.nl") -> dict:
    return {
        "reference": reference,
        "contact_channel": "email",
        "ended_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "email": address,
        "topic": "afval",
        "handling": "first_line",
    }


def test_an_email_contact_from_api_to_answer_erasure_opt_out_and_funnel(
    app, client, import_headers, smtp_inbox, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "smtp")
    monkeypatch.setitem(app.config, "MAIL_FROM", "kto@voorbeeld.nl")
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)
    rules.set_rule("demo", "email", delay_minutes=0, quiet_start="00:00", quiet_end="00:00")
    posted = client.post("/api/v1/contacts", json=contact("M-1"), headers=import_headers)
    assert posted.status_code in (200, 201), posted.get_json()
    assert posted.get_json()["outcome"] == "invited"

    assert sending.send_due().sent == 1
    [(recipients, content)] = smtp_inbox.messages
    assert recipients == ["inwoner@example.nl"]  # the contact's own address, normalised
    message = email.message_from_bytes(content, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = re.search(rf"{re.escape(PUBLIC)}/s/[A-Za-z0-9_-]{{22}}", text).group(0)
    assert f'href="{link}"' in html
    path = link[len(PUBLIC) :]

    page = client.get(path)
    assert page.status_code == 200 and "Welk cijfer" in page.text
    assert client.post(path, data={"question": "cijfer", "answer": "8"}).status_code == 303
    again = client.get(path)
    assert "U heeft al geantwoord. Bedankt!" in again.text
    db.session.rollback()
    response = db.session.execute(select(Response)).scalar_one()
    assert (response.survey_mode, response.contact_channel, response.handling) == (
        "email",
        "email",
        "first_line",
    )
    assert response.headline_score == 8 and response.inclusion_probability == 1.0
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert invitation.opened_at is not None and invitation.completed_at is not None

    # Answered: the outcome is final and the cleartext address goes; the hash stays.
    assert invitations.erase_addresses(datetime.now(UTC)) == 1
    db.session.rollback()
    stored = db.session.execute(select(Contact)).scalar_one()
    assert stored.address is None and stored.address_hash is not None

    # The person opts out on the survey page; a later contact (after the throttle) is
    # recorded but never invited.
    assert f'href="{path}/stop"' in again.text or f"{path}/stop" in page.text
    assert client.get(f"{path}/stop").status_code == 200
    assert "U krijgt geen uitnodigingen meer" in client.post(f"{path}/stop").text
    db.session.rollback()
    [opt_out] = db.session.scalars(select(OptOut)).all()
    assert opt_out.source == "survey_page" and opt_out.address_hash == stored.address_hash
    rules.set_rule("demo", "email", throttle_days=0)
    before = count_rows()
    later = client.post(
        "/api/v1/contacts", json=contact("M-2", " INWONER@example.nl "), headers=import_headers
    )
    assert later.get_json()["outcome"] == "opted_out"
    assert count_rows()["invitations"] == before["invitations"]
    assert sending.send_due().sent == 0 and len(smtp_inbox.messages) == 1

    month = datetime.now(AMSTERDAM).strftime("%Y-%m")
    body = client.get(f"/api/v1/funnel?month={month}", headers=import_headers).get_json()
    row = {r["channel"]: r for r in body["channels"]}["email"]
    assert (row["contacts"], row["opted_out"], row["sent"]) == (2, 1, 1), row
    assert (row["opened"], row["completed"], row["rates"]["response"]) == (1, 1, 1.0), row
