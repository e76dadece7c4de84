"""A citizen's phone number or e-mail address, checked and normalised before it is kept.

Pure: the standard library and `phonenumbers` (Google's libphonenumber metadata, no I/O).
A phone number is written as E.164 (the Netherlands is the default region, mobile numbers
abroad are fine); only a mobile number can receive an SMS invitation. An e-mail address is
trimmed and lower-cased. Control characters (CR/LF: header injection) are refused outright.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType, ValidationResult, shortnumberinfo

from survey.domain.errors import ValidationError

DEFAULT_REGION = "NL"
PHONE_MAX = 40
EMAIL_MAX = 254
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
# One @, a dotted domain, nothing that breaks a header or an address list.
_EMAIL = re.compile(
    r"^[^@\s\"(),:;<>\[\]\\]{1,64}@[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\.[a-z0-9-]{2,63}$"
)
_SMS_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_REFUSAL = {
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "premium_rate",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.TOLL_FREE: "not_mobile",
}


@dataclass(frozen=True)
class Phone:
    """A parsed phone number: `e164` always; `sms_refusal` None when it may receive an SMS."""

    e164: str
    sms_refusal: str | None = None


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def check_text(value, field: str, max_length: int) -> str:
    """A single-line text: a string, not too long, without CR, LF or other control characters."""
    if not isinstance(value, str):
        raise ValidationError("wrong_type", f"'{field}' must be a text.", field)
    if len(value) > max_length:
        raise ValidationError(
            "too_long", f"'{field}' is longer than {max_length} characters.", field
        )
    if has_control_characters(value):
        raise ValidationError(
            "control_characters",
            f"'{field}' contains a line break or another control character.",
            field,
        )
    return value


def parse_phone(value, field: str = "phone") -> Phone:
    """E.164 and whether an SMS may go to it; a malformed number is a ValidationError.

    Short numbers (14 020, 112), landlines, premium-rate and other non-mobile numbers are real
    numbers a person may call from, so they parse, with the reason an SMS is refused.
    """
    text = check_text(value, field, PHONE_MAX).strip()
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            "phone_malformed", f"'{field}' is not a phone number.", field
        ) from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # number_type is UNKNOWN exactly when the number is not valid (is_valid_number's test);
    # asked once, since the metadata match is most of the parsing time.
    kind = phonenumbers.number_type(number)
    if kind in _SMS_TYPES:
        return Phone(e164)
    if kind != PhoneNumberType.UNKNOWN and not shortnumberinfo.is_valid_short_number(number):
        return Phone(e164, _REFUSAL.get(kind, "not_mobile"))
    if shortnumberinfo.is_valid_short_number(number):
        return Phone(e164, "short_number")
    if phonenumbers.is_possible_number_with_reason(number) == ValidationResult.TOO_SHORT:
        return Phone(e164, "short_number")
    raise ValidationError("phone_malformed", f"'{field}' is not a valid phone number.", field)


def normalise_email(value, field: str = "email") -> str:
    """A trimmed, lower-cased e-mail address; anything else is a ValidationError."""
    text = check_text(value, field, EMAIL_MAX).strip().lower()
    local, _, domain = text.rpartition("@")
    try:
        # An internationalised domain is kept in its ASCII (punycode) form.
        text = f"{local}@{domain.encode('idna').decode('ascii')}" if domain else text
    except UnicodeError:
        raise ValidationError(
            "email_malformed", f"'{field}' is not an e-mail address.", field
        ) from None
    if len(text) > EMAIL_MAX or not _EMAIL.match(text) or ".." in text:
        raise ValidationError("email_malformed", f"'{field}' is not an e-mail address.", field)
    return text
