"""Surveys and their immutable versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from survey.domain import ValidationError
from survey.domain.widget import widget_settings
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
    # active_history: the replaced settings are known at flush (WidgetRateChange below).
    settings: Mapped[dict] = mapped_column(JSON, default=dict, active_history=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The questions staff are editing, not yet published (None: nothing changed since the
    # newest version). Publishing stores it as a new version (survey/services/survey_editor.py).
    draft: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)

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


class WidgetRateChange(db.Model):
    """A pop-up sampling rate a survey's widget published until it was replaced.

    Widget configs stay cached for a while (HTTP max-age, the server's memory cache, a page left
    open), so an answer may come from a page shown under the previous rate; the widget channel
    accepts such a rate only shortly after `replaced_at` (survey/channels/widget).
    """

    __tablename__ = "widget_rate_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    sampling_rate: Mapped[float] = mapped_column(Float)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def published_rate(settings) -> float | None:
    """The pop-up sampling rate a survey's settings publish; None without a usable widget."""
    if not isinstance(settings, dict) or "widget" not in settings:
        return None
    try:
        return widget_settings(settings["widget"])["sampling_rate"]
    except ValidationError:
        return None


@event.listens_for(Session, "before_flush")
def _remember_replaced_rates(session, flush_context, instances) -> None:
    """Every change of a published sampling rate, whichever code makes it, is remembered."""
    for survey in list(session.dirty):
        if not isinstance(survey, Survey):
            continue
        replaced = inspect(survey).attrs.settings.history.deleted
        if not replaced:
            continue
        old = published_rate(replaced[0])
        if old is not None and old != published_rate(survey.settings):
            session.add(WidgetRateChange(survey_id=survey.id, sampling_rate=old))
