"""Phone numbers and e-mail addresses of contacts, without an app."""

from datetime import UTC, datetime

import pytest

from survey.domain.addresses import normalise_email, parse_phone
from survey.domain.contacts import parse_contact
from survey.domain.errors import ValidationError

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw, e164",
    [
        ("06 1234 5678", "+31612345678"),
        ("0612345678", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("+32 470 12 34 56", "+32470123456"),  # a Belgian mobile
        ("+49 151 12345678", "+4915112345678"),  # a German mobile
    ],
)
def test_mobile_numbers_are_normalised_to_e164(raw, e164):
    assert parse_phone(raw).e164 == e164
    assert parse_phone(raw).sms_refusal is None


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("020 123 4567", "landline"),
        ("0900-1234567", "premium_rate"),
        ("0906-1234567", "premium_rate"),
        ("0800-1234", "not_mobile"),
        ("112", "short_number"),
        ("0612", "short_number"),
    ],
)
def test_numbers_that_cannot_receive_an_sms_parse_with_their_reason(raw, reason):
    assert parse_phone(raw).sms_refusal == reason


@pytest.mark.parametrize("raw", ["abc", "+31612345678901234", "06-1234\r\n5678", 612345678, ""])
def test_malformed_numbers_are_refused(raw):
    with pytest.raises(ValidationError) as caught:
        parse_phone(raw)
    assert caught.value.field == "phone"


def test_email_addresses_are_trimmed_and_lower_cased():
    assert normalise_email("  Jan.Jansen@Example.NL ") == "jan.jansen@example.nl"
    assert normalise_email("a@bücher.de") == "a@xn--bcher-kva.de"


@pytest.mark.parametrize(
    "raw",
    [
        "jan@example.nl\r\nBcc: victim@example.org",
        "jan@example.nl\nSubject: hi",
        "jan@example.nl\x00",
        "jan@example.nl\u2028",
        "Jan <jan@example.nl>",
        "jan@@example.nl",
        "jan@example",
        "jan..x@example.nl",
        "a" * 250 + "@example.nl",
    ],
)
def test_header_injection_and_malformed_addresses_are_refused(raw):
    with pytest.raises(ValidationError) as caught:
        normalise_email(raw)
    assert caught.value.field == "email"


@pytest.mark.parametrize("field", ["reference", "unit", "topic", "survey", "ended_at", "id"])
def test_line_breaks_are_refused_in_every_field(field):
    payload = {
        "reference": "R1",
        "contact_channel": "phone",
        "ended_at": "2026-12-05T11:00:00Z",
        field: "x\r\ny",
    }
    with pytest.raises(ValidationError) as caught:
        parse_contact(payload, NOW)
    assert caught.value.code == "control_characters" and caught.value.field == field


def test_a_contact_needs_a_key_a_known_channel_and_a_zoned_time_not_in_the_future():
    base = {"reference": "R1", "contact_channel": "phone", "ended_at": "2026-12-05T11:00:00Z"}
    assert parse_contact(base, NOW).reference == "R1"
    for change, field in [
        ({"reference": None}, "reference"),
        ({"contact_channel": "fax"}, "contact_channel"),
        ({"ended_at": "2026-12-05T11:00:00"}, "ended_at"),
        ({"ended_at": "2026-12-06T11:00:00Z"}, "ended_at"),
        ({"handling": "escalated"}, "handling"),
        ({"language": "de"}, "language"),
        ({"id": "not-a-uuid"}, "id"),
        ({"colour": "red"}, "colour"),
    ]:
        payload = {k: v for k, v in {**base, **change}.items() if v is not None}
        with pytest.raises(ValidationError) as caught:
            parse_contact(payload, NOW)
        assert caught.value.field == field, change
