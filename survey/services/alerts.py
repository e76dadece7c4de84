"""Evaluating the alert rules (on the worker, every 5 minutes; never in a request).

For each organisation: read the streams each enabled rule needs (recent answers per location,
weekly counts per channel, kiosk state and readings, message outcomes), let the pure rules in
survey.domain.alerts decide, keep the findings whose cooldown has passed, log them in
`alert_events` and e-mail them to the rule's recipients.

Each alert is logged and e-mailed once, however many workers evaluate at the same moment and
whatever crashes:
- the cooldown check and the log are one transaction that holds the organisation's lock (a
  PostgreSQL transaction-level advisory lock; SQLite's writers queue already), so a second
  worker sees the first one's rows and finds the alert not due;
- the log row is committed before the e-mail goes out, and the e-mail is claimed on its row
  (`mail_started_at`, set by one conditional UPDATE) just before it is sent, so only one worker
  sends it;
- every run first e-mails the logged alerts whose e-mail was never claimed (a worker stopped
  between logging and mailing); an e-mail claimed but not finished within MAIL_LEASE belongs
  to a worker that died while sending: it is marked "Interrupted" on its row, not sent again
  (the one window that trades a missed e-mail for a duplicate, as in report_jobs);
- a failed e-mail is written on its row.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, delete, func, select, text, update

from survey import messaging
from survey.database import unit_of_work
from survey.domain import alerts as rules
from survey.domain.alerts import Finding
from survey.extensions import db
from survey.models import (
    AlertEvent,
    Delivery,
    Device,
    Invitation,
    KioskReading,
    Location,
    Organisation,
    Response,
)
from survey.services import alert_mail
from survey.services.alert_rules import RuleState, last_fired, rules_of

log = logging.getLogger(__name__)

READINGS_KEPT = timedelta(days=1)
# An e-mail claimed this long ago and neither sent nor failed: its worker died while sending.
MAIL_LEASE = timedelta(minutes=10)
# Logged alerts whose e-mail was never claimed are mailed by a later run within this time.
PENDING_KEPT = timedelta(days=1)
_LOCK_SPACE = 0x4B5441  # the advisory lock space of alert logging (PostgreSQL)
# Outcomes the sender records that are not the provider's doing (survey/services/sending.py).
NOT_PROVIDER_ERRORS = ("expired", "no_destination", "no_address", "outcome_unknown")


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return None if moment is None else moment.astimezone(zone).replace(tzinfo=None)


def _zone(organisation: Organisation) -> ZoneInfo:
    try:
        return ZoneInfo(organisation.timezone or "Europe/Amsterdam")
    except (KeyError, ValueError):
        return ZoneInfo("Europe/Amsterdam")


def _satisfaction_drop(org: Organisation, state: RuleState, now: datetime) -> list[Finding]:
    settings = state.thresholds
    since = now - timedelta(minutes=settings["window_minutes"])
    rows = db.session.execute(
        select(Response.location_id, Response.submitted_at, Response.satisfied).where(
            Response.organisation_id == org.id,
            Response.submitted_at > since,
            Response.submitted_at <= now,
            Response.location_id.is_not(None),
            Response.satisfied.is_not(None),
            Response.suspect.is_(False),
        )
    )
    by_location: dict[int, list] = {}
    for location_id, moment, satisfied in rows:
        by_location.setdefault(location_id, []).append((moment, bool(satisfied)))
    found = []
    for location_id, answers in sorted(by_location.items()):
        facts = rules.satisfaction_drop(answers, now, **settings)
        if facts:
            found.append(Finding("satisfaction_drop", f"location:{location_id}", facts))
    return found


def week_start(now: datetime, zone: ZoneInfo) -> datetime:
    """Monday 00:00 local of the week `now` is in, as UTC."""
    local = now.astimezone(zone)
    monday = (local - timedelta(days=local.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=zone).astimezone(UTC)


def _weekly_drop(org: Organisation, state: RuleState, now: datetime) -> list[Finding]:
    settings = dict(state.thresholds)
    count = int(settings["weeks_before"])
    zone = _zone(org)
    this_week = week_start(now, zone)
    starts = []
    for back in range(count + 1, 0, -1):  # oldest first; the last complete week last
        local = (this_week.astimezone(zone) - timedelta(weeks=back)).replace(tzinfo=None)
        starts.append(local.replace(tzinfo=zone).astimezone(UTC))
    bounds = [*starts, this_week]
    weeks: dict[str, list[tuple[int, int]]] = {}
    for index, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        rows = db.session.execute(
            select(
                Response.contact_channel,
                func.count(),
                func.sum(case((Response.satisfied.is_(True), 1), else_=0)),
            )
            .where(
                Response.organisation_id == org.id,
                Response.submitted_at >= start,
                Response.submitted_at < end,
                Response.satisfied.is_not(None),
                Response.suspect.is_(False),
            )
            .group_by(Response.contact_channel)
        )
        for channel, answers, satisfied in rows:
            weeks.setdefault(channel, [(0, 0)] * (count + 1))[index] = (
                int(satisfied or 0), int(answers)
            )
    judged = starts[-1].astimezone(zone).isocalendar()
    label = f"{judged.year}-W{judged.week:02d}"
    found = []
    for channel, series in sorted(weeks.items()):
        facts = rules.weekly_drop(series, **settings)
        if facts:
            found.append(
                Finding("weekly_drop", f"channel:{channel}:{label}", {**facts, "week": label})
            )
    return found


def _kiosks(
    org: Organisation, states: dict[str, RuleState], now: datetime
) -> list[Finding]:
    """Readings are written for every enrolled kiosk, then the four kiosk rules run."""
    zone = _zone(org)
    devices = db.session.execute(
        select(Device, Location.opening_hours)
        .join(Location, Location.id == Device.location_id)
        .where(
            Device.organisation_id == org.id,
            Device.revoked_at.is_(None),
            Device.enrolled_at.is_not(None),
        )
        .order_by(Device.id)
    ).all()
    if not devices:
        return []
    ids = [d.id for d, _ in devices]
    last_answers = dict(
        db.session.execute(
            select(Response.device_id, func.max(Response.received_at))
            .where(Response.device_id.in_(ids))
            .group_by(Response.device_id)
        ).all()
    )
    with unit_of_work() as session:
        session.execute(delete(KioskReading).where(KioskReading.read_at < now - READINGS_KEPT))
        session.add_all(
            KioskReading(
                device_id=d.id, read_at=now, last_seen=d.last_seen,
                queue_length=d.queue_length, refused_count=d.refused_count,
            )
            for d, _ in devices
        )
    since = now - READINGS_KEPT
    readings: dict[int, list[KioskReading]] = {}
    for reading in db.session.execute(
        select(KioskReading)
        .where(KioskReading.device_id.in_(ids), KioskReading.read_at >= since)
        .order_by(KioskReading.read_at)
    ).scalars():
        readings.setdefault(reading.device_id, []).append(reading)
    local_now = _local(now, zone)
    found = []
    for device, hours in devices:
        own = readings.get(device.id, [])
        facts = _kiosk_facts(
            states,
            hours,
            local_now,
            enrolled=_local(device.enrolled_at, zone),
            last_seen=_local(device.last_seen, zone),
            last_answer=_local(last_answers.get(device.id), zone),
            queue=[(_local(r.read_at, zone), r.queue_length) for r in own],
            refused=[(_local(r.read_at, zone), r.refused_count) for r in own],
        )
        found += [Finding(rule, f"device:{device.id}", f) for rule, f in facts.items()]
    return found


def _kiosk_facts(states, hours, now, *, enrolled, last_seen, last_answer, queue, refused):
    """The kiosk rules that are on and fire for one kiosk (local times)."""
    checks = {
        "kiosk_offline": lambda s: rules.kiosk_offline(hours, last_seen, enrolled, now, **s),
        "kiosk_silent": lambda s: rules.kiosk_silent(
            hours, last_seen, last_answer, enrolled, now, **s
        ),
        "kiosk_queue": lambda s: rules.kiosk_queue(hours, queue, now, **s),
        "kiosk_refused": lambda s: rules.kiosk_refused(hours, refused, now, **s),
    }
    found = {}
    for rule, check in checks.items():
        if states[rule].enabled:
            facts = check(states[rule].thresholds)
            if facts:
                found[rule] = facts
    return found


def _invitations_failing(org: Organisation, state: RuleState, now: datetime) -> list[Finding]:
    settings = state.thresholds
    since = now - timedelta(minutes=settings["window_minutes"])
    mine = Invitation.organisation_id == org.id
    finished = db.session.execute(
        select(Delivery.finished_at, Delivery.status)
        .join(Invitation, Invitation.id == Delivery.invitation_id)
        .where(
            mine,
            Delivery.finished_at > since,
            Delivery.finished_at <= now,
            Delivery.status.in_(("sent", "failed_permanent")),
            ~and_(Delivery.status == "failed_permanent",
                  func.coalesce(Delivery.error, "").in_(NOT_PROVIDER_ERRORS)),
        )
    ).all()
    retrying = db.session.execute(
        select(func.count())
        .select_from(Delivery)
        .join(Invitation, Invitation.id == Delivery.invitation_id)
        .where(mine, Delivery.status.in_(("failed_temporary", "unknown")))
    ).scalar_one()
    facts = rules.invitations_failing(
        [(at, status == "failed_permanent") for at, status in finished],
        int(retrying), now, **settings,
    )
    return [Finding("invitations_failing", "invitations", facts)] if facts else []


def findings_for(org: Organisation, states: dict[str, RuleState], now: datetime) -> list[Finding]:
    found: list[Finding] = []
    if states["satisfaction_drop"].enabled:
        found += _satisfaction_drop(org, states["satisfaction_drop"], now)
    if states["weekly_drop"].enabled:
        found += _weekly_drop(org, states["weekly_drop"], now)
    if any(states[r].enabled for r in ("kiosk_offline", "kiosk_silent", "kiosk_queue",
                                       "kiosk_refused")):
        found += _kiosks(org, states, now)
    if states["invitations_failing"].enabled:
        found += _invitations_failing(org, states["invitations_failing"], now)
    return found


def evaluate(now: datetime | None = None) -> list[int]:
    """Run every organisation's rules once; returns the ids of the alerts that fired. Alerts
    an earlier run logged but did not get to e-mail are e-mailed first."""
    now = now or datetime.now(UTC)
    try:
        mail_pending(now)
    except Exception:  # noqa: BLE001 - the evaluation still runs
        db.session.rollback()
        log.exception("Mailing pending alerts failed")
    fired: list[int] = []
    for org in db.session.execute(select(Organisation).order_by(Organisation.id)).scalars():
        try:
            fired += evaluate_organisation(org, now)
        except Exception:  # noqa: BLE001 - one organisation's fault must not stop the others
            db.session.rollback()
            log.exception("Alert evaluation failed for organisation %s", org.id)
    return fired


def _lock(organisation_id: int) -> None:
    """Inside a unit of work: one alert log writer per organisation at a time. SQLite's
    writers queue already; PostgreSQL takes a transaction-level advisory lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :org)"),
            {"space": _LOCK_SPACE, "org": organisation_id},
        )


def evaluate_organisation(org: Organisation, now: datetime) -> list[int]:
    states = rules_of(org.id)
    found = findings_for(org, states, now)
    if not found:
        return []
    cooldowns = {name: state.cooldown_minutes for name, state in states.items()}
    with unit_of_work() as session:
        _lock(org.id)
        # Read under the lock: another worker's alerts logged a moment ago count.
        firing = rules.due(found, last_fired(org.id, now), cooldowns, now)
        events = [
            AlertEvent(
                organisation_id=org.id, rule=f.rule, subject=f.subject, fired_at=now,
                facts=f.facts, recipients=list(states[f.rule].recipients),
            )
            for f in firing
        ]
        session.add_all(events)
        session.flush()
        ids = [e.id for e in events]
    for event_id in ids:
        _mail(event_id, now)
    return ids


def mail_pending(now: datetime) -> list[int]:
    """E-mail the logged alerts whose e-mail no worker claimed (their worker stopped between
    logging and mailing); mark the ones whose sending never finished. Returns the ids sent."""
    unfinished = (AlertEvent.mailed_at.is_(None), AlertEvent.mail_error.is_(None))
    with unit_of_work() as session:
        session.execute(
            update(AlertEvent)
            .where(*unfinished, AlertEvent.mail_started_at < now - MAIL_LEASE)
            .values(mail_error="Interrupted")
        )
    pending = db.session.execute(
        select(AlertEvent.id)
        .where(
            *unfinished,
            AlertEvent.mail_started_at.is_(None),
            AlertEvent.fired_at >= now - PENDING_KEPT,
            AlertEvent.fired_at <= now,
        )
        .order_by(AlertEvent.id)
    ).scalars().all()
    return [event_id for event_id in pending if _mail(event_id, now)]


def _claim(event_id: int, now: datetime) -> bool:
    """This caller sends the alert's e-mail: no other worker has started it."""
    with unit_of_work() as session:
        claimed = session.execute(
            update(AlertEvent)
            .where(
                AlertEvent.id == event_id,
                AlertEvent.mail_started_at.is_(None),
                AlertEvent.mailed_at.is_(None),
                AlertEvent.mail_error.is_(None),
            )
            .values(mail_started_at=now)
        ).rowcount
    return claimed == 1


def _mail(event_id: int, now: datetime) -> bool:
    """E-mail one logged alert if this caller wins its claim; True when it went out."""
    event = db.session.get(AlertEvent, event_id)
    if event is None or not event.recipients or not _claim(event_id, now):
        return False
    event = db.session.get(AlertEvent, event_id)
    try:
        subject, body = alert_mail.text(event)
        messaging.send_email(event.recipients, subject, body)
    except Exception as error:  # noqa: BLE001 - written on the log row, shown on the page
        log.warning("Alert %s could not be e-mailed: %s", event_id, error)
        with unit_of_work():
            db.session.get(AlertEvent, event_id).mail_error = f"{type(error).__name__}"[:500]
        return False
    with unit_of_work():
        sent = db.session.get(AlertEvent, event_id)
        sent.mailed_at, sent.mail_error = datetime.now(UTC), None
    return True
