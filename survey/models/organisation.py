"""Organisations (tenants) and the places, units and topics a response can be tied to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Origins allowed to embed the website widget and post answers from a browser.
    allowed_origins: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Settings an administrator changes on the organisation's settings page.
    default_language: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")
    timezone: Mapped[str] = mapped_column(
        String(64), default="Europe/Amsterdam", server_default="Europe/Amsterdam"
    )
    complaint_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # The logo on reports: PNG or SVG (checked: size, no scripts), with its media type.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(20))
    # Whether viewers may read citizens' comments (analysts and administrators always may).
    viewers_see_comments: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # Whether the monthly headline figures are published at /open/<slug>/ (off by default).
    open_data: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Service norm for callback requests: the citizen is contacted within this many working
    # days (weekends and Dutch public holidays excluded; survey/domain/working_days.py).
    callback_norm_days: Mapped[int] = mapped_column(Integer, default=2, server_default="2")

    # How long citizens' free-text comments are kept (survey.services.retention); the
    # figures stay, the words go.
    comment_retention_months: Mapped[int] = mapped_column(
        Integer, default=24, server_default="24"
    )

    units: Mapped[list[Unit]] = relationship(back_populates="organisation")
    locations: Mapped[list[Location]] = relationship(back_populates="organisation")
    topics: Mapped[list[Topic]] = relationship(back_populates="organisation")


class Unit(db.Model):
    """An organisational unit in a tree: department, then team."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    # The unit's shared mailbox: new and overdue callback cases are announced there.
    inbox_email: Mapped[str | None] = mapped_column(String(254))

    organisation: Mapped[Organisation] = relationship(back_populates="units")
    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")

    def path(self) -> list[Unit]:
        """This unit and its ancestors, top first."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Location(db.Model):
    """A physical service point, such as a counter site."""

    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    # Local opening hours per weekday (survey.domain.opening_hours); {} = not entered.
    opening_hours: Mapped[dict] = mapped_column(JSON, default=dict)

    organisation: Mapped[Organisation] = relationship(back_populates="locations")


class Topic(db.Model):
    """What a contact was about (passport, moving house, parking permit ...)."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    slug: Mapped[str] = mapped_column(String(40))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="topics")


class ApiKey(db.Model):
    """A key for server-to-server calls; only its SHA-256 is stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Updated at most once a minute per process (survey/services/apikeys.py).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
