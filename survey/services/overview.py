"""The start page's summary: organisations and their surveys."""

from itertools import groupby

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Organisation, Response, Survey


def public_overview() -> list[dict]:
    """Every organisation with its surveys and response counts, in two queries."""
    counts = dict(
        db.session.execute(
            select(Response.survey_id, func.count(Response.id)).group_by(Response.survey_id)
        ).all()
    )
    rows = db.session.execute(
        select(Organisation.id, Organisation.slug, Organisation.name, Survey.id, Survey.slug,
               Survey.name)
        .outerjoin(Survey, Survey.organisation_id == Organisation.id)
        .order_by(Organisation.name, Organisation.id, Survey.slug)
    ).all()
    return [
        {
            "slug": org_slug,
            "name": org_name,
            "surveys": [
                {"slug": r[4], "name": r[5], "responses": counts.get(r[3], 0)}
                for r in group
                if r[3] is not None
            ],
        }
        for (_, org_slug, org_name), group in groupby(rows, key=lambda r: r[:3])
    ]
