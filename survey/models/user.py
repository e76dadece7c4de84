"""Staff users (argon2 password hash), their one-time password links, and platform operators.

What a user may do in an organisation is a Membership (survey/models/membership.py); a user
may belong to several organisations. `is_operator` is the platform role of the instance.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    """A staff member; the password is stored as an argon2 hash (empty: not set yet)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # "" until the user sets one through a one-time link (no password matches "").
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="nl")
    # The platform operator of this instance (not a member of any organisation by this).
    is_operator: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the login session's id: raising it (logout, password change) ends every session.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        back_populates="user", order_by="Membership.id"
    )

    def get_id(self) -> str:
        """Flask-Login's session id: user id and session version."""
        return f"{self.id}:{self.session_version}"


class PasswordToken(db.Model):
    """A one-time link to set a password (first login, invitation or reset).

    Only the SHA-256 of the token is stored; it expires and works once.
    """

    __tablename__ = "password_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "welcome" (new user) or "reset".
    purpose: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
