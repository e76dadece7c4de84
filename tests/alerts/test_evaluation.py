"""The worker's alert evaluation on the database: the streams read, the cooldown kept, the
e-mail delivered to a real SMTP server (aiosmtpd), the log written."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import (
    AlertEvent,
    Delivery,
    Device,
    Invitation,
    KioskReading,
    Organisation,
    Response,
)
from survey.services import alert_rules, alerts
from survey.services.responses import record_many
from tests.conftest import make_payload
from tests.kiosk.helpers import enrolled_device

# Monday 30 November 2026, 10:00 in Amsterdam (09:00 UTC): the town hall is open.
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def org_id() -> int:
    return db.session.execute(select(Organisation.id).where(Organisation.slug == "demo")).scalar()


def answers(*thumbs: str, start: datetime, location: str = "stadhuis", step: int = 2):
    record_many(
        make_payload(
            submitted_at=(start + timedelta(minutes=step * i)).isoformat(),
            location=location,
            answers={"oordeel": thumb},
        )
        for i, thumb in enumerate(thumbs)
    )


def with_recipients(rule: str, *addresses: str, **settings):
    state = alert_rules.rules_of(org_id())[rule]
    alert_rules.save_rule(
        "test", org_id(), rule, enabled=settings.pop("enabled", True),
        cooldown_minutes=settings.pop("cooldown_minutes", state.cooldown_minutes),
        thresholds={**state.thresholds, **settings}, recipients=list(addresses),
    )


def logged() -> list[tuple[str, str]]:
    return [
        (e.rule, e.subject)
        for e in db.session.execute(select(AlertEvent).order_by(AlertEvent.id)).scalars()
    ]


def test_satisfaction_drop_is_mailed_once_and_not_during_the_cooldown(demo_org, smtp_inbox):
    with_recipients("satisfaction_drop", "teamleider@gemeente.example")
    answers("up", "down", "down", "up", "down", start=NOW - timedelta(minutes=12))
    answers("down", "down", "down", "down", start=NOW - timedelta(minutes=12),
            location="stadskantoor", step=30)  # 4 downs, but over 90 minutes

    fired = alerts.evaluate(NOW)
    assert len(fired) == 1
    event = db.session.get(AlertEvent, fired[0])
    assert event.rule == "satisfaction_drop" and event.subject.startswith("location:")
    assert event.facts == {"responses": 5, "negative": 3, "share": 0.6, "window_minutes": 15}
    assert event.mailed_at is not None
    assert len(smtp_inbox.messages) == 1
    recipients, raw = smtp_inbox.messages[0]
    assert recipients == ["teamleider@gemeente.example"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_content()
    assert message["Subject"].strip() == (
        "Gemeente Voorbeeld melding: Veel ontevreden antwoorden op een locatie (Stadhuis)"
    )
    assert "3 van de laatste 5 antwoorden binnen 15 minuten waren negatief (60%)." in body
    assert "http://127.0.0.1:8000/staff/demo/alerts" in body

    # Five minutes later the burst is still in the window: the cooldown holds it back.
    answers("down", start=NOW + timedelta(minutes=1))
    assert alerts.evaluate(NOW + timedelta(minutes=5)) == []
    assert len(smtp_inbox.messages) == 1
    # After the hour's cooldown, a new burst fires again.
    later = NOW + timedelta(minutes=70)
    answers("down", "down", "down", "down", start=later - timedelta(minutes=8))
    assert len(alerts.evaluate(later)) == 1
    assert len(smtp_inbox.messages) == 2


def test_a_rule_switched_off_or_without_recipients(demo_org, smtp_inbox):
    answers("down", "down", "down", "down", start=NOW - timedelta(minutes=10))
    with_recipients("satisfaction_drop", "a@gemeente.example", enabled=False)
    assert alerts.evaluate(NOW) == []
    with_recipients("satisfaction_drop")  # on, no addresses: the log only
    assert len(alerts.evaluate(NOW)) == 1
    assert logged() == [("satisfaction_drop", logged()[0][1])]
    assert smtp_inbox.messages == []


def test_kiosk_offline_during_opening_hours_only(demo_org, smtp_inbox):
    with_recipients("kiosk_offline", "beheer@gemeente.example")
    device_id, _ = enrolled_device()
    with unit_of_work() as session:
        session.execute(update(Device).where(Device.id == device_id).values(
            enrolled_at=NOW - timedelta(days=3), last_seen=NOW - timedelta(minutes=40),
        ))
    # Sunday 29 November, 10:00: closed, no alert although silent for a day.
    sunday = NOW - timedelta(days=1)
    with unit_of_work() as session:
        session.execute(update(Device).where(Device.id == device_id).values(
            last_seen=sunday - timedelta(hours=20)))
    assert alerts.evaluate(sunday) == []
    # Monday 10:00, last heartbeat 09:20 (opening 08:30): 40 open minutes.
    with unit_of_work() as session:
        session.execute(update(Device).where(Device.id == device_id).values(
            last_seen=NOW - timedelta(minutes=40)))
    fired = alerts.evaluate(NOW)
    assert [db.session.get(AlertEvent, i).rule for i in fired] == ["kiosk_offline"]
    assert db.session.get(AlertEvent, fired[0]).facts == {"open_minutes": 40, "minutes": 30}
    assert len(smtp_inbox.messages) == 1
    assert alerts.evaluate(NOW + timedelta(minutes=5)) == []  # cooldown
    # Each evaluation kept a reading of the kiosk; Sunday's is older than a day and gone.
    read = db.session.execute(select(KioskReading.read_at).order_by(KioskReading.id)).scalars()
    assert list(read) == [NOW, NOW + timedelta(minutes=5)]


def test_kiosk_queue_growing_over_readings(demo_org):
    device_id, _ = enrolled_device()
    fired = []
    for step, queue in enumerate((0, 2, 4, 7)):
        moment = NOW + timedelta(minutes=5 * step)
        with unit_of_work() as session:
            session.execute(update(Device).where(Device.id == device_id).values(
                enrolled_at=NOW - timedelta(days=1), last_seen=moment, queue_length=queue,
                refused_count=0))
        answers("up", start=moment - timedelta(minutes=1))
        with unit_of_work() as session:  # the kiosk's own answers: it is not silent
            session.execute(update(Response).values(device_id=device_id))
        fired += [db.session.get(AlertEvent, i).rule for i in alerts.evaluate(moment)]
    assert fired == ["kiosk_queue"]


def test_invitations_failing_counts_provider_errors_only(demo_org, smtp_inbox):
    from tests.alerts.helpers import deliveries

    with_recipients("invitations_failing", "sms@gemeente.example")
    deliveries(org_id(), NOW, sent=10, failed=2, expired=20)  # expired: not the provider
    assert alerts.evaluate(NOW) == []
    deliveries(org_id(), NOW, sent=0, failed=3, expired=0)  # 5 of 15 provider errors
    fired = alerts.evaluate(NOW)
    assert db.session.get(AlertEvent, fired[0]).facts["failures"] == 5
    assert len(smtp_inbox.messages) == 1
    assert db.session.execute(select(func.count()).select_from(Delivery)).scalar() == 35
    assert db.session.execute(select(func.count()).select_from(Invitation)).scalar() == 35


def test_an_unreachable_mail_server_is_written_on_the_log(demo_org, app, monkeypatch):
    from tests.servers import free_port

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    with_recipients("satisfaction_drop", "a@gemeente.example")
    answers("down", "down", "down", "down", start=NOW - timedelta(minutes=10))
    event = db.session.get(AlertEvent, alerts.evaluate(NOW)[0])
    assert event.mailed_at is None and event.mail_error


def test_weekly_drop_on_the_database_fires_once_for_the_week(demo_org, smtp_inbox):
    # Eight weeks of 40 counter answers at 80% satisfied, then a week at 50%; NOW is Monday
    # 30 November, so the judged week is 23-29 November (2026-W48).
    with_recipients("weekly_drop", "kwaliteit@gemeente.example")
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)
    for back in range(8, -1, -1):
        start = monday - timedelta(weeks=back)
        ups = 20 if back == 0 else 32
        answers(*(["up"] * ups + ["down"] * (40 - ups)), start=start, step=60)
    # Answers this week (after Monday 00:00) do not count in W48.
    answers("up", "up", start=NOW - timedelta(minutes=30), step=1)
    fired = alerts.evaluate(NOW)
    events = [db.session.get(AlertEvent, i) for i in fired]
    assert [(e.rule, e.subject) for e in events] == [("weekly_drop", "channel:counter:2026-W48")]
    facts = events[0].facts
    assert (facts["share"], facts["responses"], facts["share_before"]) == (0.5, 40, 0.8)
    assert facts["responses_before"] == 320 and facts["p"] < 0.001
    body = email.message_from_bytes(smtp_inbox.messages[0][1], policy=email.policy.default)
    assert "Week 2026-W48: 50% tevreden van 40 antwoorden, tegen 80%" in body.get_content()
    # Later that week: the same week is not judged again.
    assert alerts.evaluate(NOW + timedelta(days=2)) == []


def test_the_worker_task_evaluates(demo_org):
    from survey import tasks

    answers("down", "down", "down", "down", start=datetime.now(UTC) - timedelta(minutes=8))
    tasks.evaluate_alerts.call_local()
    assert [rule for rule, _ in logged()] == ["satisfaction_drop"]
