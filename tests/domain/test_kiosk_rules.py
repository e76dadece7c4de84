"""Kiosk settings and the misuse rule, as pure functions."""

from datetime import UTC, datetime, timedelta

import pytest

from survey.domain import ValidationError
from survey.domain.kiosk import (
    BURST,
    TOO_FAST,
    KioskSettings,
    rule_time,
    settings_from_dict,
    suspect_reason,
)

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
DEFAULTS = KioskSettings()


def s(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_first_response_of_a_device_is_fine():
    assert suspect_reason(T0, [], DEFAULTS) is None


def test_one_second_after_the_previous_is_too_fast():
    assert suspect_reason(s(1), [T0], DEFAULTS) == TOO_FAST


def test_the_interval_counts_from_the_latest_previous_response():
    assert suspect_reason(s(100), [s(10), s(96)], DEFAULTS) == TOO_FAST
    assert suspect_reason(s(100), [s(10), s(95)], DEFAULTS) is None


def test_exactly_the_minimum_interval_is_fine():
    assert suspect_reason(s(5), [T0], DEFAULTS) is None
    assert suspect_reason(s(4.999), [T0], DEFAULTS) == TOO_FAST


def test_later_responses_do_not_count_as_previous():
    # Sent late from an offline queue: a response after this one says nothing about it.
    assert suspect_reason(T0, [s(1), s(2)], DEFAULTS) is None


def test_burst_above_the_limit_within_the_window():
    rules = KioskSettings(min_interval_seconds=0, burst_limit=3, burst_window_seconds=60)
    assert suspect_reason(s(30), [s(0), s(10)], rules) is None  # 3 in the window
    assert suspect_reason(s(30), [s(0), s(10), s(20)], rules) == BURST  # 4 in the window
    assert suspect_reason(s(90), [s(0), s(10), s(20)], rules) is None  # window moved on


def test_too_fast_wins_over_burst():
    rules = KioskSettings(burst_limit=1)
    assert suspect_reason(s(1), [T0], rules) == TOO_FAST
    assert suspect_reason(s(10), [T0], rules) == BURST


def test_zero_interval_switches_the_interval_rule_off():
    rules = KioskSettings(min_interval_seconds=0)
    assert suspect_reason(T0, [T0], rules) is None


def test_settings_default_and_override():
    assert settings_from_dict(None) == DEFAULTS
    assert DEFAULTS.thanks_seconds == 4 and DEFAULTS.idle_seconds == 20
    assert DEFAULTS.min_interval_seconds == 5
    changed = settings_from_dict({"thanks_seconds": 2, "burst_limit": 20})
    assert (changed.thanks_seconds, changed.burst_limit, changed.idle_seconds) == (2, 20, 20)
    assert DEFAULTS.changed({"idle_seconds": 30}).idle_seconds == 30


@pytest.mark.parametrize(
    "raw",
    [
        {"bogus": 1},
        {"thanks_seconds": "4"},
        {"thanks_seconds": True},
        {"thanks_seconds": 0},
        {"idle_seconds": 601},
        {"burst_limit": 0},
        [],
    ],
)
def test_bad_settings_are_refused(raw):
    with pytest.raises(ValidationError) as error:
        settings_from_dict(raw)
    assert error.value.code == "invalid_setting"


# Rule times: the tablet's clock counts only inside the window the server can vouch for.
def test_a_claimed_time_after_the_last_contact_counts():
    received, contact = T0 + timedelta(minutes=10), T0
    assert rule_time(T0 + timedelta(minutes=3), received, contact) == T0 + timedelta(minutes=3)
    assert rule_time(received, received, contact) == received


def test_a_claimed_time_outside_the_window_counts_at_receipt():
    received, contact = T0 + timedelta(minutes=10), T0
    assert rule_time(T0, received, contact) == received  # not after the last contact
    assert rule_time(T0 - timedelta(hours=1), received, contact) == received
    assert rule_time(received + timedelta(seconds=1), received, contact) == received  # future
    assert rule_time(T0 + timedelta(minutes=3), received, None) == received  # never seen
    assert rule_time(None, received, contact) == received


def _judge(arrivals, claims, contact, settings):
    """Rule time and reason of answers arriving in order, each after the previous contact."""
    reasons, times = [], []
    for received, claimed in zip(arrivals, claims, strict=True):
        at = rule_time(claimed, received, max([contact, *times]))
        reasons.append(suspect_reason(at, times, settings))
        times.append(at)
    return reasons


def test_an_offline_queue_sent_at_once_keeps_its_spacing():
    arrivals = [T0 + timedelta(minutes=10, milliseconds=10 * i) for i in range(8)]
    claims = [T0 + timedelta(minutes=2 + i) for i in range(8)]
    assert _judge(arrivals, claims, T0, KioskSettings()) == [None] * 8


def test_claimed_spacing_without_real_silence_is_judged_by_receipt():
    arrivals = [T0 + timedelta(seconds=1, milliseconds=10 * i) for i in range(8)]
    claims = [T0 - timedelta(minutes=8 - i) for i in range(8)]
    reasons = _judge(arrivals, claims, T0, KioskSettings())
    assert reasons[0] is None and set(reasons[1:]) == {TOO_FAST}


def test_a_forged_flood_passes_at_most_gap_over_min_interval():
    """30 answers in 2 seconds after a minute of silence, with times forged 1 s apart."""
    settings = KioskSettings(min_interval_seconds=5, burst_limit=1000)
    arrivals = [T0 + timedelta(seconds=60 + i / 15) for i in range(30)]
    claims = [T0 + timedelta(seconds=30 + i) for i in range(30)]
    reasons = _judge(arrivals, claims, T0, settings)
    assert reasons.count(None) <= 60 / 5 and reasons.count(TOO_FAST) >= 18
