"""Who gets which period report by e-mail: organisation-wide or one unit's (team's), per
month, quarter or year. The organisation-wide monthly report also goes to the members marked
``receives_reports`` (survey.services.users.subscribers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from survey.database import unit_of_work
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Membership, ReportSubscription, Unit, User
from survey.services import catalogue
from survey.services.users import normal_email

KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Group:
    """The subscribers of one kind of report of one organisation (unit None: all of it)."""

    organisation_id: int
    kind: str
    unit_id: int | None


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Invalid("unknown_kind", f"Kind must be one of {', '.join(KINDS)}.", "kind")
    return kind


def _unit(organisation_id: int, unit_slug: str | None) -> int | None:
    if not unit_slug:
        return None
    unit = db.session.execute(
        select(Unit.id).where(Unit.organisation_id == organisation_id, Unit.slug == unit_slug)
    ).scalar()
    if unit is None:
        raise NotFound("unknown_unit", f"Unknown unit '{unit_slug}'.", "unit")
    return unit


def subscribe(org_slug: str, email: str, kind: str, unit_slug: str | None = None):
    """A member of the organisation gets this kind of report (of one unit, or all)."""
    email, kind = normal_email(email), _kind(kind)
    with unit_of_work() as session:
        org = catalogue.organisation(org_slug)
        unit_id = _unit(org.id, unit_slug)
        user_id = session.execute(
            select(User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(
                User.email == email,
                Membership.organisation_id == org.id,
                Membership.deactivated_at.is_(None),
            )
        ).scalar()
        if user_id is None:
            raise NotFound("unknown_member", f"{email} is not a member of {org_slug}.", "email")
        found = session.execute(
            select(ReportSubscription.id).where(
                ReportSubscription.organisation_id == org.id,
                ReportSubscription.user_id == user_id,
                ReportSubscription.kind == kind,
                ReportSubscription.unit_key == (unit_id or 0),
            )
        ).scalar()
        if found is not None:
            raise Conflict("already_subscribed", f"{email} already gets this report.", "email")
        subscription = ReportSubscription(
            organisation_id=org.id,
            user_id=user_id,
            kind=kind,
            unit_id=unit_id,
            unit_key=unit_id or 0,
        )
        session.add(subscription)
    return subscription


def unsubscribe(org_slug: str, email: str, kind: str, unit_slug: str | None = None) -> int:
    """Removes the subscription; how many were removed (0 or 1)."""
    email, kind = normal_email(email), _kind(kind)
    with unit_of_work() as session:
        org = catalogue.organisation(org_slug)
        unit_id = _unit(org.id, unit_slug)
        rows = session.execute(
            select(ReportSubscription)
            .join(User, User.id == ReportSubscription.user_id)
            .where(
                ReportSubscription.organisation_id == org.id,
                User.email == email,
                ReportSubscription.kind == kind,
                ReportSubscription.unit_key == (unit_id or 0),
            )
        ).scalars()
        removed = 0
        for row in rows:
            session.delete(row)
            removed += 1
    return removed


def groups() -> list[Group]:
    """Every (organisation, kind, unit) that has at least one subscriber."""
    query = select(
        ReportSubscription.organisation_id, ReportSubscription.kind, ReportSubscription.unit_id
    ).distinct()
    return [Group(*row) for row in db.session.execute(query).all()]


def recipients(group: Group, before: datetime | None = None) -> list[str]:
    """E-mail addresses of the group's active members; with ``before`` only those who
    subscribed before then (a report of a period that ended before someone subscribed is
    not sent to them afterwards)."""
    query = (
        select(User.email)
        .join(ReportSubscription, ReportSubscription.user_id == User.id)
        .join(
            Membership,
            (Membership.user_id == User.id)
            & (Membership.organisation_id == ReportSubscription.organisation_id),
        )
        .where(
            ReportSubscription.organisation_id == group.organisation_id,
            ReportSubscription.kind == group.kind,
            ReportSubscription.unit_key == (group.unit_id or 0),
            Membership.deactivated_at.is_(None),
        )
        .order_by(User.email)
    )
    if before is not None:
        query = query.where(ReportSubscription.created_at < before)
    return list(dict.fromkeys(db.session.execute(query).scalars()))


def listing(organisation_id: int) -> list[tuple[str, str, str | None]]:
    """(e-mail, kind, unit name or None) of every subscription of the organisation."""
    query = (
        select(User.email, ReportSubscription.kind, Unit.name)
        .join(User, User.id == ReportSubscription.user_id)
        .outerjoin(Unit, Unit.id == ReportSubscription.unit_id)
        .where(ReportSubscription.organisation_id == organisation_id)
        .order_by(User.email, ReportSubscription.kind, Unit.name)
    )
    return [tuple(row) for row in db.session.execute(query).all()]
