"""An organisation's members, as its administrators manage them: invite, change role,
deactivate, send a password reset link. Every change is in the audit log; every id is looked
up within the organisation (another organisation's id: NotFound)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.database import unit_of_work
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Membership, Organisation, User
from survey.models.types import utcnow
from survey.services import audit, password_links
from survey.services.users import check_role, normal_email


@dataclass(frozen=True)
class Member:
    user_id: int
    email: str
    role: str
    active: bool
    receives_reports: bool
    password_set: bool
    since: datetime


def members(organisation_id: int) -> list[Member]:
    """Every member of the organisation, active ones first, by e-mail."""
    rows = db.session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id)
        .order_by(Membership.deactivated_at.is_not(None), User.email)
    ).all()
    return [
        Member(u.id, u.email, m.role, m.active, m.receives_reports, bool(u.password_hash),
               m.created_at)
        for u, m in rows
    ]


def member(organisation_id: int, user_id: int) -> Membership:
    """A membership of this organisation, else NotFound."""
    return _membership(db.session, organisation_id, user_id)


def _membership(session: Session, organisation_id: int, user_id: int) -> Membership:
    found = session.execute(
        select(Membership).where(
            Membership.organisation_id == organisation_id, Membership.user_id == user_id
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("unknown_member", "Not a member of this organisation.", "user")
    return found


def _active_admins(session: Session, organisation_id: int) -> int:
    return session.execute(
        select(func.count(Membership.id)).where(
            Membership.organisation_id == organisation_id,
            Membership.role == "admin",
            Membership.deactivated_at.is_(None),
        )
    ).scalar_one()


@dataclass(frozen=True)
class Invited:
    email: str
    # The one-time link's token when the administrator may see it (a user without a password
    # who belongs to no other organisation); None otherwise: then it is only e-mailed.
    token: str | None
    mailed: bool


def _only_here(session: Session, user: User, organisation_id: int) -> bool:
    """Whether the user belongs to no other organisation: only then may this organisation's
    administrator see a link that sets the user's password."""
    return not user.is_operator and not session.execute(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.organisation_id != organisation_id
        )
    ).first()


def invite(actor: User, organisation_id: int, email: str, role: str) -> Invited:
    """Make someone a member with a role. A new user gets a one-time link to set a password,
    e-mailed when mail is configured (else the caller shows it); a known user just gets the
    membership (a deactivated one is active again, with this role)."""
    email, role = normal_email(email), check_role(role)
    token = None
    with unit_of_work() as session:
        organisation = session.get(Organisation, organisation_id)
        user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, password_hash="", language=organisation.default_language)
            session.add(user)
            session.flush()
        membership = session.execute(
            select(Membership).where(
                Membership.organisation_id == organisation_id, Membership.user_id == user.id
            )
        ).scalar_one_or_none()
        if membership is not None and membership.active:
            raise Conflict("already_member", f"{email} is already a member.", "email")
        before = None
        if membership is None:
            membership = Membership(user_id=user.id, organisation_id=organisation_id, role=role)
            session.add(membership)
        else:
            before = {"email": email, "role": membership.role, "active": False}
            membership.role, membership.deactivated_at = role, None
        audit.record(session, actor, organisation_id, "member.invite", f"user:{user.id}",
                     before, {"email": email, "role": role, "active": True})
        shown = False
        if not user.password_hash:
            token = password_links.issue(session, user, "welcome")
            shown = _only_here(session, user, organisation_id)
        name, language = organisation.name, user.language
    mailed = bool(token) and password_links.send(email, token, "welcome", language, name)
    return Invited(email, token if shown else None, mailed)


def change_role(actor: User, organisation_id: int, user_id: int, role: str) -> None:
    check_role(role)
    with unit_of_work() as session:
        membership = _membership(session, organisation_id, user_id)
        if membership.role == role:
            return
        if (membership.role == "admin" and membership.active
                and _active_admins(session, organisation_id) <= 1):
            raise Invalid("last_admin", "The organisation needs an active administrator.",
                          "role")
        before = {"email": membership.user.email, "role": membership.role}
        membership.role = role
        audit.record(session, actor, organisation_id, "member.role", f"user:{user_id}",
                     before, {"email": membership.user.email, "role": role})


def deactivate(actor: User, organisation_id: int, user_id: int) -> None:
    """The user loses access to this organisation at once (their next request)."""
    if user_id == actor.id:
        raise Invalid("not_yourself", "You cannot deactivate yourself.", "user")
    with unit_of_work() as session:
        membership = _membership(session, organisation_id, user_id)
        if not membership.active:
            return
        if membership.role == "admin" and _active_admins(session, organisation_id) <= 1:
            raise Invalid("last_admin", "The organisation needs an active administrator.",
                          "user")
        membership.deactivated_at = utcnow()
        membership.receives_reports = False
        email = membership.user.email
        audit.record(session, actor, organisation_id, "member.deactivate", f"user:{user_id}",
                     {"email": email, "active": True}, {"email": email, "active": False})


def send_reset(actor: User, organisation_id: int, user_id: int) -> Invited:
    """A new one-time link for an active member (e-mailed when mail is configured)."""
    with unit_of_work() as session:
        membership = _membership(session, organisation_id, user_id)
        if not membership.active:
            raise NotFound("unknown_member", "Not an active member.", "user")
        user = membership.user
        purpose = "reset" if user.password_hash else "welcome"
        token = password_links.issue(session, user, purpose)
        audit.record(session, actor, organisation_id, "member.password_link", f"user:{user_id}",
                     None, {"email": user.email, "link": purpose})
        email, language = user.email, user.language
        name = membership.organisation.name
        shown = purpose == "welcome" and _only_here(session, user, organisation_id)
    mailed = password_links.send(email, token, purpose, language, name)
    return Invited(email, token if shown else None, mailed)
