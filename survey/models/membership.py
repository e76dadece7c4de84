"""Who may do what in which organisation: one role per user and organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.organisation import Organisation
from survey.models.types import UTCDateTime, utcnow
from survey.models.user import User

# From least to most: each role may do everything of the ones before it.
ROLES = ("viewer", "analyst", "admin")


class Membership(db.Model):
    """A user's role in one organisation. A deactivated membership gives no access."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id"),
        CheckConstraint("role IN ('viewer', 'analyst', 'admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="viewer")
    # Gets the organisation's monthly PDF by e-mail (a report subscriber).
    receives_reports: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()

    @property
    def active(self) -> bool:
        return self.deactivated_at is None
