"""A small, fully known month of responses for report tests (October 2026)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from survey.services.responses import record_many
from survey.services.volumes import set_volume

MONTH = "2026-10"
# (channel, survey, mode, inclusion probability, satisfied answers, dissatisfied answers)
COUNTER = ("counter", "balie", "kiosk", 1.0)
PHONE = ("phone", "telefoon", "sms", 0.5)
VOLUMES = {"counter": 300, "phone": 600, "letter": 40}


def payload(channel, survey, mode, p, answers, moment, **extra) -> dict:
    data = {
        "id": str(uuid.uuid4()),
        "organisation": "demo",
        "survey": survey,
        "contact_channel": channel,
        "survey_mode": mode,
        "submitted_at": moment.isoformat(),
        "inclusion_probability": p,
        "answers": answers,
    }
    data.update(extra)
    return data


def october(day: int, hour: int = 10) -> datetime:
    # 10:00 UTC is 12:00 in Amsterdam in October (summer time until the 25th).
    return datetime(2026, 10, day, hour, 0, tzinfo=UTC)


def load_month(with_volumes: bool = True) -> dict:
    """Counter 37/40 up; phone 20 at p=0.5 (14 grade>=7) and 20 at p=1 (10 grade>=7);
    letter 5 responses (suppressed) with a comment; September: counter 30/40 up."""
    payloads, truth = [], {"counter": [], "phone": []}
    for i in range(40):
        up = i < 37
        payloads.append(
            payload(
                *COUNTER,
                {"oordeel": "up" if up else "down"},
                october(1 + i % 28),
                location="stadhuis" if i % 2 else "stadskantoor",
            )
        )
        truth["counter"].append((1.0, 1.0 if up else 0.0))
    for i in range(40):
        p = 0.5 if i < 20 else 1.0
        good = (i < 14) if i < 20 else (i < 30)
        grade = 8 if good else 4
        answers = {"cijfer": grade, "in_een_keer": "yes" if good else "no"}
        if i == 0:
            answers["toelichting"] = "Bel mij op 06-12345678, mail j.jansen@example.nl"
        payloads.append(payload("phone", "telefoon", "sms", p, answers, october(2 + i % 20)))
        truth["phone"].append((p, 1.0 if good else 0.0))
    for i in range(5):
        answers = {"cijfer": 3, "toelichting": f"Geheime brief opmerking {i}"}
        payloads.append(payload("letter", "contact", "qr", 1.0, answers, october(5 + i)))
    september = datetime(2026, 9, 10, 9, tzinfo=UTC)
    for i in range(40):
        payloads.append(
            payload(
                *COUNTER, {"oordeel": "up" if i < 30 else "down"}, september + timedelta(hours=i)
            )
        )
    record_many(payloads)
    if with_volumes:
        for channel, count in VOLUMES.items():
            set_volume("demo", MONTH, channel, count)
    return truth
