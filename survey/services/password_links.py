"""One-time links to set a password: for a new user (welcome), an invited user, or a reset.

The token is 32 random bytes (URL-safe); only its SHA-256 is stored. A link works once, until
it expires (PASSWORD_LINK_HOURS), and a newer link for the same user replaces older ones.
Setting the password through a link ends every login session of the user.
The e-mail goes out through survey/messaging when mail is configured; otherwise the caller
shows or prints the link (the CLI prints it).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey import messaging
from survey.database import unit_of_work
from survey.errors import Gone
from survey.extensions import db
from survey.i18n import in_language
from survey.models import PasswordToken, User
from survey.models.types import utcnow
from survey.services import audit
from survey.services.users import hash_password

log = logging.getLogger(__name__)
PURPOSES = ("welcome", "reset")
TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, user: User, purpose: str) -> str:
    """A new token for the user inside the caller's unit of work; older unused ones stop."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    now = utcnow()
    session.execute(
        update(PasswordToken)
        .where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    hours = int(current_app.config["PASSWORD_LINK_HOURS"])
    session.add(
        PasswordToken(
            user_id=user.id,
            token_hash=_digest(token),
            purpose=purpose,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return token


def link(token: str) -> str:
    """The absolute URL of the set-password page for a token."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + f"/staff/password/{token}"


def _valid(token: str | None) -> PasswordToken:
    if not token or len(token) > 100:
        raise Gone("link_invalid", "This link is not valid (any more).", "token")
    found = db.session.execute(
        select(PasswordToken).where(PasswordToken.token_hash == _digest(token))
    ).scalar_one_or_none()
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        raise Gone("link_invalid", "This link is not valid (any more).", "token")
    return found


def check(token: str | None) -> User:
    """The user a usable link is for (Gone when unknown, used or expired)."""
    return _valid(token).user


def use(token: str | None, password: str) -> User:
    """Set the password through a link: once only; every session of the user ends."""
    user = check(token)
    password_hash = hash_password(password, user.email)  # slow: before the write lock
    with unit_of_work() as session:
        found = _valid(token)  # again, inside the transaction: a link works once
        found.used_at = utcnow()
        user = found.user
        user.password_hash = password_hash
        user.session_version = user.session_version + 1
        for membership in user.memberships:
            audit.record(
                session, user, membership.organisation_id, "user.password_set",
                f"user:{user.id}", None, {"email": user.email, "via": found.purpose},
            )
    return user


def mail_configured() -> bool:
    try:
        messaging.provider("email")
    except messaging.NotConfigured:
        return False
    return True


def send(email: str, token: str, purpose: str, language: str, organisation_name: str = "") -> bool:
    """E-mail the link; False when no mail is configured or sending failed (logged)."""
    if not mail_configured():
        return False
    with in_language(language if language in ("nl", "en") else "nl"):
        if purpose == "reset":
            subject = _("Set a new password")
            intro = _("Someone asked to reset the password of your account. If that was not "
                      "you, ignore this e-mail.")
        else:
            subject = _("Your account for customer satisfaction measurement")
            intro = _("An account has been made for you at %(org)s.", org=organisation_name)
        hours = int(current_app.config["PASSWORD_LINK_HOURS"])
        body = "\n\n".join(
            [
                intro,
                _("Choose your password with this link (it works once, for %(hours)s hours):",
                  hours=hours),
                link(token),
            ]
        )
    try:
        messaging.send_email([email], subject, body)
    except (messaging.NotConfigured, OSError) as error:
        log.warning("Password link for %s not e-mailed: %s", email, error)
        return False
    return True


def request_reset(email: str | None) -> bool:
    """E-mail a reset link when the address belongs to a user; the caller says the same either
    way, so the page does not tell which addresses exist. True when a mail went out."""
    email = (email or "").strip().lower()[:254]
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None or not mail_configured():
        return False
    with unit_of_work() as session:
        user = session.get(User, user.id)
        token = issue(session, user, "reset")
    return send(user.email, token, "reset", user.language)
