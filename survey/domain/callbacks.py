"""A callback request (terugbelverzoek): when a survey offers one, and the details checked.

Pure. A survey's settings may hold `"callback": {"offer": "negative" | "always" | "never",
"unit": "<unit code>"}`; without it a callback is offered after a negative headline answer (the
survey's satisfied rule says "not satisfied"). The details are checked before anything is
stored: consent must be given, a phone number (libphonenumber, the Netherlands as default
region) or an e-mail address (or both) must be valid, the name is one line without control
characters, the free text has no control characters but line breaks.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass

from survey.domain.addresses import check_text, normalise_email, parse_phone
from survey.domain.errors import ValidationError

OFFERS = ("negative", "always", "never")
DEFAULT_OFFER = "negative"
NAME_MAX = 100
MESSAGE_MAX = 1000
LANGUAGES = ("nl", "en")
FIELDS = ("consent", "name", "phone", "email", "message", "language")
# Numbers nobody can be called back on.
_NOT_CALLABLE = ("premium_rate",)
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u0085\u2028\u2029]")


@dataclass(frozen=True)
class CallbackRule:
    offer: str = DEFAULT_OFFER
    unit: str | None = None  # the unit code that handles the survey's requests

    def offered(self, satisfied: bool | None) -> bool:
        """Whether a respondent with this headline outcome is offered a callback."""
        if self.offer == "always":
            return True
        if self.offer == "negative":
            return satisfied is False
        return False

    def to_dict(self) -> dict:
        data: dict = {"offer": self.offer}
        if self.unit:
            data["unit"] = self.unit
        return data


def callback_rule(settings) -> CallbackRule:
    """The rule of a survey's settings; the default when it has none."""
    raw = settings.get("callback") if isinstance(settings, dict) else None
    if raw is None:
        return CallbackRule()
    if not isinstance(raw, dict) or set(raw) - {"offer", "unit"}:
        raise ValidationError(
            "invalid_settings", "'callback' has 'offer' and 'unit' only.", "callback"
        )
    offer = raw.get("offer", DEFAULT_OFFER)
    if offer not in OFFERS:
        raise ValidationError(
            "invalid_settings", f"'callback.offer' is one of {', '.join(OFFERS)}.",
            "callback.offer",
        )
    unit = raw.get("unit")
    if unit is not None and (not isinstance(unit, str) or not 0 < len(unit) <= 40):
        raise ValidationError(
            "invalid_settings", "'callback.unit' is a unit code.", "callback.unit"
        )
    return CallbackRule(offer=offer, unit=unit)


@dataclass(frozen=True)
class CallbackDetails:
    """What the citizen gave, checked and normalised."""

    name: str | None
    phone: str | None  # E.164
    email: str | None
    message: str | None
    language: str = "nl"

    def fingerprint(self, response: str) -> str:
        """A hash of the request's content, to tell a retry from another request."""
        data = {"response": response, **asdict(self)}
        return hashlib.sha256(
            json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()


def _optional(raw: dict, name: str) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("wrong_type", f"'{name}' must be a text.", name)
    return value if value.strip() else None


def parse_details(raw) -> CallbackDetails:
    """The details of a callback request, or a ValidationError naming the first field at fault."""
    if not isinstance(raw, dict):
        raise ValidationError("wrong_type", "Send the request as an object.")
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise ValidationError(
            "unknown_field", f"Unknown field '{sorted(unknown)[0]}'.", sorted(unknown)[0]
        )
    if raw.get("consent") is not True:
        raise ValidationError(
            "consent_required", "Consent is needed before we may contact you.", "consent"
        )
    name = _optional(raw, "name")
    if name is not None:
        if has_line_break_or_control(name):
            raise ValidationError(
                "name_control_characters",
                "The name contains a line break or another control character.",
                "name",
            )
        name = " ".join(check_text(name, "name", NAME_MAX).split())
    phone_text, email_text = _optional(raw, "phone"), _optional(raw, "email")
    if phone_text is None and email_text is None:
        raise ValidationError(
            "contact_required", "Give a phone number or an e-mail address.", "phone"
        )
    phone = None
    if phone_text is not None:
        if has_line_break_or_control(phone_text):
            raise ValidationError("phone_malformed", "This is not a phone number.", "phone")
        try:
            parsed = parse_phone(phone_text, "phone")
        except ValidationError:
            raise ValidationError(
                "phone_malformed", "This is not a valid phone number.", "phone"
            ) from None
        if parsed.sms_refusal == "short_number":  # too short to be a number to call back
            raise ValidationError("phone_malformed", "This is not a valid phone number.", "phone")
        if parsed.sms_refusal in _NOT_CALLABLE:
            raise ValidationError(
                "phone_not_callable", "We cannot call this number back.", "phone"
            )
        phone = parsed.e164
    email = None
    if email_text is not None:
        try:
            email = normalise_email(email_text, "email")
        except ValidationError:
            raise ValidationError(
                "email_malformed", "This is not a valid e-mail address.", "email"
            ) from None
    message = _optional(raw, "message")
    if message is not None:
        message = message.replace("\r\n", "\n").strip()
        if len(message) > MESSAGE_MAX:
            raise ValidationError(
                "too_long", f"Use at most {MESSAGE_MAX} characters.", "message"
            )
        if _CONTROL_BUT_NEWLINE.search(message):
            raise ValidationError(
                "control_characters", "The text contains a control character.", "message"
            )
    language = raw.get("language", "nl")
    if language not in LANGUAGES:
        raise ValidationError("wrong_type", "'language' is nl or en.", "language")
    return CallbackDetails(name=name, phone=phone, email=email, message=message or None,
                           language=language)


def has_line_break_or_control(text: str) -> bool:
    return bool(re.search(r"[\x00-\x1f\x7f\u0085\u2028\u2029]", text))
