"""Looking up organisations, surveys, versions and places for the ingest path.

Parsed definitions are cached per version for ever (versions never change). Which version is
the newest, and the ids behind location, unit and topic codes, are cached per process for a
few seconds, as are a survey's settings: a response may be validated against the previous
version for that long after an edit, and it records the version it was checked against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from survey.caches import cache
from survey.caches import clear as clear_caches
from survey.domain import SurveyDefinition
from survey.errors import Invalid, NotFound
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


LOOKUP_SECONDS = 5.0


def organisation(slug: str) -> Organisation:
    """The organisation with this code, or NotFound (not cached: for staff and device writes)."""
    found = db.session.execute(
        select(Organisation).where(Organisation.slug == slug)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("unknown_organisation", f"Unknown organisation '{slug}'.", "organisation")
    return found


def find_survey_version(org_slug: str, survey_slug: str, number: int | None) -> SurveyRef:
    """The requested version of a survey, or its newest; a clear error when there is none."""
    recent = cache("kto.lookups")
    key = ("version", org_slug, survey_slug, number)
    found = recent.get(key)
    if found is None:
        found = _find_survey_version(org_slug, survey_slug, number)
        recent.put(key, found, LOOKUP_SECONDS)
    return found


def _find_survey_version(org_slug: str, survey_slug: str, number: int | None) -> SurveyRef:
    params = {"org": org_slug, "survey": survey_slug}
    if number is None:
        row = db.session.connection().execute(_NEWEST_VERSION, params).first()
    else:
        row = db.session.connection().execute(_NUMBERED_VERSION, {**params, "number": number})
        row = row.first()
    if row is None:
        if number is not None and _survey_exists(org_slug, survey_slug):
            raise Invalid(
                "unknown_version", f"Survey '{survey_slug}' has no version {number}.", "version"
            )
        raise Invalid(
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
    definitions = cache("kto.definitions")
    found = definitions.get(version_id)
    if found is None:
        version = db.session.get(SurveyVersion, version_id)
        found = SurveyDefinition.from_dict(version.definition)
        definitions.put(version_id, found, math.inf)
    return found


def clear_cache() -> None:
    """Forget this app's cached lookups in this process (after an edit, or between tests)."""
    clear_caches("kto.lookups", "kto.definitions")


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
    recent = cache("kto.lookups")
    key = (kind, organisation_id, slug)
    found = recent.get(key)
    if found is None:
        found = (
            db.session.connection()
            .execute(_PLACES[kind], {"org": organisation_id, "slug": slug})
            .scalar()
        )
        if found is None:
            raise Invalid(f"unknown_{kind}", f"Unknown {kind} '{slug}'.", kind)
        recent.put(key, found, LOOKUP_SECONDS)
    return found


_SETTINGS = select(Survey.settings).where(Survey.id == bindparam("survey"))


def survey_settings(survey_id: int) -> dict:
    """A survey's settings (widget, kiosk), as stored."""
    recent = cache("kto.lookups")
    key = ("settings", survey_id)
    found = recent.get(key)
    if found is None:
        found = db.session.connection().execute(_SETTINGS, {"survey": survey_id}).scalar() or {}
        recent.put(key, found, LOOKUP_SECONDS)
    return found
