"""The envelope of a submitted response: parsed and checked before any survey lookup."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from survey.domain.channels import CONTACT_CHANNELS, LANGUAGES, SURVEY_MODES
from survey.domain.errors import ValidationError
from survey.domain.widget import (
    PRESENTATIONS,
    TRIGGERS,
    check_presentation,
    clean_visitor,
    optional_code,
)

FIELDS = {
    "id",
    "organisation",
    "survey",
    "version",
    "contact_channel",
    "survey_mode",
    "location",
    "unit",
    "topic",
    "language",
    "page_path",
    "contact_at",
    "started_at",
    "submitted_at",
    "inclusion_probability",
    "answers",
    # Website widget: how it was shown, what made it appear, the browser's random id.
    "trigger",
    "presentation",
    "visitor",
}
MAX_AGE = timedelta(days=400)
PAGE_PATH_MAX = 500
MAX_ID = 2**63 - 1  # database ids are 64-bit integers
MAX_VERSION = 2**31 - 1  # survey version numbers are 32-bit integers


@dataclass(frozen=True)
class Submission:
    uuid: uuid.UUID
    organisation: str
    survey: str
    version: int | None
    contact_channel: str
    survey_mode: str
    submitted_at: datetime
    answers: dict
    payload_hash: str
    location: str | None = None
    unit: str | None = None
    topic: str | None = None
    language: str = "nl"
    page_path: str | None = None
    contact_at: datetime | None = None
    started_at: datetime | None = None
    inclusion_probability: float | None = None  # as sent; the channel settles what counts
    extra: dict = field(default_factory=dict)
    trigger: str | None = None
    presentation: str | None = None
    visitor: str | None = None
    # The client's own submitted_at when its clock ran ahead and the server corrected it.
    client_submitted_at: datetime | None = None


def payload_hash(payload: dict) -> str:
    """A stable fingerprint of a payload: the same JSON in any key order hashes the same."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _slug(payload: dict, name: str, required: bool = False) -> str | None:
    value = payload.get(name)
    if value is None:
        if required:
            raise ValidationError("missing_field", f"'{name}' is required.", name)
        return None
    if not isinstance(value, str) or not 0 < len(value) <= 40:
        raise ValidationError("wrong_type", f"'{name}' must be a short text code.", name)
    return value


def _one_of(payload: dict, name: str, allowed, default=None) -> str:
    value = payload.get(name, default)
    if value is None:
        raise ValidationError("missing_field", f"'{name}' is required.", name)
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(
            "invalid_value", f"'{name}' must be one of {', '.join(allowed)}.", name
        )
    return value


def _timestamp(
    payload: dict, name: str, now: datetime, max_age: timedelta | None
) -> datetime | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise ValidationError("wrong_type", f"'{name}' must be an ISO 8601 timestamp.", name)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            "wrong_type", f"'{name}' must be an ISO 8601 timestamp.", name
        ) from None
    if moment.tzinfo is None:
        raise ValidationError("wrong_type", f"'{name}' needs a time zone (e.g. Z).", name)
    if max_age is not None and moment < now - max_age:
        raise ValidationError(
            "invalid_value", f"'{name}' is more than {max_age.days} days ago.", name
        )
    return moment


def correct_clock(
    times: dict[str, datetime | None], now: datetime, skew: timedelta
) -> tuple[dict[str, datetime | None], timedelta]:
    """A client's times moved back together when the latest lies more than `skew` ahead of
    `now`: its clock runs fast, and the answer is kept with the times it would have had
    (the latest becomes `now`; their order and distances stay). Returns the times and the
    correction (zero when none was needed)."""
    latest = max((t for t in times.values() if t is not None), default=None)
    if latest is None or latest <= now + skew:
        return times, timedelta(0)
    ahead = latest - now
    moved = {}
    for name, moment in times.items():
        try:
            moved[name] = None if moment is None else moment - ahead
        except OverflowError:  # years apart from the latest: not a clock running fast
            raise ValidationError(
                "invalid_value", f"'{name}' lies too far from the response's other times.", name
            ) from None
    return moved, ahead


def clean_page_path(raw) -> str | None:
    """Keep only the path of a page: query strings and fragments can hold personal data."""
    if raw is None:
        return None
    if not isinstance(raw, str) or len(raw) > 2000:
        raise ValidationError("wrong_type", "'page_path' must be a URL path.", "page_path")
    path = urlsplit(raw.strip()).path or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path[:PAGE_PATH_MAX]


def parse_submission(
    payload,
    now: datetime,
    skew: timedelta = timedelta(minutes=5),
    max_age: timedelta | None = MAX_AGE,
) -> Submission:
    """Check the envelope of a response and return it as plain values.

    Timestamps may lie at most `max_age` in the past (None: no limit, for trusted imports of
    older data). A client whose latest time lies more than `skew` in the future has a fast
    clock: its times are moved back together (correct_clock), never refused, and its own
    `submitted_at` is kept in `client_submitted_at`.
    """
    if not isinstance(payload, dict):
        raise ValidationError("wrong_type", "The body must be a JSON object.")
    unknown = sorted(set(payload) - FIELDS)
    if unknown:
        raise ValidationError("unknown_field", f"Unknown field '{unknown[0][:40]}'.", unknown[0])
    raw_id = payload.get("id")
    if not isinstance(raw_id, str):
        raise ValidationError("missing_field", "'id' must be a UUID made by the client.", "id")
    try:
        response_uuid = uuid.UUID(raw_id)
    except ValueError:
        raise ValidationError("wrong_type", "'id' must be a UUID.", "id") from None
    version = payload.get("version")
    if version is not None and (
        isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION
    ):
        raise ValidationError("wrong_type", "'version' must be a positive whole number.", "version")
    probability = payload.get("inclusion_probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, int | float):
        raise ValidationError(
            "wrong_type", "'inclusion_probability' must be a number.", "inclusion_probability"
        )
    if not 0 < probability <= 1:
        raise ValidationError(
            "invalid_value",
            "'inclusion_probability' must be above 0 and at most 1.",
            "inclusion_probability",
        )
    claimed = {
        name: _timestamp(payload, name, now, max_age)
        for name in ("submitted_at", "started_at", "contact_at")
    }
    times, ahead = correct_clock(claimed, now, skew)
    submitted_at = times["submitted_at"] or now
    started_at = times["started_at"]
    if started_at and started_at > submitted_at:
        raise ValidationError(
            "invalid_value", "'started_at' is after 'submitted_at'.", "started_at"
        )
    if "answers" not in payload:
        raise ValidationError("missing_field", "'answers' is required.", "answers")
    survey_mode = _one_of(payload, "survey_mode", SURVEY_MODES)
    presentation = optional_code(payload, "presentation", PRESENTATIONS)
    check_presentation(presentation, survey_mode)
    return Submission(
        uuid=response_uuid,
        organisation=_slug(payload, "organisation", required=True),
        survey=_slug(payload, "survey", required=True),
        version=version,
        contact_channel=_one_of(payload, "contact_channel", CONTACT_CHANNELS),
        survey_mode=survey_mode,
        location=_slug(payload, "location"),
        unit=_slug(payload, "unit"),
        topic=_slug(payload, "topic"),
        language=_one_of(payload, "language", LANGUAGES, default="nl"),
        page_path=clean_page_path(payload.get("page_path")),
        contact_at=times["contact_at"],
        started_at=started_at,
        submitted_at=submitted_at,
        inclusion_probability=(
            float(probability) if "inclusion_probability" in payload else None
        ),
        answers=payload["answers"],
        payload_hash=payload_hash(payload),
        trigger=optional_code(payload, "trigger", TRIGGERS),
        presentation=presentation,
        visitor=clean_visitor(payload.get("visitor")),
        client_submitted_at=claimed["submitted_at"] if ahead else None,
    )
