"""The audit log: who changed what, when, with the values before and after.

Rows are only ever added (survey/services/audit.py); the application has no way to change or
delete one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.types import UTCDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_org_time", "organisation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for platform-wide changes (an organisation created by the operator's CLI).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # None for the command line or the system; actor_label keeps who it was when the user
    # is renamed or gone.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    # What was changed, e.g. "user:12", "survey:balie", "organisation".
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
