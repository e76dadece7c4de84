"""Alert rules per organisation (on/off, thresholds, cooldown, recipients) and the alert log.

A rule without a stored row runs with its defaults (survey.domain.alerts.RULES) and sends no
e-mail: it is written to the alert log only, until an administrator names recipients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from survey.database import unit_of_work
from survey.domain.addresses import normalise_email
from survey.domain.alerts import MAX_COOLDOWN_MINUTES, RULES
from survey.domain.errors import ValidationError
from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import AlertEvent, AlertRule
from survey.services import audit

MAX_RECIPIENTS = 20
PAGE_SIZE = 50


@dataclass(frozen=True)
class RuleState:
    rule: str
    enabled: bool
    cooldown_minutes: int
    thresholds: dict[str, float]
    recipients: tuple[str, ...]


def _state(rule: str, row: AlertRule | None) -> RuleState:
    spec = RULES[rule]
    if row is None:
        return RuleState(rule, True, spec.cooldown_minutes, spec.defaults(), ())
    return RuleState(
        rule,
        bool(row.enabled),
        int(row.cooldown_minutes),
        spec.settings(row.thresholds),
        tuple(row.recipients or ()),
    )


def rules_of(organisation_id: int) -> dict[str, RuleState]:
    """Every rule of the organisation, stored settings over the defaults, in RULES order."""
    rows = {
        r.rule: r
        for r in db.session.execute(
            select(AlertRule).where(AlertRule.organisation_id == organisation_id)
        ).scalars()
    }
    return {name: _state(name, rows.get(name)) for name in RULES}


def parse_recipients(text) -> list[str]:
    """E-mail addresses separated by commas, semicolons or new lines, each checked."""
    if not isinstance(text, str):
        raise Invalid("invalid_recipients", "Give e-mail addresses as text.", "recipients")
    found = []
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        if part.strip():
            try:
                address = normalise_email(part.strip(), "recipients")
            except ValidationError as error:
                raise Invalid("invalid_recipients", error.message, "recipients") from None
            if address not in found:
                found.append(address)
    if len(found) > MAX_RECIPIENTS:
        raise Invalid(
            "invalid_recipients", f"At most {MAX_RECIPIENTS} addresses.", "recipients"
        )
    return found


def save_rule(
    actor,
    organisation_id: int,
    rule: str,
    *,
    enabled: bool,
    cooldown_minutes,
    thresholds: dict,
    recipients: list[str],
) -> RuleState:
    """Store one rule's settings (checked; Invalid names the field) with its audit entry."""
    if rule not in RULES:
        raise NotFound("unknown_rule", "There is no such alert rule.", "rule")
    spec = RULES[rule]
    try:
        cooldown = int(cooldown_minutes)
    except (TypeError, ValueError):
        cooldown = -1
    if not 0 <= cooldown <= MAX_COOLDOWN_MINUTES:
        raise Invalid(
            "invalid_cooldown",
            f"The cooldown is a number of minutes from 0 to {MAX_COOLDOWN_MINUTES}.",
            "cooldown_minutes",
        )
    values = {}
    for threshold in spec.thresholds:
        if threshold.name not in thresholds:
            values[threshold.name] = threshold.default
            continue
        try:
            values[threshold.name] = threshold.check(thresholds[threshold.name])
        except ValidationError as error:
            raise Invalid(error.code, error.message, error.field) from None
    unknown = set(thresholds) - set(values)
    if unknown:
        raise Invalid("invalid_threshold", "Unknown setting.", sorted(unknown)[0])
    fields = ("enabled", "cooldown_minutes", "thresholds", "recipients")
    with unit_of_work() as session:
        row = session.execute(
            select(AlertRule).where(
                AlertRule.organisation_id == organisation_id, AlertRule.rule == rule
            )
        ).scalar_one_or_none()
        before = audit.snapshot(row, fields) if row is not None else None
        if row is None:
            row = AlertRule(organisation_id=organisation_id, rule=rule)
            session.add(row)
        row.enabled = bool(enabled)
        row.cooldown_minutes = cooldown
        row.thresholds = values
        row.recipients = list(recipients)
        session.flush()
        audit.record(
            session, actor, organisation_id, "alert_rule.update", f"alert_rule:{rule}",
            before, audit.snapshot(row, fields),
        )
        state = _state(rule, row)
    return state


def events(organisation_id: int, page: int = 1) -> list[AlertEvent]:
    """The alert log, newest first, one page (and one more row to tell there is a next)."""
    return list(
        db.session.execute(
            select(AlertEvent)
            .where(AlertEvent.organisation_id == organisation_id)
            .order_by(AlertEvent.fired_at.desc(), AlertEvent.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        ).scalars()
    )


def last_fired(organisation_id: int, now: datetime) -> dict[tuple[str, str], datetime]:
    """When each (rule, subject) of the organisation last fired (within the longest cooldown)."""
    since = now - timedelta(minutes=MAX_COOLDOWN_MINUTES)
    rows = db.session.execute(
        select(AlertEvent.rule, AlertEvent.subject, func.max(AlertEvent.fired_at))
        .where(AlertEvent.organisation_id == organisation_id, AlertEvent.fired_at >= since)
        .group_by(AlertEvent.rule, AlertEvent.subject)
    )
    return {(rule, subject): moment for rule, subject, moment in rows}
