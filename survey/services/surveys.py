"""Creating surveys and saving their definitions as immutable versions."""

from __future__ import annotations

from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain.definition import parse_definition
from survey.extensions import db
from survey.models import Organisation, Survey, SurveyVersion
from survey.services import catalogue


def create_survey(
    organisation: Organisation, slug: str, name: str, definition: dict, settings: dict | None = None
) -> Survey:
    """A new survey with its first version, written in the caller's unit of work."""
    parse_definition(definition)
    survey = Survey(organisation=organisation, slug=slug, name=name, settings=settings or {})
    db.session.add(survey)
    db.session.add(SurveyVersion(survey=survey, number=1, definition=definition))
    db.session.flush()
    return survey


def save_definition(survey: Survey, definition: dict) -> SurveyVersion:
    """Store an edited definition as a new version; stored versions never change.

    Answers keep pointing at the version they were given to, and every process may cache
    a parsed version forever.
    """
    parse_definition(definition)
    with unit_of_work() as session:
        current = survey.current_version  # read under the write lock: numbers never clash
        if current is not None and current.definition == definition:
            return current
        number = current.number + 1 if current else 1
        version = SurveyVersion(survey=survey, number=number, definition=definition)
        session.add(version)
    catalogue.clear_cache()  # this process uses the new version at once, others within seconds
    return version


def public_config(org_slug: str, survey_slug: str) -> dict | None:
    """What a front end needs to show a survey: its newest questions and its settings."""
    row = db.session.execute(
        select(Survey)
        .join(Organisation)
        .where(Organisation.slug == org_slug, Survey.slug == survey_slug)
    ).scalar_one_or_none()
    if row is None or row.current_version is None:
        return None
    version = row.current_version
    return {
        "organisation": org_slug,
        "survey": survey_slug,
        "name": row.name,
        "version": version.number,
        "definition": version.definition,
        "settings": row.settings,
    }
