"""Staff users: creation with an argon2 password hash, and checking a login."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update

from survey.database import unit_of_work
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import User
from survey.models.user import ROLES
from survey.services import catalogue

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a password")
MIN_PASSWORD = 10


def add_user(
    email: str, password: str, org_slug: str, role: str = "viewer", receives_reports=False
) -> User:
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid("wrong_email", f"Not an e-mail address: {email!r}.", "email")
    if len(password or "") < MIN_PASSWORD:
        raise Invalid(
            "password_too_short",
            f"The password needs at least {MIN_PASSWORD} characters.",
            "password",
        )
    if role not in ROLES:
        raise Invalid("unknown_role", f"Role must be one of {', '.join(ROLES)}.", "role")
    password_hash = _hasher.hash(password)  # slow on purpose: not while holding the write lock
    with unit_of_work():
        org = catalogue.organisation(org_slug)
        if db.session.execute(select(User.id).where(User.email == email)).first():
            raise Conflict("email_taken", f"A user with e-mail {email} already exists.", "email")
        user = User(
            email=email,
            password_hash=password_hash,
            organisation_id=org.id,
            role=role,
            receives_reports=bool(receives_reports),
        )
        db.session.add(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user when the password matches, else None."""
    user = db.session.execute(
        select(User).where(User.email == func.lower(func.trim(email or "")))
    ).scalar()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
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
    if len(password or "") < MIN_PASSWORD:
        raise Invalid(
            "password_too_short",
            f"The password needs at least {MIN_PASSWORD} characters.",
            "password",
        )
    password_hash = _hasher.hash(password)  # not while holding the write lock
    with unit_of_work():
        user = db.session.execute(
            select(User).where(User.email == (email or "").strip().lower())
        ).scalar()
        if user is None:
            raise NotFound("unknown_user", f"No user with e-mail {email}.", "email")
        user.password_hash = password_hash
        user.session_version = user.session_version + 1


def subscribers(organisation_id: int) -> list[str]:
    return list(
        db.session.execute(
            select(User.email)
            .where(User.organisation_id == organisation_id, User.receives_reports.is_(True))
            .order_by(User.email)
        ).scalars()
    )
