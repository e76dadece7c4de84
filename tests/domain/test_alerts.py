"""Alert rules on synthetic streams: each fires once when it should, not during the cooldown,
not outside opening hours (survey.domain.alerts)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from survey.domain import alerts
from survey.domain.alerts import RULES, Finding, due
from survey.domain.errors import ValidationError
from survey.domain.opening_hours import open_minutes_between

# Monday 7 December 2026; the location is open 09:00-12:00 and 13:00-17:00 on weekdays.
MONDAY = datetime(2026, 12, 7)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HOURS = {day: [["09:00", "12:00"], ["13:00", "17:00"]] for day in WEEKDAYS}


def at(hour: int, minute: int = 0, day: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def simulate(stream_rule, start: datetime, end: datetime, rule: str, step_minutes: int = 1):
    """Evaluate `stream_rule(now)` every `step_minutes` like the worker, with the cooldown;
    return the moments it fired."""
    fired, last = [], {}
    now = start
    while now <= end:
        facts = stream_rule(now)
        findings = [Finding(rule, "subject", facts)] if facts else []
        for finding in due(findings, last, {}, now):
            fired.append(now)
            last[(finding.rule, finding.subject)] = now
        now += timedelta(minutes=step_minutes)
    return fired


# --- satisfaction drop at one location ---------------------------------------------------


def test_satisfaction_drop_fires_once_for_a_burst_of_thumbs_down():
    # A quiet morning of happy answers, then 3 unhappy and 1 happy within 10 minutes.
    answers = [(at(9, m), True) for m in range(0, 120, 20)]
    answers += [(at(11, 0), False), (at(11, 3), False), (at(11, 6), True), (at(11, 9), False)]
    fired = simulate(
        lambda now: alerts.satisfaction_drop(answers, now), at(9), at(12), "satisfaction_drop"
    )
    assert fired == [at(11, 9)]  # the 4th answer makes 3 of 4 negative; cooldown after that


def test_satisfaction_drop_needs_four_answers_and_half_negative():
    three = [(at(11, 0), False), (at(11, 1), False), (at(11, 2), False)]
    assert alerts.satisfaction_drop(three, at(11, 5)) is None
    mixed = [(at(11, m), m % 3 == 0) for m in range(5)]  # 2 of 5 satisfied: 60% negative
    assert alerts.satisfaction_drop(mixed, at(11, 5)) == {
        "responses": 5, "negative": 3, "share": 0.6, "window_minutes": 15,
    }
    calm = [(at(11, m), m % 2 == 0) for m in range(5)]  # 3 of 5 satisfied: 40% negative
    assert alerts.satisfaction_drop(calm, at(11, 5)) is None
    # Exactly half negative fires (at least 50%).
    half = [(at(11, 0), False), (at(11, 1), True), (at(11, 2), False), (at(11, 3), True)]
    assert alerts.satisfaction_drop(half, at(11, 4))["share"] == 0.5


def test_satisfaction_drop_counts_only_the_window():
    # Four unhappy answers, but spread over an hour: never 4 within 15 minutes.
    spread = [(at(10, m), False) for m in (0, 16, 32, 48)]
    assert simulate(
        lambda now: alerts.satisfaction_drop(spread, now), at(9), at(12), "satisfaction_drop"
    ) == []


def test_a_lasting_drop_fires_again_only_after_the_cooldown():
    # Unhappy answers every 2 minutes for 3 hours: fires at the 4th, then once per hour.
    answers = [(at(9, 0) + timedelta(minutes=2 * i), False) for i in range(90)]
    fired = simulate(
        lambda now: alerts.satisfaction_drop(answers, now), at(9), at(12), "satisfaction_drop"
    )
    assert fired == [at(9, 6), at(10, 6), at(11, 6)]
    assert RULES["satisfaction_drop"].cooldown_minutes == 60


def test_cooldown_is_per_subject_and_configurable():
    now = at(10)
    findings = [Finding("kiosk_offline", "device:1"), Finding("kiosk_offline", "device:2")]
    last = {("kiosk_offline", "device:1"): now - timedelta(minutes=30)}
    assert [f.subject for f in due(findings, last, {}, now)] == ["device:2"]
    assert [f.subject for f in due(findings, last, {"kiosk_offline": 20}, now)] == [
        "device:1", "device:2",
    ]


# --- weekly drop -------------------------------------------------------------------------


def test_weekly_drop_fires_on_a_significant_fall():
    before = [(80, 100)] * 8  # 80% satisfied for eight weeks
    facts = alerts.weekly_drop(before + [(60, 100)])
    assert facts is not None
    assert facts["share"] == 0.6 and facts["share_before"] == 0.8
    assert facts["difference"] == -0.2 and facts["p"] < 0.001
    assert facts["high"] < 0  # the interval of the difference lies below 0


def test_weekly_drop_stays_quiet_for_noise_a_rise_or_too_few_answers():
    before = [(80, 100)] * 8
    assert alerts.weekly_drop(before + [(75, 100)]) is None  # 5 points: not significant
    assert alerts.weekly_drop(before + [(95, 100)]) is None  # a rise
    assert alerts.weekly_drop(before + [(10, 20)]) is None  # fewer than 30 answers
    assert alerts.weekly_drop([(80, 100)] * 5 + [(40, 100)]) is None  # no 8 weeks of history


def test_weekly_drop_p_value_matches_the_two_proportion_z_test():
    # z = (0.6 - 0.8) / sqrt(0.6*0.4/99 + 0.8*0.2/799) with the linearisation standard
    # errors of survey.stats (n - 1 in the denominator).
    import math

    from scipy import stats

    facts = alerts.weekly_drop([(80, 100)] * 8 + [(60, 100)])
    se = math.sqrt(0.6 * 0.4 / 99 + 0.8 * 0.2 / 799)
    assert facts["p"] == pytest.approx(2 * stats.norm.sf(0.2 / se), abs=1e-6)


# --- kiosks ------------------------------------------------------------------------------


def test_open_minutes_between_skips_lunch_nights_and_the_weekend():
    assert open_minutes_between(HOURS, at(11, 30), at(13, 30)) == 60
    assert open_minutes_between(HOURS, at(16, 0), at(9, 30, day=1)) == 90
    friday_afternoon, monday_morning = at(16, 30, day=4), at(9, 10, day=7)
    assert open_minutes_between(HOURS, friday_afternoon, monday_morning) == 40
    assert open_minutes_between(HOURS, at(10), at(9)) == 0


def test_kiosk_offline_fires_once_after_thirty_open_minutes():
    last_seen = at(10, 0)
    fired = simulate(
        lambda now: alerts.kiosk_offline(HOURS, last_seen, at(8), now),
        at(10), at(16, 59), "kiosk_offline",
    )
    # 10:00-10:30 is 30 minutes: it fires at 10:31, then again after the 4-hour cooldown.
    assert fired == [at(10, 31), at(14, 31)]


def test_kiosk_offline_not_outside_opening_hours():
    # Last heartbeat Friday 16:50; the weekend passes without an alert; Monday 09:21 it fires
    # (10 minutes on Friday + 21 on Monday).
    last_seen = at(16, 50, day=4)
    fired = simulate(
        lambda now: alerts.kiosk_offline(HOURS, last_seen, at(8), now),
        at(16, 50, day=4), at(9, 30, day=7), "kiosk_offline",
    )
    assert fired == [at(9, 21, day=7)]
    # Over lunch it stays quiet even when it has been silent long enough.
    assert alerts.kiosk_offline(HOURS, at(11, 0), at(8), at(12, 30)) is None
    # A location without opening hours never raises it.
    assert alerts.kiosk_offline({}, at(1), at(0), at(12)) is None


def test_kiosk_silent_only_when_online_and_no_answers():
    now = at(11, 0)
    # Heartbeat a minute ago, last answer at 10:00: silent for 60 open minutes.
    assert alerts.kiosk_silent(HOURS, at(10, 59), at(10, 0), at(8), now) == {
        "open_minutes": 60, "minutes": 30,
    }
    assert alerts.kiosk_silent(HOURS, at(10, 59), at(10, 45), at(8), now) is None
    # Offline is its own alert, not also a silent one.
    assert alerts.kiosk_silent(HOURS, at(10, 0), at(10, 0), at(8), now) is None
    # Silence over lunch does not count: last answer 11:50, now 13:25 is 35 open minutes.
    assert alerts.kiosk_silent(HOURS, at(13, 24), at(11, 50), at(8), at(13, 25)) is not None
    assert alerts.kiosk_silent(HOURS, at(13, 19), at(11, 50), at(8), at(13, 20)) is None


def test_kiosk_queue_growing_and_refused_answers():
    queue = [(at(10, m), q) for m, q in ((0, 0), (5, 2), (10, 4), (15, 7))]
    assert alerts.kiosk_queue(HOURS, queue, at(10, 15)) == {
        "queue": 7, "grew_by": 7, "window_minutes": 30,
    }
    draining = queue + [(at(10, 20), 3)]
    assert alerts.kiosk_queue(HOURS, draining, at(10, 20)) is None
    assert alerts.kiosk_queue(HOURS, queue[:3], at(10, 10)) is None  # grew by 4 only
    assert alerts.kiosk_queue(HOURS, [(at(17, 1), 0), (at(17, 5), 9)], at(17, 5)) is None
    refused = [(at(10, 0), 2), (at(10, 5), 2), (at(10, 10), 3)]
    assert alerts.kiosk_refused(HOURS, refused, at(10, 10)) == {
        "refused": 1, "window_minutes": 30,
    }
    assert alerts.kiosk_refused(HOURS, refused[:2], at(10, 5)) is None
    # Refused long ago (outside the 30-minute window): nothing new.
    assert alerts.kiosk_refused(HOURS, refused, at(11, 0)) is None


def test_kiosk_queue_fires_once_while_it_keeps_growing():
    readings = [(at(10, 0) + timedelta(minutes=5 * i), 2 * i) for i in range(12)]

    def rule(now):
        return alerts.kiosk_queue(HOURS, [r for r in readings if r[0] <= now], now)

    assert simulate(rule, at(10), at(11), "kiosk_queue") == [at(10, 15)]


# --- invitations -------------------------------------------------------------------------


def test_invitations_failing_fires_on_provider_errors_above_the_threshold():
    now = at(12)
    ok = [(at(11, m), False) for m in range(10, 50)]  # 40 sent
    failed = [(at(11, m), True) for m in range(50, 60)]  # 10 failed: 20%
    assert alerts.invitations_failing(ok + failed, 0, now) == {
        "failures": 10, "messages": 50, "share": 0.2, "retrying": 0, "window_minutes": 60,
    }
    assert alerts.invitations_failing(ok + failed[:4], 0, now) is None  # 4 failures
    assert alerts.invitations_failing(ok * 2 + failed, 0, now) is None  # 11%
    # Waiting retries count as failures: the provider is down.
    assert alerts.invitations_failing([], 6, now)["failures"] == 6
    # Failures more than an hour ago are out of the window.
    assert alerts.invitations_failing([(at(10, 30), True)] * 9, 0, now) is None


# --- settings ----------------------------------------------------------------------------


def test_threshold_settings_are_checked_and_bad_stored_values_fall_back():
    spec = RULES["satisfaction_drop"]
    assert spec.defaults() == {"window_minutes": 15, "min_responses": 4, "negative_share": 0.5}
    assert spec.settings({"min_responses": 6, "negative_share": "x"})["min_responses"] == 6
    assert spec.settings({"negative_share": "x"})["negative_share"] == 0.5
    with pytest.raises(ValidationError) as error:
        spec.thresholds[2].check(1.5)
    assert error.value.field == "negative_share"
