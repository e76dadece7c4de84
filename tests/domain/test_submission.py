"""The envelope of a submission: ids, channels, timestamps, page paths."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from survey.domain import ValidationError
from survey.domain.channels import settled_inclusion_probability
from survey.domain.submission import clean_page_path, parse_submission, payload_hash
from survey.domain.widget import inclusion_probability, widget_settings

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def payload(**change):
    base = {
        "id": str(uuid.uuid4()),
        "organisation": "demo",
        "survey": "balie",
        "contact_channel": "counter",
        "survey_mode": "kiosk",
        "answers": {"oordeel": "up"},
    }
    base.update(change)
    return base


def test_defaults():
    parsed = parse_submission(payload(), NOW)
    assert parsed.submitted_at == NOW
    assert parsed.language == "nl"
    assert parsed.inclusion_probability is None  # not sent: the channel settles it
    assert settled_inclusion_probability(parsed.inclusion_probability, None) == 1.0
    assert parsed.version is None


def test_a_sent_inclusion_probability_is_kept_as_sent():
    assert parse_submission(payload(inclusion_probability=0.5), NOW).inclusion_probability == 0.5


def test_the_configured_inclusion_probability_wins_and_a_different_claim_fails():
    assert settled_inclusion_probability(None, 0.25) == 0.25
    assert settled_inclusion_probability(0.25, 0.25) == 0.25
    assert settled_inclusion_probability(0.01, None) == 0.01  # trusted import: its own number
    with pytest.raises(ValidationError) as error:
        settled_inclusion_probability(0.01, 0.25)
    assert error.value.code == "inclusion_probability_mismatch"
    assert error.value.field == "inclusion_probability"


def test_widget_probability_is_the_sampling_rate_for_the_popup_only():
    settings = widget_settings({"sampling_rate": 0.25})
    assert inclusion_probability(settings, "popup", "popup") == 0.25
    assert inclusion_probability(settings, None, "popup") == 0.25
    assert inclusion_probability(settings, "tab", "popup") == 1.0
    assert inclusion_probability(settings, "inline", "inline") == 1.0
    with pytest.raises(ValidationError) as error:
        inclusion_probability(widget_settings({"sampling_rate": 0}), "popup", "popup")
    assert error.value.code == "not_sampled"


def test_payload_hash_ignores_key_order():
    a = {"x": 1, "y": {"b": 2, "a": 1}}
    b = {"y": {"a": 1, "b": 2}, "x": 1}
    assert payload_hash(a) == payload_hash(b)
    assert payload_hash(a) != payload_hash({**a, "x": 2})


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ("/verhuizen?bsn=123456789", "/verhuizen"),
        ("https://www.gemeente.nl/afval#ophaal", "/afval"),
        ("paspoort", "/paspoort"),
        ("", "/"),
        (None, None),
    ],
)
def test_page_path_keeps_only_the_path(raw, path):
    assert clean_page_path(raw) == path


def test_timestamps_need_a_time_zone_and_a_fast_clock_is_corrected():
    with pytest.raises(ValidationError, match="time zone"):
        parse_submission(payload(submitted_at="2026-11-23T10:00:00"), NOW)
    fast = parse_submission(
        payload(
            started_at=(NOW + timedelta(minutes=59)).isoformat(),
            submitted_at=(NOW + timedelta(hours=1)).isoformat(),
        ),
        NOW,
    )
    assert fast.submitted_at == NOW and fast.started_at == NOW - timedelta(minutes=1)
    assert fast.client_submitted_at == NOW + timedelta(hours=1)
    small_skew = (NOW + timedelta(minutes=2)).isoformat()
    assert parse_submission(payload(submitted_at=small_skew), NOW).submitted_at > NOW
    old = (NOW - timedelta(days=401)).isoformat()
    with pytest.raises(ValidationError, match="400 days"):
        parse_submission(payload(submitted_at=old), NOW)
    imported = parse_submission(payload(submitted_at=old), NOW, max_age=None)  # trusted import
    assert imported.submitted_at == NOW - timedelta(days=401)
    assert parse_submission(payload(submitted_at=small_skew), NOW).client_submitted_at is None
    ahead = parse_submission(payload(submitted_at=(NOW + timedelta(days=3)).isoformat()), NOW,
                             max_age=None)
    assert ahead.submitted_at == NOW and ahead.client_submitted_at == NOW + timedelta(days=3)


def test_times_too_far_apart_to_correct_are_refused():
    with pytest.raises(ValidationError) as caught:
        parse_submission(
            payload(started_at="0001-01-02T00:00:00+00:00",
                    submitted_at="9999-12-30T00:00:00+00:00"),
            NOW,
            max_age=None,
        )
    assert caught.value.field == "started_at" and caught.value.code == "invalid_value"


def test_started_after_submitted_is_refused():
    with pytest.raises(ValidationError) as caught:
        parse_submission(
            payload(
                started_at=NOW.isoformat(),
                submitted_at=(NOW - timedelta(minutes=1)).isoformat(),
            ),
            NOW,
        )
    assert caught.value.field == "started_at"


@pytest.mark.parametrize("body", [None, [], "x", 3])
def test_body_must_be_an_object(body):
    with pytest.raises(ValidationError) as caught:
        parse_submission(body, NOW)
    assert caught.value.code == "wrong_type"
