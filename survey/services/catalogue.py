"""Looking up organisations, surveys and versions; parsed definitions are cached per version."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import bindparam, select

from survey.domain import SurveyDefinition, ValidationError
from survey.extensions import db
from survey.models import Location, Organisation, Survey, SurveyVersion, Topic, Unit


@dataclass(frozen=True)
class SurveyRef:
    organisation_id: int
    survey_id: int
    version_id: int
    version_number: int


_BY_SLUGS = (
    select(Organisation.id, Survey.id, SurveyVersion.id, SurveyVersion.number)
    .join(Survey, Survey.organisation_id == Organisation.id)
    .join(SurveyVersion, SurveyVersion.survey_id == Survey.id)
    .where(Organisation.slug == bindparam("org"), Survey.slug == bindparam("survey"))
)
# Statements are built once; executing them with parameters hits SQLAlchemy's compiled cache.
_NEWEST_VERSION = _BY_SLUGS.order_by(SurveyVersion.number.desc()).limit(1)
_NUMBERED_VERSION = _BY_SLUGS.where(SurveyVersion.number == bindparam("number"))


def find_survey_version(org_slug: str, survey_slug: str, number: int | None) -> SurveyRef:
    """The requested version of a survey, or its newest; a clear error when there is none."""
    params = {"org": org_slug, "survey": survey_slug}
    if number is None:
        row = db.session.connection().execute(_NEWEST_VERSION, params).first()
    else:
        row = db.session.connection().execute(_NUMBERED_VERSION, {**params, "number": number})
        row = row.first()
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


_PLACES = {
    kind: select(model.id).where(
        model.organisation_id == bindparam("org"), model.slug == bindparam("slug")
    )
    for kind, model in {"location": Location, "unit": Unit, "topic": Topic}.items()
}


def place_id(kind: str, organisation_id: int, slug: str | None) -> int | None:
    """The id of a location, unit or topic of this organisation, or a clear error."""
    if slug is None:
        return None
    found = (
        db.session.connection()
        .execute(_PLACES[kind], {"org": organisation_id, "slug": slug})
        .scalar()
    )
    if found is None:
        raise ValidationError(f"unknown_{kind}", f"Unknown {kind} '{slug}'.", kind)
    return found
