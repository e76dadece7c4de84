"""Synthetic responses with a realistic mix of channels, times, trends and reasons.

Pure: yields plain dicts for the loader to insert. Seeded, so every demo is the same.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Stream:
    """One source of responses: a channel asked through one mode with one survey."""

    survey: str
    channel: str
    mode: str
    per_month: int
    satisfied: float  # share satisfied at the start of the period
    hours: tuple[int, int]  # local opening hours [from, to)
    weekdays_only: bool
    inclusion_probability: float = 1.0


STREAMS = [
    Stream("balie", "counter", "kiosk", 560, 0.84, (9, 17), True),
    Stream("website", "website", "popup", 420, 0.58, (7, 23), False, 0.25),
    Stream("website", "website", "inline", 300, 0.64, (7, 23), False),
    Stream("telefoon", "phone", "sms", 330, 0.74, (8, 17), True, 0.3),
    Stream("contact", "email", "email", 90, 0.66, (8, 22), False, 0.5),
    Stream("contact", "contact_form", "email", 60, 0.63, (8, 22), False, 0.5),
    Stream("contact", "letter", "qr", 12, 0.62, (9, 17), True),
    Stream("contact", "social", "link", 20, 0.55, (8, 23), False),
    Stream("whatsapp", "whatsapp", "whatsapp", 110, 0.80, (8, 20), True),
]

PAGES = [
    "/paspoort-en-identiteitskaart",
    "/verhuizen",
    "/afval/ophaaldagen",
    "/parkeervergunning",
    "/rijbewijs",
    "/afspraak-maken",
    "/bijstand",
    "/melding-openbare-ruimte",
    "/contact",
    "/belastingen/woz",
    "/trouwen",
    "/vergunningen/bouwen",
]
SEARCHED = [
    "openingstijden stadskantoor",
    "hoe lang duurt een paspoort",
    "kosten parkeervergunning",
    "wanneer wordt het grofvuil opgehaald",
    "afspraak verzetten",
    "formulier verhuizing",
    "WOZ bezwaar",
    "telefoonnummer wijkteam",
]
COMMENTS_LOW = [
    "Ik moest drie keer bellen voordat iemand mij kon helpen.",
    "Beloofd dat ik teruggebeld zou worden, maar niets gehoord.",
    "Bel mij op 06-12345678 want ik heb nog steeds geen antwoord.",
    "Mail naar j.jansen@example.nl graag, ik woon op 1234 AB 5.",
    "Het duurde lang en ik werd steeds doorverbonden.",
    "Niemand wist het antwoord op mijn vraag.",
]
COMMENTS_HIGH = [
    "Vriendelijk en snel geholpen, dank!",
    "Duidelijk antwoord gekregen.",
    "Prima, de medewerker nam de tijd voor mij.",
    "Heel fijn dat dit via WhatsApp kan.",
]
COUNTER_REASONS = [
    "lang_wachten",
    "niet_in_een_keer",
    "onjuiste_informatie",
    "kastje_muur",
    "klacht",
]
PHONE_REASONS = [
    "niet_in_een_keer",
    "niet_teruggebeld",
    "vaak_doorverbonden",
    "lang_wachten",
    "onjuiste_informatie",
    "kastje_muur",
    "website_onduidelijk",
    "klacht",
]
VISIT_TOPICS = (
    ["paspoort_id"] * 77
    + ["rijbewijs"] * 9
    + ["verhuizing"] * 7
    + ["uittreksel"] * 4
    + ["anders"] * 3
)
TOPIC_FOR_VISIT = {
    "paspoort_id": "reisdocumenten",
    "rijbewijs": "rijbewijs",
    "verhuizing": "verhuizen",
    "uittreksel": "uittreksels",
    "anders": None,
}
PHONE_TOPICS = ["afval", "parkeren", "belastingen", "verhuizen", "reisdocumenten", "zorg", None]


# Fourteen months: last month's report then has the same month a year earlier to compare with
# and a full 13-month trend behind it.
DEMO_MONTHS = 14


def month_starts(today: date, months: int = DEMO_MONTHS) -> list[date]:
    """The first days of the last `months` months, the current month included."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def _moment(rng: random.Random, start: date, stream: Stream, until: datetime) -> datetime | None:
    days_in_month = ((start.replace(day=28) + timedelta(days=4)).replace(day=1) - start).days
    for _ in range(20):
        day = start + timedelta(days=rng.randrange(days_in_month))
        if stream.weekdays_only and day.weekday() >= 5:
            continue
        low, high = stream.hours
        if stream.channel == "counter" and day.weekday() == 3:
            high = 20  # late opening on Thursday
        # Busier late morning and after lunch.
        hour = min(high - 1, max(low, int(rng.triangular(low, high, low + (high - low) * 0.4))))
        local = datetime(
            day.year,
            day.month,
            day.day,
            hour,
            rng.randrange(60),
            rng.randrange(60),
            tzinfo=AMSTERDAM,
        )
        moment = local.astimezone(UTC)
        if moment < until:
            return moment
    return None


def _satisfied_probability(stream: Stream, month_index: int, moment: datetime) -> float:
    trend = 0.006 * month_index  # slow improvement over the year
    season = -0.04 if moment.month in (5, 6) else 0.0  # passport rush before the holidays
    local_hour = moment.astimezone(AMSTERDAM).hour
    rush = -0.05 if 12 <= local_hour < 14 else 0.0
    return min(0.97, max(0.05, stream.satisfied + trend + season + rush))


def _grade(rng: random.Random, satisfied: bool) -> int:
    if satisfied:
        return rng.choices([7, 8, 9, 10], weights=[30, 40, 20, 10])[0]
    return rng.choices([1, 2, 3, 4, 5, 6], weights=[8, 6, 10, 14, 27, 35])[0]


def _answers(rng: random.Random, stream: Stream, satisfied: bool) -> tuple[dict, dict]:
    """Raw answers as a front end would send them, plus envelope extras."""
    extra: dict = {}
    if stream.survey == "balie":
        answers = {"oordeel": "up" if satisfied else "down"}
        if not satisfied and rng.random() < 0.8:
            answers["reden"] = rng.sample(COUNTER_REASONS, k=rng.choice([1, 1, 2]))
        if rng.random() < 0.7:
            visit = rng.choice(VISIT_TOPICS)
            answers["onderwerp"] = visit
            extra["topic"] = TOPIC_FOR_VISIT[visit]
        extra["location"] = "stadhuis" if rng.random() < 0.6 else "stadskantoor"
        extra["unit"] = "burgerzaken"
        return answers, extra
    if stream.survey == "website":
        answers = {"geholpen": "yes" if satisfied else "no"}
        if rng.random() < 0.6:
            answers["makkelijk"] = "yes" if rng.random() < (0.8 if satisfied else 0.35) else "no"
            answers["duidelijk"] = "yes" if rng.random() < (0.85 if satisfied else 0.4) else "no"
        if not satisfied and rng.random() < 0.5:
            answers["gezocht"] = rng.choice(SEARCHED)
        page = rng.choice(PAGES)
        extra["page_path"] = page + ("?zoek=test&email=a@b.nl" if rng.random() < 0.05 else "")
        return answers, extra
    if stream.survey in ("telefoon", "contact"):
        grade = _grade(rng, satisfied)
        answers = {"cijfer": grade}
        if grade <= 6 and rng.random() < 0.85:
            answers["reden"] = rng.sample(PHONE_REASONS, k=rng.choice([1, 1, 2, 3]))
            if rng.random() < 0.05:
                answers["reden"] = {
                    "selected": answers["reden"] + ["other"],
                    "other": "Het loket was dicht",
                }
            if stream.survey == "telefoon":
                answers["afhandeling"] = rng.choice(
                    ["direct", "doorverbonden", "doorverbonden", "teruggebeld"]
                )
        if rng.random() < 0.8:
            answers["in_een_keer"] = "yes" if rng.random() < (0.9 if satisfied else 0.35) else "no"
        if rng.random() < 0.12:
            answers["toelichting"] = rng.choice(COMMENTS_HIGH if satisfied else COMMENTS_LOW)
        extra["unit"] = "kcc"
        extra["topic"] = rng.choice(PHONE_TOPICS)
        return answers, extra
    # WhatsApp
    answers = {"oordeel": "up" if satisfied else "down"}
    if rng.random() < 0.75:
        if satisfied:
            answers["aanbevelen"] = rng.choices(range(5, 11), weights=[2, 4, 12, 20, 30, 32])[0]
        else:
            answers["aanbevelen"] = rng.choices(
                range(0, 9), weights=[6, 4, 8, 10, 12, 18, 20, 14, 8]
            )[0]
    if rng.random() < 0.1:
        answers["toelichting"] = rng.choice(COMMENTS_HIGH if satisfied else COMMENTS_LOW)
    extra["unit"] = "kcc"
    return answers, extra


def generate(today: date, organisation: str = "demo", seed: int = 2026, scale: float = 1.0):
    """Yield submission payloads for the demo's months up to `today`, oldest month first."""
    rng = random.Random(seed)
    until = datetime(today.year, today.month, today.day, tzinfo=AMSTERDAM).astimezone(UTC)
    for month_index, start in enumerate(month_starts(today)):
        for stream in STREAMS:
            volume = int(stream.per_month * scale * rng.uniform(0.85, 1.15))
            if start.month in (5, 6) and stream.channel == "counter":
                volume = int(volume * 1.4)
            for _ in range(volume):
                moment = _moment(rng, start, stream, until)
                if moment is None:
                    continue
                satisfied = rng.random() < _satisfied_probability(stream, month_index, moment)
                answers, extra = _answers(rng, stream, satisfied)
                payload = {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "organisation": organisation,
                    "survey": stream.survey,
                    "contact_channel": stream.channel,
                    "survey_mode": stream.mode,
                    "language": "en" if rng.random() < 0.04 else "nl",
                    "submitted_at": moment.isoformat(),
                    "started_at": (moment - timedelta(seconds=rng.randint(3, 90))).isoformat(),
                    "inclusion_probability": stream.inclusion_probability,
                    "answers": answers,
                }
                if stream.channel not in ("counter", "website"):
                    hours_before = rng.uniform(0.2, 30)
                    payload["contact_at"] = (moment - timedelta(hours=hours_before)).isoformat()
                payload.update({k: v for k, v in extra.items() if v is not None})
                yield payload
