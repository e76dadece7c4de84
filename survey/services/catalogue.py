"""Looking up organisations, surveys, versions and places for the ingest path.

Parsed definitions are cached per version for ever (versions never change). Which version is
the newest, and the ids behind location, unit and topic codes, are cached per process for a
few seconds, as are a survey's settings: a response may be validated against the previous
version for that long after an edit, and it records the version it was checked against.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import bindparam, select

from survey.domain import SurveyDefinition
from survey.errors import Invalid
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


class _Recent:
    """A small per-process cache whose entries expire after a few seconds."""

    def __init__(self, seconds: float, size: int = 4096):
        self.seconds = seconds
        self.size = size
        self.entries: dict = {}
        self.lock = threading.Lock()

    def get(self, key):
        entry = self.entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key, value) -> None:
        with self.lock:
            if len(self.entries) >= self.size:
                self.entries.clear()
            self.entries[key] = (time.monotonic() + self.seconds, value)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_recent = _Recent(LOOKUP_SECONDS)


_names: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _database() -> str:
    """The current database, as part of cache keys (tests and tools use several)."""
    engine = db.engine
    name = _names.get(engine)
    if name is None:
        name = _names[engine] = str(engine.url)
    return name


def find_survey_version(org_slug: str, survey_slug: str, number: int | None) -> SurveyRef:
    """The requested version of a survey, or its newest; a clear error when there is none."""
    key = ("version", _database(), org_slug, survey_slug, number)
    found = _recent.get(key)
    if found is None:
        found = _find_survey_version(org_slug, survey_slug, number)
        _recent.put(key, found)
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
    return _cached_definition(_database(), version_id)


@lru_cache(maxsize=512)
def _cached_definition(_database: str, version_id: int) -> SurveyDefinition:
    version = db.session.get(SurveyVersion, version_id)
    return SurveyDefinition.from_dict(version.definition)


def clear_cache() -> None:
    """Forget cached lookups in this process (after an edit, or between tests)."""
    _cached_definition.cache_clear()
    _recent.clear()


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
    key = (kind, _database(), organisation_id, slug)
    found = _recent.get(key)
    if found is None:
        found = (
            db.session.connection()
            .execute(_PLACES[kind], {"org": organisation_id, "slug": slug})
            .scalar()
        )
        if found is None:
            raise Invalid(f"unknown_{kind}", f"Unknown {kind} '{slug}'.", kind)
        _recent.put(key, found)
    return found


_SETTINGS = select(Survey.settings).where(Survey.id == bindparam("survey"))


def survey_settings(survey_id: int) -> dict:
    """A survey's settings (widget, kiosk), as stored."""
    key = ("settings", _database(), survey_id)
    found = _recent.get(key)
    if found is None:
        found = db.session.connection().execute(_SETTINGS, {"survey": survey_id}).scalar() or {}
        _recent.put(key, found)
    return found
