"""Three organisations for comparison tests: demo (the report tests' October 2026 plus
WhatsApp NPS answers), 'tweede' (known small numbers) and 'derde' (invited, never agreed)."""

from __future__ import annotations

from survey.database import unit_of_work
from survey.demo.surveys import SURVEYS
from survey.extensions import db
from survey.models import Organisation
from survey.services import comparisons
from survey.services.responses import record_many
from survey.services.surveys import create_survey
from survey.services.volumes import set_volume
from tests.opendata.helpers import load_with_nps
from tests.reports.data import october, payload

PASSWORD = "a long password"


def organisation(slug: str, name: str) -> Organisation:
    with unit_of_work():
        org = Organisation(slug=slug, name=name, allowed_origins=[])
        db.session.add(org)
        for code, title, definition, settings in SURVEYS:
            create_survey(org, code, title, definition, settings)
    return org


def load_tweede() -> None:
    """Counter 15 of 20 satisfied (p=1); phone 8 responses (below the threshold) with a
    comment; WhatsApp 12 answers: 3 promoters, 3 passives, 6 detractors → NPS -25."""
    payloads = []
    for i in range(20):
        payloads.append(payload("counter", "balie", "kiosk", 1.0,
                                {"oordeel": "up" if i < 15 else "down"}, october(1 + i),
                                organisation="tweede"))
    for i in range(8):
        answers = {"cijfer": 8, "toelichting": "Geheim van Tweede: bel 06-87654321"}
        payloads.append(payload("phone", "telefoon", "sms", 1.0, answers, october(2 + i),
                                organisation="tweede"))
    for i, score in enumerate([10] * 3 + [8] * 3 + [2] * 6):
        payloads.append(payload("whatsapp", "whatsapp", "whatsapp", 1.0,
                                {"oordeel": "up" if score > 5 else "down", "aanbevelen": score},
                                october(4 + i), organisation="tweede"))
    record_many(payloads)
    for channel, count in {"counter": 500, "phone": 100, "whatsapp": 100}.items():
        set_volume("tweede", "2026-10", channel, count)


def three_organisations():
    """demo and tweede take part in 'regio'; derde is invited but never agreed. Returns the
    group's id."""
    load_with_nps()
    organisation("tweede", "Gemeente Tweede")
    organisation("derde", "Gemeente Derde")
    load_tweede()
    group = comparisons.create_group("regio", "Regio Voorbeeld")
    for code in ("demo", "tweede", "derde"):
        comparisons.invite("regio", code)
    from survey.models import ComparisonMember, User

    for code in ("demo", "tweede"):
        org = db.session.query(Organisation).filter_by(slug=code).one()
        with unit_of_work():
            actor = User(email=f"boss@{code}.nl", password_hash="")
            db.session.add(actor)
        comparisons.join(actor, org.id, group.id)
    assert db.session.query(ComparisonMember).count() == 3
    return group.id
