"""Looking up organisations, surveys and versions; parsed definitions are cached per version."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select

from survey.domain import SurveyDefinition, ValidationError
from survey.extensions import db
from survey.models import Location, Organisation, Survey, SurveyVersion, Topic, Unit


@dataclass(frozen=True)
class SurveyRef:
    organisation_id: int
    survey_id: int
    version_id: int
    version_number: int


def find_survey_version(org_slug: str, survey_slug: str, number: int | None) -> SurveyRef:
    """The requested version of a survey, or its newest; a clear error when there is none."""
    query = (
        select(Organisation.id, Survey.id, SurveyVersion.id, SurveyVersion.number)
        .join(Survey, Survey.organisation_id == Organisation.id)
        .join(SurveyVersion, SurveyVersion.survey_id == Survey.id)
        .where(Organisation.slug == org_slug, Survey.slug == survey_slug)
    )
    if number is None:
        newest = (
            select(func.max(SurveyVersion.number))
            .where(SurveyVersion.survey_id == Survey.id)
            .correlate(Survey)
            .scalar_subquery()
        )
        query = query.where(SurveyVersion.number == newest)
    else:
        query = query.where(SurveyVersion.number == number)
    row = db.session.execute(query).first()
    if row is None:
        if number is not None and _survey_exists(org_slug, survey_slug):
            raise ValidationError(
                "unknown_version", f"Survey '{survey_slug}' has no version {number}.", "version"
            )
        raise ValidationError(
            "unknown_survey", f"No survey '{survey_slug}' for organisation '{org_slug}'.", "survey"
        )
    return SurveyRef(*row)


def _survey_exists(org_slug: str, survey_slug: str) -> bool:
    query = (
        select(Survey.id)
        .join(Organisation)
        .where(Organisation.slug == org_slug, Survey.slug == survey_slug)
    )
    return db.session.execute(query).first() is not None


def definition_for(version_id: int) -> SurveyDefinition:
    """The parsed definition of a version; versions are immutable, so caching is safe."""
    return _cached_definition(db.engine.url.render_as_string(), version_id)


@lru_cache(maxsize=512)
def _cached_definition(_database: str, version_id: int) -> SurveyDefinition:
    version = db.session.get(SurveyVersion, version_id)
    return SurveyDefinition.from_dict(version.definition)


def clear_cache() -> None:
    _cached_definition.cache_clear()


_PLACES = {"location": Location, "unit": Unit, "topic": Topic}


def place_id(kind: str, organisation_id: int, slug: str | None) -> int | None:
    """The id of a location, unit or topic of this organisation, or a clear error."""
    if slug is None:
        return None
    model = _PLACES[kind]
    found = db.session.execute(
        select(model.id).where(model.organisation_id == organisation_id, model.slug == slug)
    ).scalar()
    if found is None:
        raise ValidationError(f"unknown_{kind}", f"Unknown {kind} '{slug}'.", kind)
    return found
