"""Sending due invitations: exactly once through the fake Twilio and a real SMTP server,
retries with backoff, permanent failures, expiry, reminders, opt-out at send time."""

from __future__ import annotations

import email
import hashlib
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain.sms import sms_length
from survey.extensions import db
from survey.models.invitation import Contact, Delivery, Invitation, OptOut
from survey.services import sending
from tests.fakes.twilio import FakeTwilio
from tests.sending.helpers import deliveries, make_invitations, statuses

LINK = re.compile(r"https?://\S+/s/([A-Za-z0-9_-]+)")


@pytest.fixture
def twilio(app, demo_org, monkeypatch):
    with FakeTwilio(deliver=False) as fake:
        for key, value in fake.config().items():
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.setitem(app.config, "SMS_TIMEOUT_SECONDS", 1)
        monkeypatch.setitem(app.config, "PUBLIC_URL", "https://kto.voorbeeld.nl")
        fake.hang = 1.3
        yield fake


def later(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def test_due_sms_invitations_are_sent_once_with_their_own_link(twilio):
    ids = make_invitations(5)
    make_invitations(1, due=later(3600))  # not due yet
    summary = sending.send_due()
    assert (summary.sent, summary.claimed) == (5, 5)
    assert sending.send_due().sent == 0  # nothing twice
    assert len(twilio.messages) == 5 and statuses() == {"sent": 5, "scheduled": 1}
    for m in twilio.messages:
        token = LINK.search(m["body"]).group(1)
        inv = db.session.scalar(select(Invitation).where(
            Invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()))
        assert inv.id in ids and inv.contact.address == m["to"]
        assert inv.provider == "twilio" and inv.provider_message_id == m["sid"]
        assert inv.sent_at is not None
        assert len(token) >= 22  # 128 bits
    assert {d.status for d in deliveries()} == {"sent"}


def test_default_dutch_sms_with_its_link_fits_one_gsm7_segment(twilio):
    make_invitations(1)
    sending.send_due()
    [m] = twilio.messages
    length = sms_length(m["body"])
    assert m["body"].startswith("Gemeente Voorbeeld: ") and "STOP" in m["body"]
    assert (length.encoding, length.segments) == ("gsm7", 1), (m["body"], length)


def test_english_contact_gets_english_text(twilio):
    make_invitations(1, language="en")
    sending.send_due()
    assert "Give your opinion" in twilio.messages[0]["body"]


def test_provider_down_for_a_while_then_every_invitation_sent_exactly_once(
    app, twilio, monkeypatch
):
    # A loaded machine must not turn an "ok" answer or a look-up into a timeout: the client
    # waits a generous 5 s, and the fake's hanging modes hang longer than that.
    monkeypatch.setitem(app.config, "SMS_TIMEOUT_SECONDS", 5)
    twilio.hang = 5.5
    ids = make_invitations(12)
    twilio.modes = ["500", "timeout", "timeout_unaccepted", "429"] * 4 + ["500"] * 6
    for step in range(12):
        sending.send_due(now=later(step * 4000))
        if statuses() == {"sent": 12}:
            break
    assert statuses() == {"sent": 12}
    per_number = twilio.count_by("to")
    assert len(per_number) == 12 and set(per_number.values()) == {1}
    recovered = [d for d in deliveries() if d.attempts > 1]
    assert recovered and all(d.status == "sent" for d in deliveries())
    assert len(ids) == 12


def test_a_failed_look_up_keeps_the_outcome_unknown_and_is_not_sent_blind(twilio):
    [inv] = make_invitations(1)
    twilio.modes = ["timeout"]  # accepted, then no answer
    sending.send_due()
    assert [d.status for d in deliveries()] == ["unknown"]
    twilio.lookup_failures = 1
    sending.send_due(now=later(4000))
    assert [(d.status, d.attempts) for d in deliveries()] == [("unknown", 2)]
    assert len(twilio.messages) == 1
    sending.send_due(now=later(8000))
    assert [d.status for d in deliveries()] == ["sent"]
    assert twilio.count_by("to") == {db.session.get(Invitation, inv).contact.address: 1}


def test_429_waits_for_retry_after_and_5xx_backs_off(twilio):
    make_invitations(2)
    twilio.retry_after = 120
    twilio.modes = ["429", "500"]
    before = datetime.now(UTC)
    sending.send_due()
    waits = sorted((d.next_attempt_at - before).total_seconds() for d in deliveries())
    assert 25 <= waits[0] <= 40  # backoff after a 500: 30 s first
    assert 115 <= waits[1] <= 130  # Retry-After: 120
    assert {d.status for d in deliveries()} == {"failed_temporary", "unknown"}
    assert twilio.messages == []


def test_invalid_number_is_final_and_counted(twilio):
    [bad, good] = make_invitations(2)
    bad_number = db.session.get(Invitation, bad).contact.address
    twilio.invalid_numbers.add(bad_number)
    summary = sending.send_due()
    assert (summary.sent, summary.failed, summary.codes) == (1, 1, {"invalid_number": 1})
    assert sending.send_due(now=later(99999)).claimed == 0
    inv = db.session.get(Invitation, bad)
    assert (inv.status, inv.failure_code) == ("failed", "invalid_number")
    assert twilio.requests == 2


def test_attempts_run_out_and_expiry_ends_retries(app, twilio, monkeypatch):
    monkeypatch.setitem(app.config, "SEND_MAX_ATTEMPTS", 2)
    twilio.default_mode = "500"
    [inv] = make_invitations(1)
    sending.send_due()
    sending.send_due(now=later(4000))
    assert db.session.get(Invitation, inv).status == "failed"
    [other] = make_invitations(1, expires_at=later(60))
    sending.send_due()
    sending.send_due(now=later(120))
    assert db.session.get(Invitation, other).status == "expired"


def test_opted_out_after_intake_is_not_sent(twilio):
    [inv] = make_invitations(1)
    contact = db.session.get(Invitation, inv).contact
    with unit_of_work() as session:
        session.add(OptOut(organisation_id=contact.organisation_id,
                           address_hash=contact.address_hash, source="sms_stop"))
    sending.send_due()
    assert twilio.messages == []
    assert db.session.get(Invitation, inv).failure_code == "opted_out"


def test_erased_address_is_not_sent(twilio):
    [inv] = make_invitations(1)
    with unit_of_work() as session:
        session.get(Invitation, inv).contact.address = None
    sending.send_due()
    assert twilio.messages == [] and db.session.get(Invitation, inv).status == "failed"


def test_reminder_once_with_the_same_link_not_after_completion(twilio):
    [a, b] = make_invitations(2, reminder_due_at=datetime.now(UTC) + timedelta(hours=24))
    sending.send_due()
    with unit_of_work() as session:
        session.get(Invitation, b).completed_at = datetime.now(UTC)
    sending.send_due(now=later(25 * 3600))
    sending.send_due(now=later(26 * 3600))
    bodies = [m["body"] for m in twilio.messages]
    assert len(bodies) == 3
    first, reminder = [x for x in bodies if db.session.get(Invitation, a).contact.address
                       in [m["to"] for m in twilio.messages if m["body"] == x]]
    assert LINK.search(first).group(1) == LINK.search(reminder).group(1)
    assert db.session.get(Invitation, a).reminded_at is not None
    assert db.session.get(Invitation, b).reminded_at is None


def test_stale_claim_of_a_dead_worker_is_looked_up_not_sent_again(app, twilio, monkeypatch):
    [inv] = make_invitations(1)
    jobs = sending.claim(datetime.now(UTC), 10)
    sending.compose(jobs)
    sending.deliver(jobs)  # the provider has it; the worker "dies" before recording
    assert len(twilio.messages) == 1
    monkeypatch.setitem(app.config, "SEND_CLAIM_LEASE_SECONDS", 60)
    summary = sending.send_due(now=later(61))  # the lease has run out
    assert (summary.sent, summary.recovered) == (1, 1)
    assert len(twilio.messages) == 1
    assert db.session.get(Invitation, inv).provider_message_id == twilio.messages[0]["sid"]


def test_a_stalled_worker_does_not_send_a_claim_another_took_over(app, twilio, monkeypatch):
    """Worker A claims, then stalls (stopped, starved) past its lease before sending; worker
    B takes the claim over, finds nothing at Twilio and sends. A, resumed, sends nothing."""
    [inv] = make_invitations(1)
    monkeypatch.setitem(app.config, "SEND_CLAIM_LEASE_SECONDS", 2)
    stalled = sending.claim(datetime.now(UTC), 10)
    sending.compose(stalled)
    time.sleep(2.1)  # A is stopped here
    summary = sending.send_due()  # B: the stale claim becomes "unknown" and is taken over
    assert (summary.sent, summary.recovered) == (1, 1)
    late = sending.deliver(stalled)  # A resumes
    assert [o.too_late for o in late] == [True]
    assert sending.record(late, datetime.now(UTC)).too_late == 1
    assert len(twilio.messages) == 1
    assert statuses() == {"sent": 1}
    assert db.session.get(Invitation, inv).provider_message_id == twilio.messages[0]["sid"]


def test_email_invitation_over_smtp(app, demo_org, smtp_inbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "smtp")
    monkeypatch.setitem(app.config, "MAIL_FROM", "kto@voorbeeld.nl")
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://kto.voorbeeld.nl")
    [inv] = make_invitations(1, mode="email")
    assert sending.send_due().sent == 1
    [(recipients, content)] = smtp_inbox.messages
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert recipients == ["inwoner0@example.nl"] and message["To"] == "inwoner0@example.nl"
    assert message["From"] == "Gemeente Voorbeeld <kto@voorbeeld.nl>"
    assert message["Subject"] == "Hoe was uw contact met Gemeente Voorbeeld?"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(https://\S+)>", message["List-Unsubscribe"].strip())
    unsubscribe = unsubscribe.group(1)
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    token = LINK.search(text).group(1)
    assert f"https://kto.voorbeeld.nl/s/{token}" in html and unsubscribe in text
    assert unsubscribe.endswith(token)
    assert "<img" not in html.lower()  # no tracking pixels
    stored = db.session.get(Invitation, inv)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.status == "sent"


def test_email_header_injection_never_reaches_a_header(app, demo_org, smtp_inbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "smtp")
    from survey.models import Organisation

    with unit_of_work() as session:
        org = session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        org.name = "Gemeente\r\nBcc: victim@example.org\r\nX-Evil: 1"
    make_invitations(1, mode="email")
    [bad] = make_invitations(1, mode="email", address="a@example.nl\r\nBcc: x@example.org")
    sending.send_due()
    [(recipients, content)] = smtp_inbox.messages
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert recipients == ["inwoner0@example.nl"]
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert "victim@example.org" in message["From"]  # folded into the display name, harmless
    assert db.session.get(Invitation, bad).failure_code == "invalid_address"


def test_email_outcome_unknown_is_never_sent_twice(app, demo_org, smtp_inbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PROVIDER", "smtp")
    [inv] = make_invitations(1, mode="email")
    jobs = sending.claim(datetime.now(UTC), 10)  # claimed, then the worker died
    assert len(jobs) == 1
    monkeypatch.setitem(app.config, "SEND_CLAIM_LEASE_SECONDS", 0)
    sending.send_due(now=later(1))
    sending.send_due(now=later(99999))
    assert smtp_inbox.messages == []
    [delivery] = deliveries()
    assert (delivery.status, delivery.error) == ("unknown", "outcome_unknown")
    assert db.session.get(Invitation, inv).status == "failed"


def test_sending_takes_no_address_from_outside():
    import inspect

    for name in ("send_due", "send_batch", "claim", "deliver", "record"):
        params = inspect.signature(getattr(sending, name)).parameters
        assert not {"to", "address", "phone", "email"} & set(params), name
    assert Contact and Delivery


def test_a_reminder_failing_until_the_link_expires_is_not_sent(twilio):
    [inv] = make_invitations(1, reminder_due_at=datetime.now(UTC) + timedelta(hours=1),
                             expires_at=datetime.now(UTC) + timedelta(hours=3))
    sending.send_due()
    twilio.default_mode = "500"
    sending.send_due(now=later(2 * 3600))  # the reminder fails
    twilio.default_mode = "ok"
    sending.send_due(now=later(4 * 3600))  # the link has expired by its retry
    assert len(twilio.messages) == 1
    reminder = [d for d in deliveries() if d.kind == "reminder"][0]
    assert (reminder.status, reminder.error) == ("failed_permanent", "expired")
    assert db.session.get(Invitation, inv).reminded_at is None
