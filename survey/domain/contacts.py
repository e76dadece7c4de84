"""A contact as an organisation reports it (API or CSV): parsed and checked, nothing looked up.

Every text field is single-line: CR, LF and other control characters are refused in every
field, since some of them end up in message headers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from survey.domain.addresses import Phone, check_text, normalise_email, parse_phone
from survey.domain.channels import CONTACT_CHANNELS, LANGUAGES
from survey.domain.errors import ValidationError

HANDLINGS = ("first_line", "transferred", "callback_promised")
FIELDS = {
    "id",
    "reference",
    "contact_channel",
    "ended_at",
    "phone",
    "email",
    "survey",
    "unit",
    "topic",
    "handling",
    "language",
}
REFERENCE_MAX = 100
MAX_AGE = timedelta(days=400)


@dataclass(frozen=True)
class ContactIn:
    client_uuid: uuid.UUID | None
    reference: str | None
    contact_channel: str
    ended_at: datetime
    phone: Phone | None = None
    email: str | None = None
    survey: str | None = None
    unit: str | None = None
    topic: str | None = None
    handling: str | None = None
    language: str = "nl"

    def content(self) -> dict:
        """The contact's content without its address, for the idempotency fingerprint."""
        return {
            "id": str(self.client_uuid) if self.client_uuid else None,
            "reference": self.reference,
            "contact_channel": self.contact_channel,
            "ended_at": self.ended_at.isoformat(),
            "survey": self.survey,
            "unit": self.unit,
            "topic": self.topic,
            "handling": self.handling,
            "language": self.language,
        }


def _code(payload: dict, name: str) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    check_text(value, name, 40)
    if not value:
        raise ValidationError("wrong_type", f"'{name}' must be a short text code.", name)
    return value


def _choice(payload: dict, name: str, allowed, default=None) -> str | None:
    value = payload.get(name, default)
    if value is None:
        return None
    if not isinstance(value, str) or value not in allowed:
        shown = value if isinstance(value, str) and len(value) <= 40 else "?"
        check_text(value, name, 40)
        raise ValidationError(
            "invalid_value",
            f"'{name}' must be one of {', '.join(allowed)}, got '{shown}'.",
            name,
        )
    return value


def _ended_at(payload: dict, now: datetime, skew: timedelta) -> datetime:
    value = payload.get("ended_at")
    if value is None:
        raise ValidationError("missing_field", "'ended_at' is required.", "ended_at")
    check_text(value, "ended_at", 40)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            "wrong_type", "'ended_at' must be an ISO 8601 timestamp.", "ended_at"
        ) from None
    if moment.tzinfo is None:
        raise ValidationError("wrong_type", "'ended_at' needs a time zone (e.g. Z).", "ended_at")
    if moment > now + skew:
        raise ValidationError("invalid_value", "'ended_at' lies in the future.", "ended_at")
    if moment < now - MAX_AGE:
        raise ValidationError(
            "invalid_value", f"'ended_at' is more than {MAX_AGE.days} days ago.", "ended_at"
        )
    return moment


def parse_contact(payload, now: datetime, skew: timedelta = timedelta(minutes=5)) -> ContactIn:
    """Check one reported contact; a ValidationError names the field at fault."""
    if not isinstance(payload, dict):
        raise ValidationError("wrong_type", "A contact must be a JSON object.")
    unknown = sorted(set(payload) - FIELDS)
    if unknown:
        name = unknown[0][:40]
        check_text(name, "field name", 40)
        raise ValidationError("unknown_field", f"Unknown field '{name}'.", name)
    raw_id = payload.get("id")
    client_uuid = None
    if raw_id is not None:
        check_text(raw_id, "id", 40)
        try:
            client_uuid = uuid.UUID(raw_id)
        except ValueError:
            raise ValidationError("wrong_type", "'id' must be a UUID.", "id") from None
    reference = payload.get("reference")
    if reference is not None:
        reference = check_text(reference, "reference", REFERENCE_MAX).strip()
        if not reference:
            raise ValidationError("wrong_type", "'reference' must not be empty.", "reference")
    if client_uuid is None and reference is None:
        raise ValidationError(
            "missing_field",
            "Give 'reference' (your own reference of the contact) or 'id' (a UUID you made), "
            "so a retry is recognised.",
            "reference",
        )
    phone = payload.get("phone")
    email = payload.get("email")
    return ContactIn(
        client_uuid=client_uuid,
        reference=reference,
        contact_channel=_choice(payload, "contact_channel", CONTACT_CHANNELS)
        or _missing("contact_channel"),
        ended_at=_ended_at(payload, now, skew),
        phone=parse_phone(phone) if phone not in (None, "") else None,
        email=normalise_email(email) if email not in (None, "") else None,
        survey=_code(payload, "survey"),
        unit=_code(payload, "unit"),
        topic=_code(payload, "topic"),
        handling=_choice(payload, "handling", HANDLINGS),
        language=_choice(payload, "language", LANGUAGES, default="nl"),
    )


def _missing(name: str):
    raise ValidationError("missing_field", f"'{name}' is required.", name)
