"""The start page's summary: organisations and their surveys."""

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Organisation, Response, Survey


def public_overview() -> list[dict]:
    counts = dict(
        db.session.execute(
            select(Response.survey_id, func.count(Response.id)).group_by(Response.survey_id)
        ).all()
    )
    result = []
    for organisation in db.session.execute(
        select(Organisation).order_by(Organisation.name)
    ).scalars():
        surveys = db.session.execute(
            select(Survey).where(Survey.organisation_id == organisation.id).order_by(Survey.slug)
        ).scalars()
        result.append(
            {
                "slug": organisation.slug,
                "name": organisation.name,
                "surveys": [
                    {"slug": s.slug, "name": s.name, "responses": counts.get(s.id, 0)}
                    for s in surveys
                ],
            }
        )
    return result
