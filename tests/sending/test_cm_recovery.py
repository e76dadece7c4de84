"""CM.com has no look-up: a message with an unknown outcome waits for a status report with
its reference; it is sent again (same reference) only when none came in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from survey.extensions import db
from survey.models.invitation import Invitation
from survey.services import sending
from survey.services.delivery_reports import Report, record_report
from tests.fakes.cmcom import FakeCM
from tests.sending.helpers import deliveries, make_invitations


@pytest.fixture
def cm(app, demo_org, monkeypatch):
    with FakeCM() as fake:
        for key, value in fake.config().items():
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.setitem(app.config, "SMS_TIMEOUT_SECONDS", 1)
        monkeypatch.setitem(app.config, "CM_REPORT_WAIT_SECONDS", 600)
        fake.hang = 1.3
        yield fake


def later(seconds):
    return datetime.now(UTC) + timedelta(seconds=seconds)


def test_timeout_then_report_settles_without_a_second_message(cm):
    [inv] = make_invitations(1)
    cm.modes = ["timeout"]  # accepted, answer lost
    sending.send_due()
    [d] = deliveries()
    assert d.status == "unknown" and (d.next_attempt_at - datetime.now(UTC)).total_seconds() > 500
    assert sending.send_due(now=later(60)).claimed == 0  # waiting for a report
    record_report(Report("cmcom", "accepted", reference=d.idempotency_key), datetime.now(UTC))
    sending.send_due(now=later(3600))
    assert len(cm.messages) == 1 and deliveries()[0].status == "sent"
    assert db.session.get(Invitation, inv).status == "sent"


def test_no_report_in_time_means_not_accepted_and_sent_again_with_the_same_reference(cm):
    make_invitations(1)
    cm.modes = ["timeout_unaccepted"]
    sending.send_due()
    sending.send_due(now=later(700))
    [m] = cm.messages
    assert m["reference"] == deliveries()[0].idempotency_key
    assert deliveries()[0].status == "sent" and deliveries()[0].attempts == 2
