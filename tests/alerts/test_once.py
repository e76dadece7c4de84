"""Each alert is logged and e-mailed once, however many workers evaluate at the same moment
and whatever crashes: two evaluations racing on the same stream log one alert and send one
e-mail (aiosmtpd); a worker stopped between logging and mailing leaves the e-mail to the next
run, which sends it once; one stopped while sending is marked, not sent again."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AlertEvent
from survey.services import alerts
from tests.alerts.test_evaluation import NOW, answers, with_recipients


def events() -> list[AlertEvent]:
    db.session.rollback()
    return list(db.session.execute(select(AlertEvent).order_by(AlertEvent.id)).scalars())


def test_two_workers_evaluating_at_once_log_and_mail_one_alert(
    app, demo_org, smtp_inbox, monkeypatch
):
    with_recipients("satisfaction_drop", "teamleider@gemeente.example")
    answers("down", "down", "down", "down", start=NOW - timedelta(minutes=10))
    db.session.commit()

    # Both workers have read when the alert last fired before either logs it (the race). Once
    # the read is serialised, the first waits here in vain (the barrier breaks) and goes on;
    # the second then reads the first one's row.
    met = threading.Barrier(2)
    real_last_fired = alerts.last_fired

    def last_fired_then_meet(organisation_id, now):
        seen = real_last_fired(organisation_id, now)
        try:
            met.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass
        return seen

    monkeypatch.setattr(alerts, "last_fired", last_fired_then_meet)
    start = threading.Barrier(2)
    fired: list[int] = []
    errors: list[BaseException] = []

    def worker(moment):
        try:
            with app.app_context():
                start.wait(timeout=60)
                fired.extend(alerts.evaluate(moment))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    # The two workers' clocks differ by a second.
    threads = [threading.Thread(target=worker, args=(NOW + timedelta(seconds=s),))
               for s in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and errors == []

    logged = events()
    assert len(logged) == 1 and logged[0].rule == "satisfaction_drop"
    assert fired == [logged[0].id]
    assert logged[0].mailed_at is not None and logged[0].mail_error is None
    assert [r for r, _ in smtp_inbox.messages] == [["teamleider@gemeente.example"]]


class Killed(BaseException):
    """A worker stopped dead (not an error the evaluation would catch)."""


def test_a_worker_stopped_between_logging_and_mailing_is_mailed_once_by_the_next_run(
    demo_org, smtp_inbox, monkeypatch
):
    with_recipients("satisfaction_drop", "teamleider@gemeente.example")
    answers("down", "down", "down", "down", start=NOW - timedelta(minutes=10))

    def killed(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(alerts, "_mail", killed)  # the log is committed, the e-mail not begun
        with pytest.raises(Killed):
            alerts.evaluate(NOW)
    db.session.rollback()
    (event,) = events()
    assert (event.mail_started_at, event.mailed_at, event.mail_error) == (None, None, None)
    assert smtp_inbox.messages == []

    # Five minutes later the cooldown holds the alert back, but its e-mail goes out.
    assert alerts.evaluate(NOW + timedelta(minutes=5)) == []
    (event,) = events()
    assert event.mailed_at is not None and event.mail_error is None
    assert [r for r, _ in smtp_inbox.messages] == [["teamleider@gemeente.example"]]
    # And only once.
    assert alerts.evaluate(NOW + timedelta(minutes=10)) == []
    assert alerts.evaluate(NOW + timedelta(minutes=40)) == []
    assert len(smtp_inbox.messages) == 1
    assert db.session.execute(select(func.count()).select_from(AlertEvent)).scalar() == 1


def test_a_worker_stopped_while_sending_is_not_sent_again(demo_org, smtp_inbox, monkeypatch):
    with_recipients("satisfaction_drop", "teamleider@gemeente.example")
    answers("down", "down", "down", "down", start=NOW - timedelta(minutes=10))

    def killed(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(alerts.messaging, "send_email", killed)
        with pytest.raises(Killed):
            alerts.evaluate(NOW)
    db.session.rollback()
    (event,) = events()
    assert event.mail_started_at is not None and event.mailed_at is None

    # Within the lease nothing happens; after it the row says the sending was interrupted.
    alerts.evaluate(NOW + timedelta(minutes=5))
    assert events()[0].mail_error is None
    alerts.evaluate(NOW + alerts.MAIL_LEASE + timedelta(minutes=1))
    (event,) = events()
    assert (event.mailed_at, event.mail_error) == (None, "Interrupted")
    assert smtp_inbox.messages == []
