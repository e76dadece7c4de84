"""Surveys and their immutable versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.organisation import Organisation
from survey.models.types import UTCDateTime, utcnow


class Survey(db.Model):
    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    # Presentation and channel settings (kiosk timing, widget triggers ...), not questions.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", order_by="SurveyVersion.number"
    )

    @property
    def current_version(self) -> SurveyVersion | None:
        return self.versions[-1] if self.versions else None


class SurveyVersion(db.Model):
    """The questions of a survey as they were asked. Never edited once it has answers."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="versions")
