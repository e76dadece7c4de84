"""Raw response export for an organisation: one flat record per response."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import aliased

from survey.extensions import db
from survey.models import Answer, Location, Response, Survey, SurveyVersion, Topic, Unit
from survey.services import catalogue

BASE_COLUMNS = [
    "id",
    "uuid",
    "survey",
    "version",
    "contact_channel",
    "survey_mode",
    "location",
    "unit",
    "topic",
    "language",
    "page_path",
    "trigger",
    "presentation",
    "contact_at",
    "started_at",
    "submitted_at",
    "received_at",
    "inclusion_probability",
    "suspect",
    "suspect_reason",
    "headline_score",
    "satisfied",
]
BATCH = 1000


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def iter_responses(
    organisation_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
    survey_slug: str | None = None,
) -> Iterator[dict]:
    """Responses with their answers, oldest first, in batches so memory stays flat."""
    loc, unit, topic = aliased(Location), aliased(Unit), aliased(Topic)
    query = (
        select(Response, Survey.slug, SurveyVersion.number, loc.slug, unit.slug, topic.slug)
        .join(Survey, Survey.id == Response.survey_id)
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .outerjoin(loc, loc.id == Response.location_id)
        .outerjoin(unit, unit.id == Response.unit_id)
        .outerjoin(topic, topic.id == Response.topic_id)
        .where(Response.organisation_id == organisation_id)
        .order_by(Response.id)
    )
    if since:
        query = query.where(Response.submitted_at >= since)
    if until:
        query = query.where(Response.submitted_at < until)
    if survey_slug:
        query = query.where(Survey.slug == survey_slug)
    last_id = 0
    while True:
        batch = db.session.execute(query.where(Response.id > last_id).limit(BATCH)).all()
        if not batch:
            return
        ids = [row[0].id for row in batch]
        answers = _answers_for(batch)
        for response, survey, version, location, unit_slug, topic_slug in batch:
            yield {
                "id": response.id,
                "uuid": str(response.uuid),
                "survey": survey,
                "version": version,
                "contact_channel": response.contact_channel,
                "survey_mode": response.survey_mode,
                "location": location,
                "unit": unit_slug,
                "topic": topic_slug,
                "language": response.language,
                "page_path": response.page_path,
                "trigger": response.trigger,
                "presentation": response.presentation,
                "contact_at": _iso(response.contact_at),
                "started_at": _iso(response.started_at),
                "submitted_at": _iso(response.submitted_at),
                "received_at": _iso(response.received_at),
                "inclusion_probability": response.inclusion_probability,
                "suspect": response.suspect,
                "suspect_reason": response.suspect_reason,
                "headline_score": response.headline_score,
                "satisfied": response.satisfied,
                "answers": answers.get(response.id, {}),
            }
        last_id = ids[-1]
        db.session.expunge_all()


def _answers_for(batch) -> dict[int, dict]:
    versions = {row[0].id: row[0].survey_version_id for row in batch}
    response_ids = list(versions)
    rows = db.session.execute(
        select(Answer.response_id, Answer.question_key, Answer.number, Answer.option, Answer.text)
        .where(Answer.response_id.in_(response_ids))
        .order_by(Answer.response_id, Answer.id)
    ).all()
    result: dict[int, dict] = {}
    for response_id, group in groupby(rows, key=lambda r: r.response_id):
        answers: dict = {}
        for row in group:
            if row.number is not None:
                answers[row.question_key] = row.number
            elif row.option is not None:
                answers.setdefault(row.question_key, []).append(row.option)
                if row.text:
                    answers[f"{row.question_key}_other"] = row.text
            else:
                answers[row.question_key] = row.text
        definition = catalogue.definition_for(versions[response_id])
        result[response_id] = {key: _shape(definition, key, v) for key, v in answers.items()}
    return result


def _shape(definition, key: str, value):
    """A single choice is one code; a multiple choice stays a list, even of one."""
    question = definition.question(key)
    if isinstance(value, list) and question is not None and not question.multiple:
        return value[0]
    return value


def question_keys(organisation_id: int, survey_slug: str | None = None) -> list[str]:
    """Every question key of the organisation's (or one survey's) versions, in survey order."""
    query = (
        select(SurveyVersion.definition)
        .join(Survey)
        .where(Survey.organisation_id == organisation_id)
        .order_by(Survey.id, SurveyVersion.number)
    )
    if survey_slug:
        query = query.where(Survey.slug == survey_slug)
    keys: dict[str, None] = {}  # ordered set
    for definition in db.session.execute(query).scalars():
        for question in definition["questions"]:
            keys[question["key"]] = None
            if question.get("allow_other"):
                keys[f"{question['key']}_other"] = None
    return list(keys)
