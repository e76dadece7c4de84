"""October 2026 of the report tests (tests/reports/data.py) plus WhatsApp answers with an NPS."""

from __future__ import annotations

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation
from survey.services.responses import record_many
from survey.services.volumes import set_volume
from tests.reports.data import load_month, october, payload

# (recommendation score, thumbs up) for 24 WhatsApp answers: 12 promoters, 6 passives,
# 6 detractors → NPS +25; 18 of 24 satisfied.
WHATSAPP = [(9, True)] * 12 + [(7, True)] * 6 + [(3, False)] * 6


def load_with_nps(org: str = "demo") -> None:
    load_month()
    payloads = [
        payload(
            "whatsapp", "whatsapp", "whatsapp", 1.0,
            {"oordeel": "up" if up else "down", "aanbevelen": score}, october(3 + i % 20),
        )
        for i, (score, up) in enumerate(WHATSAPP)
    ]  # fmt: skip
    record_many(payloads)
    set_volume(org, "2026-10", "whatsapp", 240)


def publish(slug: str = "demo", on: bool = True) -> None:
    with unit_of_work():
        db.session.query(Organisation).filter_by(slug=slug).one().open_data = on
