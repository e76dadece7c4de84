"""The retention job's runs: when, and how much each step erased."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.types import UTCDateTime


class RetentionRun(db.Model):
    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {step: total} for steps over the whole installation, and per organisation id
    # {"organisations": {"3": {"comments": 12, "stored_reports": 1}}}.
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    # The steps that failed, with their error (a failed step does not stop the others).
    errors: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="running")  # running, ok, failed
