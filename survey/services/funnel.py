"""The invitation funnel of an organisation in a month, per contact channel.

A month holds the contacts that ended in it (Europe/Amsterdam calendar month); every later
step counts what became of those contacts' invitations, whenever it happened. Counted in SQL
with two GROUP BYs (contacts by outcome, invitations by their timestamps), the same on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from survey.domain.channels import CONTACT_CHANNELS
from survey.extensions import db
from survey.models import Contact, Invitation
from survey.reports.data import FUNNEL_STAGES, FunnelRow
from survey.reports.period import label, utc_bounds

# Outcomes after sampling, each its own step of the funnel.
LOST_AFTER_SAMPLING = ("no_address", "opted_out", "throttled", "capped")


@dataclass(frozen=True)
class Funnel:
    month: date
    rows: tuple[FunnelRow, ...]

    @property
    def total(self) -> FunnelRow:
        return FunnelRow("all", **{k: sum(getattr(r, k) for r in self.rows) for k in FUNNEL_STAGES})

    def to_dict(self) -> dict:
        def row(r: FunnelRow) -> dict:
            return {**r.to_dict(), "rates": r.rates}

        return {
            "month": label(self.month),
            "channels": [row(r) for r in self.rows],
            "total": row(self.total),
        }


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def funnel_rows(organisation_id: int, month: date) -> tuple[FunnelRow, ...]:
    start, end = utc_bounds(month)
    in_month = (
        Contact.organisation_id == organisation_id,
        Contact.ended_at >= start,
        Contact.ended_at < end,
    )
    outcomes: dict[str, dict[str, int]] = {}
    for channel, outcome, count in db.session.execute(
        select(Contact.contact_channel, Contact.outcome, func.count())
        .where(*in_month)
        .group_by(Contact.contact_channel, Contact.outcome)
    ):
        outcomes.setdefault(channel, {})[outcome] = int(count)
    steps: dict[str, tuple] = {}
    for row in db.session.execute(
        select(
            Contact.contact_channel,
            _count(Invitation.quiet_delayed.is_(True)),
            _count(Invitation.sent_at.is_not(None)),
            _count(Invitation.delivered_at.is_not(None)),
            _count(Invitation.opened_at.is_not(None)),
            _count(Invitation.completed_at.is_not(None)),
        )
        .join(Invitation, Invitation.contact_id == Contact.id)
        .where(*in_month)
        .group_by(Contact.contact_channel)
    ):
        steps[row[0]] = tuple(int(v or 0) for v in row[1:])
    rows = []
    for channel in CONTACT_CHANNELS:
        if channel not in outcomes:
            continue
        counts = outcomes[channel]
        contacts = sum(counts.values())
        eligible = contacts - counts.get("not_eligible", 0)
        quiet, sent, delivered, opened, completed = steps.get(channel, (0, 0, 0, 0, 0))
        rows.append(
            FunnelRow(
                channel=channel,
                contacts=contacts,
                eligible=eligible,
                sampled=eligible - counts.get("not_sampled", 0),
                **{k: counts.get(k, 0) for k in LOST_AFTER_SAMPLING},
                invited=counts.get("invited", 0),
                quiet_delayed=quiet,
                sent=sent,
                delivered=delivered,
                opened=opened,
                completed=completed,
            )
        )
    return tuple(rows)


def funnel(organisation_id: int, month: date) -> Funnel:
    """The funnel of the contacts that ended in `month`, one row per channel that had any."""
    return Funnel(month, funnel_rows(organisation_id, month))
