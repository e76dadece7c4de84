"""Comparison groups: organisations of one instance that see each other's headline figures.

The platform operator makes a group and invites organisations (`flask kto groups ...`); an
organisation takes part only after one of its administrators consented on its staff page
(`join`), and stops when one leaves. Staff of a taking-part organisation see, per period,
the figures of every organisation that takes part (survey.reports.comparison): never an
organisation that was only invited or left, never comments, never a suppressed cell.
Every change is in the audit log of the organisation it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from survey.database import unit_of_work
from survey.errors import Conflict, NotFound
from survey.extensions import db
from survey.models import ComparisonGroup, ComparisonMember, Organisation, User
from survey.reports import comparison, comparison_files
from survey.reports import dashboard_cells as cells
from survey.reports.periods import Period
from survey.services import audit
from survey.services.organisations import check_code, check_name


@dataclass(frozen=True)
class GroupState:
    """A group as one organisation sees it."""

    id: int
    slug: str
    name: str
    joined: bool
    joined_at: datetime | None
    consented_by: str | None
    participants: int  # organisations taking part


@dataclass(frozen=True)
class MemberRow:
    slug: str
    name: str
    joined_at: datetime | None
    consented_by: str | None


def _group(session, slug: str) -> ComparisonGroup:
    found = session.execute(
        select(ComparisonGroup).where(ComparisonGroup.slug == (slug or "").strip().lower())
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("unknown_group", f"Unknown comparison group '{slug}'.", "group")
    return found


def _organisation(session, slug: str) -> Organisation:
    found = session.execute(
        select(Organisation).where(Organisation.slug == (slug or "").strip().lower())
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("unknown_organisation", f"Unknown organisation '{slug}'.", "organisation")
    return found


def create_group(code: str, name: str, actor: User | str | None = "cli") -> ComparisonGroup:
    code, name = check_code(code), check_name(name)
    with unit_of_work() as session:
        taken = session.execute(select(ComparisonGroup.id).where(ComparisonGroup.slug == code))
        if taken.first():
            raise Conflict("code_taken", f"Comparison group '{code}' already exists.", "code")
        group = ComparisonGroup(slug=code, name=name)
        session.add(group)
        audit.record(session, actor, None, "comparison.create", f"group {code}", None,
                     {"code": code, "name": name})
    return group


def invite(group_code: str, org_code: str, actor: User | str | None = "cli") -> None:
    """Invite an organisation; it takes part once an administrator consents."""
    with unit_of_work() as session:
        group, organisation = _group(session, group_code), _organisation(session, org_code)
        exists = session.execute(
            select(ComparisonMember.id).where(
                ComparisonMember.group_id == group.id,
                ComparisonMember.organisation_id == organisation.id,
            )
        ).first()
        if exists:
            raise Conflict("already_invited",
                           f"'{organisation.slug}' is already invited to '{group.slug}'.",
                           "organisation")
        session.add(ComparisonMember(group_id=group.id, organisation_id=organisation.id))
        audit.record(session, actor, organisation.id, "comparison.invite", f"group {group.slug}",
                     None, {"group": group.slug})


def remove(group_code: str, org_code: str, actor: User | str | None = "cli") -> None:
    """Take an organisation out of a group (its invitation and any consent)."""
    with unit_of_work() as session:
        group, organisation = _group(session, group_code), _organisation(session, org_code)
        member = session.execute(
            select(ComparisonMember).where(
                ComparisonMember.group_id == group.id,
                ComparisonMember.organisation_id == organisation.id,
            )
        ).scalar_one_or_none()
        if member is None:
            raise NotFound("not_invited",
                           f"'{organisation.slug}' is not in '{group.slug}'.", "organisation")
        session.delete(member)
        audit.record(session, actor, organisation.id, "comparison.remove", f"group {group.slug}",
                     {"group": group.slug, "joined": member.joined_at is not None}, None)


def groups() -> list[tuple[ComparisonGroup, list[MemberRow]]]:
    """Every group with its invited organisations (for the operator's command)."""
    found = db.session.execute(select(ComparisonGroup).order_by(ComparisonGroup.slug)).scalars()
    out = []
    for group in found:
        rows = db.session.execute(
            select(Organisation.slug, Organisation.name, ComparisonMember.joined_at,
                   ComparisonMember.consented_by)
            .join(Organisation, Organisation.id == ComparisonMember.organisation_id)
            .where(ComparisonMember.group_id == group.id)
            .order_by(Organisation.name)
        ).all()
        out.append((group, [MemberRow(*r) for r in rows]))
    return out


def for_organisation(organisation_id: int) -> list[GroupState]:
    """The groups an organisation was invited to, with whether it takes part."""
    rows = db.session.execute(
        select(ComparisonGroup, ComparisonMember)
        .join(ComparisonMember, ComparisonMember.group_id == ComparisonGroup.id)
        .where(ComparisonMember.organisation_id == organisation_id)
        .order_by(ComparisonGroup.name)
    ).all()
    return [
        GroupState(
            group.id, group.slug, group.name, member.joined_at is not None, member.joined_at,
            member.consented_by, len(_participants(group.id)),
        )
        for group, member in rows
    ]


def _membership(session, organisation_id: int, group_id: int) -> ComparisonMember:
    member = session.execute(
        select(ComparisonMember).where(
            ComparisonMember.group_id == group_id,
            ComparisonMember.organisation_id == organisation_id,
        )
    ).scalar_one_or_none()
    if member is None:
        raise NotFound("unknown_group", "Unknown comparison group.", "group")
    return member


def join(actor: User, organisation_id: int, group_id: int) -> None:
    """An administrator's consent: the organisation takes part from now on."""
    with unit_of_work() as session:
        member = _membership(session, organisation_id, group_id)
        if member.joined_at is not None:
            return
        member.joined_at, member.consented_by = datetime.now(UTC), actor.email
        audit.record(session, actor, organisation_id, "comparison.join",
                     f"group {member.group.slug}", {"joined": False}, {"joined": True})


def leave(actor: User, organisation_id: int, group_id: int) -> None:
    """The consent withdrawn: the organisation is no longer shown to the group (and sees it
    no more); the invitation stays, so it may join again."""
    with unit_of_work() as session:
        member = _membership(session, organisation_id, group_id)
        if member.joined_at is None:
            return
        member.joined_at, member.consented_by = None, None
        audit.record(session, actor, organisation_id, "comparison.leave",
                     f"group {member.group.slug}", {"joined": True}, {"joined": False})


def _participants(group_id: int) -> list[comparison.Member]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.slug, Organisation.name)
        .join(ComparisonMember, ComparisonMember.organisation_id == Organisation.id)
        .where(ComparisonMember.group_id == group_id, ComparisonMember.joined_at.is_not(None))
        .order_by(Organisation.name, Organisation.slug)
    ).all()
    return [comparison.Member(*r) for r in rows]


def visible_group(organisation_id: int, group_id: int) -> ComparisonGroup:
    """The group, if the organisation takes part in it; NotFound otherwise (not invited,
    invited without consent, or left: the group's members are not its business)."""
    member = _membership(db.session, organisation_id, group_id)
    if member.joined_at is None:
        raise NotFound("unknown_group", "Unknown comparison group.", "group")
    return member.group


VIEW_SECONDS = 60


def figures(organisation_id: int, group_id: int, period: Period, today: date):
    """The group's figures for the period, for a member that takes part. Kept a minute per
    process under the list of organisations taking part, so a page and its charts share one
    computation and a join or leave shows at once."""
    group = visible_group(organisation_id, group_id)
    members = _participants(group.id)
    key = ("comparison", tuple(members), period)
    found = cells.get(key)
    if found is None:
        found = comparison.compare(members, period, today)
        cells.put(key, found, VIEW_SECONDS)
    return group, found


@dataclass(frozen=True)
class Download:
    filename: str
    mimetype: str
    body: bytes


KINDS = {"pdf": "application/pdf", "csv": "text/csv"}


def download(organisation_id: int, group_id: int, period: Period, today: date, kind: str,
             language: str) -> Download:
    """The group's figures for the period as a PDF or CSV file for a member that takes
    part: what its comparison page shows, nothing more (NotFound otherwise, or for an
    unknown kind)."""
    if kind not in KINDS:
        raise NotFound("unknown_file", f"No comparison file of kind '{kind}'.", "kind")
    group, found = figures(organisation_id, group_id, period, today)
    viewer = db.session.get(Organisation, organisation_id)
    stem = f"kto-{viewer.slug}-{group.slug}-{period.at().replace('..', '-')}-{language}"
    if kind == "pdf":
        body = comparison_files.pdf(found, group.name, viewer.name, language, today)
    else:
        body = comparison_files.csv(found, language).encode("utf-8")
    return Download(f"{stem}.{kind}", KINDS[kind], body)
