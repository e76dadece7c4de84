"""Loading the demo organisation: places, surveys and synthetic responses."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from survey.database import unit_of_work
from survey.demo.generator import generate, month_starts
from survey.demo.surveys import SURVEYS
from survey.extensions import db
from survey.models import Location, Organisation, ReportTarget, Topic, Unit
from survey.services.responses import record_many
from survey.services.rules import seed_demo_rules
from survey.services.surveys import create_survey
from survey.services.volumes import set_volume

LOCATIONS = [("stadhuis", "Stadhuis"), ("stadskantoor", "Stadskantoor")]
# Counter opening hours (local time): weekdays, Thursday evening at the town hall.
_DAY = [["08:30", "12:30"], ["13:30", "17:00"]]
OPENING_HOURS = {
    "stadhuis": {**{d: _DAY for d in ("mon", "tue", "wed", "fri")},
                 "thu": [["08:30", "12:30"], ["13:30", "20:00"]]},
    "stadskantoor": {d: [["09:00", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
}
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


def allow_demo_site(origin: str) -> bool:
    """Put a demo website's origin on the demo organisation's allow-list; True if added."""
    origin = origin.rstrip("/")
    with unit_of_work() as session:
        org = session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
        if origin in (org.allowed_origins or []):
            return False
        org.allowed_origins = [*(org.allowed_origins or []), origin]
    return True


def demo_exists() -> bool:
    return (
        db.session.execute(select(Organisation.id).where(Organisation.slug == "demo")).first()
        is not None
    )


def load_demo(today: date, scale: float = 1.0, reports: bool = True) -> int:
    """Create 'Gemeente Voorbeeld' and its responses, and (``reports``) build its monthly
    reports of the months before ``today``, so the staff pages show them at once;
    returns how many responses were stored."""
    load_demo_structure()
    load_demo_volumes(today)
    stored = record_many(generate(today, scale=scale))
    if reports:
        from survey.services.reports import catch_up

        catch_up(today, "demo", send=False)
    return stored


# Contacts per channel in an ordinary month: far more than the responses.
CONTACTS = {
    "counter": 6000,
    "phone": 9000,
    "email": 2400,
    "contact_form": 1500,
    "letter": 300,
    "whatsapp": 1300,
    "website": 60000,
    "social": 450,
}
TARGETS = [
    (None, None, 0.90, "90% tevreden (alle kanalen)", "90% satisfied (all channels)"),
    ("in_een_keer", None, 0.80, "80% in één keer geholpen", "80% helped in one go"),
]


def load_demo_volumes(today: date) -> None:
    """Contact volumes for the demo's 14 months (seeded, with the passport rush in May-June)."""
    rng = random.Random(2026)
    for start in month_starts(today):
        for channel, base in CONTACTS.items():
            count = base * rng.uniform(0.9, 1.1)
            if start.month in (5, 6) and channel == "counter":
                count *= 1.4
            set_volume("demo", start, channel, round(count))


def load_demo_structure() -> Organisation:
    """The demo organisation with its locations, units, topics and surveys."""
    with unit_of_work():
        org = Organisation(
            slug="demo",
            name="Gemeente Voorbeeld",
            allowed_origins=["http://127.0.0.1:8001", "http://localhost:8001"],
            complaint_url="https://www.voorbeeld.nl/klacht",
        )
        db.session.add(org)
        for slug, name in LOCATIONS:
            db.session.add(Location(organisation=org, slug=slug, name=name,
                                    opening_hours=OPENING_HOURS.get(slug, {})))
        units: dict[str, Unit] = {}
        for slug, name, parent in UNITS:
            units[slug] = Unit(organisation=org, slug=slug, name=name, parent=units.get(parent),
                               inbox_email=f"{slug}@voorbeeld.nl")
            db.session.add(units[slug])
        for slug, nl, en in TOPICS:
            db.session.add(Topic(organisation=org, slug=slug, name_nl=nl, name_en=en))
        for slug, name, definition, settings in SURVEYS:
            create_survey(org, slug, name, definition, settings)
        for question, channel, share, nl, en in TARGETS:
            db.session.add(
                ReportTarget(
                    organisation=org,
                    measure="yes_share" if question else "satisfied",
                    question_key=question,
                    contact_channel=channel,
                    share=share,
                    label_nl=nl,
                    label_en=en,
                )
            )
    seed_demo_rules(org.slug)
    return org
