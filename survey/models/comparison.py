"""Comparison groups: organisations of one instance that agreed to see each other's headline
figures side by side (a regional service and its municipalities, a benchmark group)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.organisation import Organisation
from survey.models.types import UTCDateTime, utcnow


class ComparisonGroup(db.Model):
    """A group made by the platform operator (`flask kto groups create`)."""

    __tablename__ = "comparison_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[ComparisonMember]] = relationship(back_populates="group")


class ComparisonMember(db.Model):
    """An organisation invited to a group. It takes part only once an administrator of the
    organisation consented (`joined_at`); leaving clears it again. Only organisations that
    take part are ever shown to the group."""

    __tablename__ = "comparison_members"
    __table_args__ = (UniqueConstraint("group_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("comparison_groups.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who consented (the administrator's e-mail address), kept with the consent.
    consented_by: Mapped[str | None] = mapped_column(String(254))

    group: Mapped[ComparisonGroup] = relationship(back_populates="members")
    organisation: Mapped[Organisation] = relationship()
