"""Loading the demo organisation: places, surveys and synthetic responses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from survey.demo.generator import generate
from survey.demo.surveys import SURVEYS
from survey.extensions import db
from survey.models import Location, Organisation, Topic, Unit
from survey.services.responses import record_many
from survey.services.surveys import create_survey

LOCATIONS = [("stadhuis", "Stadhuis"), ("stadskantoor", "Stadskantoor")]
UNITS = [
    ("dienstverlening", "Dienstverlening", None),
    ("burgerzaken", "Burgerzaken", "dienstverlening"),
    ("kcc", "Klantcontactcentrum", "dienstverlening"),
    ("fysiek", "Fysieke leefomgeving", None),
    ("vergunningen", "Vergunningen", "fysiek"),
]
TOPICS = [
    ("reisdocumenten", "Paspoort en ID-kaart", "Passport and ID card"),
    ("rijbewijs", "Rijbewijs", "Driving licence"),
    ("verhuizen", "Verhuizen", "Moving house"),
    ("uittreksels", "Uittreksels", "Extracts"),
    ("afval", "Afval", "Waste"),
    ("parkeren", "Parkeren", "Parking"),
    ("belastingen", "Belastingen", "Taxes"),
    ("zorg", "Zorg en ondersteuning", "Care and support"),
]


def demo_exists() -> bool:
    return (
        db.session.execute(select(Organisation.id).where(Organisation.slug == "demo")).first()
        is not None
    )


def load_demo(today: date, scale: float = 1.0) -> int:
    """Create 'Gemeente Voorbeeld' and its responses; returns how many responses were stored."""
    load_demo_structure()
    return record_many(generate(today, scale=scale))


def load_demo_structure() -> Organisation:
    """The demo organisation with its locations, units, topics and surveys."""
    org = Organisation(
        slug="demo",
        name="Gemeente Voorbeeld",
        allowed_origins=["http://127.0.0.1:8001", "http://localhost:8001"],
    )
    db.session.add(org)
    for slug, name in LOCATIONS:
        db.session.add(Location(organisation=org, slug=slug, name=name))
    units: dict[str, Unit] = {}
    for slug, name, parent in UNITS:
        units[slug] = Unit(organisation=org, slug=slug, name=name, parent=units.get(parent))
        db.session.add(units[slug])
    for slug, nl, en in TOPICS:
        db.session.add(Topic(organisation=org, slug=slug, name_nl=nl, name_en=en))
    for slug, name, definition, settings in SURVEYS:
        create_survey(org, slug, name, definition, settings)
    db.session.commit()
    return org
