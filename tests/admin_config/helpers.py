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


def config_ids(organisation_id: int) -> dict[str, int]:
    """One location, unit, topic, survey, kiosk device and target of an organisation, by the
    URL parameter names of the configuration pages (for the route × role matrix)."""
    from survey.models import Device, ReportTarget

    with unit_of_work() as session:
        location = Location(organisation_id=organisation_id, slug="plek", name="Plek")
        unit = Unit(organisation_id=organisation_id, slug="team", name="Team")
        topic = Topic(organisation_id=organisation_id, slug="ding", name_nl="Ding", name_en="Thing")
        survey = Survey(organisation_id=organisation_id, slug="vragen", name="Vragen", settings={})
        session.add_all([location, unit, topic, survey])
        session.flush()
        device = Device(organisation_id=organisation_id, survey_id=survey.id, name="Tablet",
                        settings={})
        target = ReportTarget(organisation_id=organisation_id, share=0.9, label_nl="Doel",
                              label_en="Target")
        session.add_all([device, target])
        session.flush()
        return {
            "location_id": location.id,
            "unit_id": unit.id,
            "topic_id": topic.id,
            "survey_id": survey.id,
            "device_id": device.id,
            "target_id": target.id,
        }
