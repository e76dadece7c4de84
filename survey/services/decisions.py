"""The facts of the invitation decision, read in bulk for a batch of new contacts.

The decision itself is pure (survey.domain.invitation_rules.decide); this module asks the
database what it needs, once per batch: the organisation's rules, who of the batch opted out,
each person's latest invitation (by address hash, any channel) and the day's invitations for
a daily cap. The caller runs it inside its unit of work, after survey.services.contacts'
lock_intake, so the counts cannot change underneath.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from survey.domain.invitation_rules import AMSTERDAM, Facts, amsterdam_day, decide, schedule
from survey.extensions import db
from survey.models import Contact, Invitation, OptOut
from survey.services.rules import rules_for

_draws = random.SystemRandom()  # the sampling draws


def chunks(values, size: int = 500):
    """Lists of at most `size` values (IN lists stay below every database's limits)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def decide_all(organisation_id: int, new: list[dict], now: datetime) -> list[tuple]:
    """(Decision, survey id) of each new contact (its column values), in order; the facts are
    read in bulk and kept up to date in memory, so two contacts of one person in a batch are
    throttled too, and a batch does not go past the daily cap."""
    if not new:
        return []
    rules = rules_for(organisation_id)
    hashes = {p["address_hash"] for p in new if p["address_hash"]}
    opted = set()
    last: dict[str, datetime] = {}
    for part in chunks(hashes):
        opted.update(
            db.session.execute(
                select(OptOut.address_hash).where(
                    OptOut.organisation_id == organisation_id, OptOut.address_hash.in_(part)
                )
            ).scalars()
        )
        last.update(
            db.session.execute(
                select(Contact.address_hash, func.max(Invitation.created_at))
                .join(Invitation, Invitation.contact_id == Contact.id)
                .where(Contact.organisation_id == organisation_id, Contact.address_hash.in_(part))
                .group_by(Contact.address_hash)
            ).all()
        )
    day_counts: dict[tuple[str, date], int] = {}
    decided = []
    for p in new:
        channel = p["contact_channel"]
        rule = rules.get(channel)
        hashed = p["address_hash"]
        invited_that_day = 0
        day = None
        if rule is not None and rule.daily_cap is not None:
            day = amsterdam_day(schedule(rule, p["ended_at"], now).due_at)
            if (channel, day) not in day_counts:
                day_counts[(channel, day)] = _invited_on(organisation_id, channel, day)
            invited_that_day = day_counts[(channel, day)]
        facts = Facts(
            draw=_draws.random(),
            opted_out=hashed in opted,
            last_invited_at=last.get(hashed),
            invited_that_day=invited_that_day,
        )
        decision = decide(rule, channel, hashed is not None, p["ended_at"], now, facts)
        if decision.outcome == "invited":
            last[hashed] = now
            if day is not None:
                day_counts[(channel, day)] += 1
        survey_id = p["survey_id"] or (rule.survey_id if rule else None)
        decided.append((decision, survey_id))
    return decided


def _invited_on(organisation_id: int, channel: str, day: date) -> int:
    start = datetime.combine(day, datetime.min.time(), tzinfo=AMSTERDAM)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=AMSTERDAM)
    return db.session.execute(
        select(func.count(Invitation.id)).where(
            Invitation.organisation_id == organisation_id,
            Invitation.contact_channel == channel,
            Invitation.due_at >= start,
            Invitation.due_at < end,
        )
    ).scalar_one()
