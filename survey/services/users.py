"""Staff users: creation with an argon2 password hash, logging in, sessions, memberships.

A user belongs to organisations through memberships (role admin, analyst or viewer); changes
to members made by an administrator are in survey/services/members.py.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update

from survey import passwords
from survey.database import unit_of_work
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Membership, Organisation, User
from survey.models.membership import ROLES
from survey.services import audit, catalogue

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a password")
MIN_PASSWORD = passwords.MIN_LENGTH


def normal_email(email: str | None) -> str:
    """The address trimmed and lower-cased, or Invalid."""
    email = (email or "").strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(c.isspace() for c in email):
        raise Invalid("wrong_email", f"Not an e-mail address: {email[:254]!r}.", "email")
    return email


def check_role(role: str) -> str:
    if role not in ROLES:
        raise Invalid("unknown_role", f"Role must be one of {', '.join(ROLES)}.", "role")
    return role


def hash_password(password: str, email: str | None = None) -> str:
    """The argon2 hash of a password that passes the rule (survey/passwords.py)."""
    return _hasher.hash(passwords.check(password, email))


def add_user(
    email: str, password: str, org_slug: str, role: str = "viewer", receives_reports=False
) -> User:
    """A new user with a password and a membership of one organisation."""
    email = normal_email(email)
    check_role(role)
    password_hash = hash_password(password, email)  # slow: not while holding the write lock
    with unit_of_work():
        org = catalogue.organisation(org_slug)
        if db.session.execute(select(User.id).where(User.email == email)).first():
            raise Conflict("email_taken", f"A user with e-mail {email} already exists.", "email")
        user = User(email=email, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
        db.session.add(
            Membership(
                user_id=user.id,
                organisation_id=org.id,
                role=role,
                receives_reports=bool(receives_reports),
            )
        )
        audit.record(
            db.session, "cli", org.id, "member.add", f"user:{user.id}", None,
            {"email": email, "role": role, "receives_reports": bool(receives_reports)},
        )
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user when the password matches and the user may still log in, else None."""
    user = db.session.execute(
        select(User).where(User.email == func.lower(func.trim(email or "")))
    ).scalar()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if not (user.is_operator or organisations_of(user.id)):
        return None  # every membership deactivated
    return user


def load_user(session_id: str) -> User | None:
    """The user of a login session "id:version"; None when the version was raised since."""
    try:
        user_id, version = (int(part) for part in str(session_id).split(":"))
        user = db.session.get(User, user_id)
    except (TypeError, ValueError, OverflowError):
        return None
    if user is None or user.session_version != version:
        return None
    return user


def end_sessions(user_id: int) -> None:
    """Every login session of this user ends, including copies of its cookie."""
    with unit_of_work():
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(session_version=User.session_version + 1)
        )


def set_password(email: str, password: str) -> None:
    """A new password; every login session of the user ends."""
    email = (email or "").strip().lower()
    password_hash = hash_password(password, email)  # not while holding the write lock
    with unit_of_work():
        user = db.session.execute(select(User).where(User.email == email)).scalar()
        if user is None:
            raise NotFound("unknown_user", f"No user with e-mail {email}.", "email")
        user.password_hash = password_hash
        user.session_version = user.session_version + 1
        for membership in user.memberships:
            audit.record(
                db.session, "cli", membership.organisation_id, "user.password_set",
                f"user:{user.id}", None, {"email": email, "via": "cli"},
            )


def membership_in(user_id: int, org_slug: str) -> tuple[Organisation, Membership] | None:
    """The organisation with this code and the user's active membership of it, else None."""
    row = db.session.execute(
        select(Organisation, Membership)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(
            Organisation.slug == org_slug,
            Membership.user_id == user_id,
            Membership.deactivated_at.is_(None),
        )
    ).first()
    return None if row is None else (row[0], row[1])


def organisations_of(user_id: int) -> list[tuple[Organisation, str]]:
    """The organisations the user is an active member of, with the role, by name."""
    return [
        (org, role)
        for org, role in db.session.execute(
            select(Organisation, Membership.role)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user_id, Membership.deactivated_at.is_(None))
            .order_by(Organisation.name, Organisation.id)
        ).all()
    ]


def subscribers(organisation_id: int) -> list[str]:
    """E-mail addresses of the organisation's active members who get the monthly report."""
    return list(
        db.session.execute(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == organisation_id,
                Membership.receives_reports.is_(True),
                Membership.deactivated_at.is_(None),
            )
            .order_by(User.email)
        ).scalars()
    )


def change_password(user_id: int, current: str, new: str) -> User:
    """A user's own new password, given the current one; every session of the user ends
    (the caller starts a new one for this browser)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("unknown_user", "No such user.", "current")
    try:
        _hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        raise Invalid("password_wrong", "The current password is not correct.", "current") from None
    password_hash = hash_password(new, user.email)
    with unit_of_work() as session:
        user = session.get(User, user_id)
        user.password_hash = password_hash
        user.session_version = user.session_version + 1
        for membership in user.memberships:
            audit.record(
                session, user, membership.organisation_id, "user.password_changed",
                f"user:{user.id}", None, {"email": user.email},
            )
    return user
