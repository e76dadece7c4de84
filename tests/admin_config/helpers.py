"""A second organisation, for checks that one organisation never reaches another's rows."""

from __future__ import annotations

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Location, Organisation, Survey, Topic, Unit
from survey.services.catalogue import organisation


def demo_id() -> int:
    return organisation("demo").id


def other_org() -> dict[str, int]:
    """Organisation 'elders' with one location, unit, topic and survey: their ids."""
    with unit_of_work():
        org = Organisation(slug="elders", name="Gemeente Elders", allowed_origins=[])
        db.session.add(org)
        location = Location(organisation=org, slug="raadhuis", name="Raadhuis")
        unit = Unit(organisation=org, slug="kcc", name="KCC")
        topic = Topic(organisation=org, slug="afval", name_nl="Afval", name_en="Waste")
        survey = Survey(organisation=org, slug="balie", name="Balie", settings={})
        db.session.add_all([location, unit, topic, survey])
        db.session.flush()
        return {
            "org": org.id,
            "location": location.id,
            "unit": unit.id,
            "topic": topic.id,
            "survey": survey.id,
        }
