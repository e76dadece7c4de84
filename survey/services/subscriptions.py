"""Who gets which period report by e-mail: organisation-wide or one unit's (team's), per
month, quarter or year. The organisation-wide monthly report also goes to the members marked
``receives_reports`` (survey.services.users.subscribers).

Any active member may get any kind, of the whole organisation or of any unit (every role
sees every unit on the dashboard); only an administrator adds or removes another member's
subscription (the staff page "Reports by e-mail", survey/admin/subscriptions.py). Who may
read the citizens' comments is kept in ``Recipient.comments``: the monthly report goes
without them to a viewer the organisation does not let read them (survey.services.reports);
quarter, year and unit reports never carry comments. Every change is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from survey.database import unit_of_work
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Membership, Organisation, ReportSubscription, Unit, User
from survey.services import audit, catalogue
from survey.services.users import normal_email

KINDS = ("month", "quarter", "year")
MAX_ID = 2**31 - 1  # ids are 32-bit integer columns


@dataclass(frozen=True)
class Group:
    """The subscribers of one kind of report of one organisation (unit None: all of it)."""

    organisation_id: int
    kind: str
    unit_id: int | None


@dataclass(frozen=True)
class Recipient:
    """A person a report is e-mailed to; ``comments``: may read the citizens' comments."""

    user_id: int
    email: str
    comments: bool


@dataclass(frozen=True)
class Entry:
    """One subscription as the staff page lists it."""

    id: int
    user_id: int
    email: str
    kind: str
    unit_id: int | None
    unit_name: str | None
    created_at: datetime


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


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _member_id(session, organisation_id: int, user_id) -> int:
    found = None
    if _valid_id(user_id):
        found = session.execute(
            select(Membership.user_id).where(
                Membership.organisation_id == organisation_id,
                Membership.user_id == user_id,
                Membership.deactivated_at.is_(None),
            )
        ).scalar()
    if found is None:
        raise NotFound("unknown_member", "This user is not a member of this organisation.",
                       "user")
    return found


def _unit_of(session, organisation_id: int, unit_id) -> Unit | None:
    if unit_id is None:
        return None
    unit = session.get(Unit, unit_id) if _valid_id(unit_id) else None
    if unit is None or unit.organisation_id != organisation_id:
        raise NotFound("unknown_unit", "This unit does not exist.", "unit")
    return unit


def _snapshot(session, subscription: ReportSubscription) -> dict:
    unit = session.get(Unit, subscription.unit_id) if subscription.unit_id else None
    return {
        "user": session.get(User, subscription.user_id).email,
        "kind": subscription.kind,
        "unit": unit.name if unit else None,
    }


def add(actor, organisation_id: int, user_id, kind: str, unit_id=None) -> ReportSubscription:
    """An active member of the organisation gets this kind of report, of one of its units
    or of all of it (unit_id None). NotFound for another organisation's user or unit,
    Conflict when the member gets it already; the change is in the audit log. The caller
    enqueues survey.tasks.deliver_late_report with the new subscription's id."""
    kind = _kind(kind)
    with unit_of_work() as session:
        member = _member_id(session, organisation_id, user_id)
        unit = _unit_of(session, organisation_id, unit_id)
        found = session.execute(
            select(ReportSubscription.id).where(
                ReportSubscription.organisation_id == organisation_id,
                ReportSubscription.user_id == member,
                ReportSubscription.kind == kind,
                ReportSubscription.unit_key == (unit.id if unit else 0),
            )
        ).scalar()
        if found is not None:
            raise Conflict("already_subscribed", "This person already gets this report.",
                           "kind")
        subscription = ReportSubscription(
            organisation_id=organisation_id,
            user_id=member,
            kind=kind,
            unit_id=unit.id if unit else None,
            unit_key=unit.id if unit else 0,
        )
        session.add(subscription)
        session.flush()
        audit.record(session, actor, organisation_id, "subscription.add",
                     f"subscription:{subscription.id}", None, _snapshot(session, subscription))
    return subscription


def remove(actor, organisation_id: int, subscription_id, own_user_id: int | None = None):
    """Removes a subscription of the organisation (with ``own_user_id``: only one of that
    user's own); NotFound otherwise. The change is in the audit log."""
    with unit_of_work() as session:
        found = session.get(ReportSubscription, subscription_id) if _valid_id(
            subscription_id) else None
        if (found is None or found.organisation_id != organisation_id
                or (own_user_id is not None and found.user_id != own_user_id)):
            raise NotFound("unknown_subscription", "This subscription does not exist.")
        audit.record(session, actor, organisation_id, "subscription.remove",
                     f"subscription:{found.id}", _snapshot(session, found), None)
        session.delete(found)


def subscribe(org_slug: str, email: str, kind: str, unit_slug: str | None = None):
    """The command line's way in: a member by e-mail address and a unit by its code."""
    email, kind = normal_email(email), _kind(kind)
    org = catalogue.organisation(org_slug)
    unit_id = _unit(org.id, unit_slug)
    user_id = db.session.execute(
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
    try:
        return add("cli", org.id, user_id, kind, unit_id)
    except Conflict as error:
        raise Conflict(error.code, f"{email} already gets this report.", "email") from None


def unsubscribe(org_slug: str, email: str, kind: str, unit_slug: str | None = None) -> int:
    """Removes the subscription; how many were removed (0 or 1)."""
    email, kind = normal_email(email), _kind(kind)
    org = catalogue.organisation(org_slug)
    unit_id = _unit(org.id, unit_slug)
    found = db.session.execute(
        select(ReportSubscription.id)
        .join(User, User.id == ReportSubscription.user_id)
        .where(
            ReportSubscription.organisation_id == org.id,
            User.email == email,
            ReportSubscription.kind == kind,
            ReportSubscription.unit_key == (unit_id or 0),
        )
    ).scalar()
    if found is None:
        return 0
    remove("cli", org.id, found)
    return 1


def groups() -> list[Group]:
    """Every (organisation, kind, unit) that has at least one subscriber."""
    query = select(
        ReportSubscription.organisation_id, ReportSubscription.kind, ReportSubscription.unit_id
    ).distinct()
    return [Group(*row) for row in db.session.execute(query).all()]


def _comments(role: str, organisation: Organisation) -> bool:
    return role != "viewer" or bool(organisation.viewers_see_comments)


def people(group: Group, before: datetime | None = None) -> list[Recipient]:
    """The group's active members; with ``before`` only those who subscribed before then
    (the scheduled report of a period goes to those who subscribed before it ended; a later
    subscriber gets it once by survey.services.late_reports)."""
    query = (
        select(User.id, User.email, Membership.role, Organisation)
        .join(ReportSubscription, ReportSubscription.user_id == User.id)
        .join(
            Membership,
            (Membership.user_id == User.id)
            & (Membership.organisation_id == ReportSubscription.organisation_id),
        )
        .join(Organisation, Organisation.id == Membership.organisation_id)
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
    found = {}
    for user_id, email, role, organisation in db.session.execute(query).all():
        found.setdefault(user_id, Recipient(user_id, email, _comments(role, organisation)))
    return list(found.values())


def monthly_people(organisation_id: int) -> list[Recipient]:
    """Who gets the organisation's monthly report: the members marked ``receives_reports``
    and the organisation-wide monthly subscribers, by e-mail address."""
    query = (
        select(User.id, User.email, Membership.role, Organisation)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(
            Membership.organisation_id == organisation_id,
            Membership.receives_reports.is_(True),
            Membership.deactivated_at.is_(None),
        )
    )
    found = {
        user_id: Recipient(user_id, email, _comments(role, organisation))
        for user_id, email, role, organisation in db.session.execute(query).all()
    }
    for person in people(Group(organisation_id, "month", None)):
        found.setdefault(person.user_id, person)
    return sorted(found.values(), key=lambda p: p.email)


def recipients(group: Group, before: datetime | None = None) -> list[str]:
    """E-mail addresses of the group's active members (see ``people``)."""
    return [p.email for p in people(group, before)]


def person(subscription: ReportSubscription) -> Recipient | None:
    """The subscriber as a recipient, None when no longer an active member."""
    found = db.session.execute(
        select(User.id, User.email, Membership.role, Organisation)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(
            User.id == subscription.user_id,
            Membership.organisation_id == subscription.organisation_id,
            Membership.deactivated_at.is_(None),
        )
    ).first()
    if found is None:
        return None
    user_id, email, role, organisation = found
    return Recipient(user_id, email, _comments(role, organisation))


def entries(organisation_id: int, user_id: int | None = None) -> list[Entry]:
    """The organisation's subscriptions (with ``user_id``: only that user's), by e-mail
    address, kind and unit."""
    order = {kind: n for n, kind in enumerate(KINDS)}
    query = (
        select(ReportSubscription, User.email, Unit.name)
        .join(User, User.id == ReportSubscription.user_id)
        .outerjoin(Unit, Unit.id == ReportSubscription.unit_id)
        .where(ReportSubscription.organisation_id == organisation_id)
    )
    if user_id is not None:
        query = query.where(ReportSubscription.user_id == user_id)
    rows = [
        Entry(s.id, s.user_id, email, s.kind, s.unit_id, unit, s.created_at)
        for s, email, unit in db.session.execute(query).all()
    ]
    return sorted(rows, key=lambda e: (e.email, e.unit_name or "", order[e.kind]))


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


def units(organisation_id: int) -> list[Unit]:
    """The organisation's units (teams) one may get a report of, by name."""
    return list(
        db.session.execute(
            select(Unit).where(Unit.organisation_id == organisation_id).order_by(Unit.name)
        ).scalars()
    )
