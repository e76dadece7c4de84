"""Staff users: one organisation each, a role, an argon2 password hash."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.organisation import Organisation
from survey.models.types import UTCDateTime, utcnow

ROLES = ("viewer", "admin")


class User(UserMixin, db.Model):
    """A staff member of one organisation; the password is stored as an argon2 hash."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('viewer', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10), default="viewer")
    # Gets the monthly PDF by e-mail.
    receives_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the login session's id: raising it (logout, password change) ends every session.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship()

    def get_id(self) -> str:
        """Flask-Login's session id: user id and session version."""
        return f"{self.id}:{self.session_version}"
