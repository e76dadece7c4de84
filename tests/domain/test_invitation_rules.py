"""The invitation decision, without an app: sampling, delay, quiet hours across DST, throttle,
daily cap, expiry, reminder, opt-out, no address and the modes a channel may use."""

import random
from datetime import UTC, datetime, time, timedelta

import pytest

from survey.domain.invitation_rules import (
    AMSTERDAM,
    Facts,
    Rule,
    allows,
    decide,
    in_quiet_hours,
    invitation_mode,
    out_of_quiet_hours,
    schedule,
)

RULE = Rule(survey_id=1)
NOON = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # 12:00 in Amsterdam (CEST)


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def invite(rule=RULE, channel="phone", has_address=True, ended_at=NOON, now=NOON, **facts):
    return decide(
        rule, channel, has_address, ended_at, now, Facts(draw=facts.pop("draw", 0.0), **facts)
    )


def test_a_call_is_invited_by_sms_after_the_default_delay():
    decision = invite()
    assert decision.outcome == "invited" and decision.survey_mode == "sms"
    assert decision.schedule.due_at == NOON + timedelta(minutes=10)
    assert decision.schedule.quiet_delayed is False
    assert decision.schedule.expires_at == decision.schedule.due_at + timedelta(days=7)
    assert decision.schedule.reminder_due_at is None  # reminder off by default
    assert decision.inclusion_probability == 1.0


def test_modes_follow_the_contact_channel_only():
    assert invitation_mode("phone") == ("sms", "phone")
    assert invitation_mode("email") == ("email", "email")
    assert invitation_mode("contact_form") == ("email", "email")
    assert invitation_mode("whatsapp") == ("whatsapp", "phone")
    for channel in ("letter", "counter", "website", "social"):
        assert invitation_mode(channel) is None
        assert invite(channel=channel).outcome == "not_eligible"


def test_a_rule_may_choose_whatsapp_after_a_call_only():
    assert invitation_mode("phone", "whatsapp") == ("whatsapp", "phone")
    assert invitation_mode("phone", "sms") == ("sms", "phone")
    assert invitation_mode("email", "whatsapp") is None  # an e-mail address is no number
    assert invitation_mode("whatsapp", "sms") is None
    assert allows("phone", "whatsapp", "phone") and allows("phone", "sms", "phone")
    assert not allows("email", "whatsapp", "phone")
    assert not allows("whatsapp", "sms", "phone")
    assert not allows("phone", "whatsapp", "email")


def test_no_rule_or_an_inactive_rule_invites_nobody():
    assert decide(None, "phone", True, NOON, NOON, Facts(draw=0.0)).outcome == "not_eligible"
    assert invite(rule=Rule(survey_id=1, active=False)).outcome == "not_eligible"


def test_sampling_draw_against_the_rate_which_becomes_the_inclusion_probability():
    rule = Rule(survey_id=1, sampling_rate=0.25)
    assert invite(rule=rule, draw=0.2499).outcome == "invited"
    assert invite(rule=rule, draw=0.2499).inclusion_probability == 0.25
    assert invite(rule=rule, draw=0.25).outcome == "not_sampled"
    rng = random.Random(7)
    outcomes = [invite(rule=rule, draw=rng.random()).outcome for _ in range(4000)]
    share = outcomes.count("invited") / len(outcomes)
    assert 0.22 < share < 0.28


def test_sampling_comes_before_the_losses_after_it():
    rule = Rule(survey_id=1, sampling_rate=0.5)
    assert invite(rule=rule, draw=0.9, has_address=False).outcome == "not_sampled"
    assert invite(rule=rule, draw=0.1, has_address=False).outcome == "no_address"


def test_no_address_opt_out_throttle_and_cap_each_stop_the_invitation():
    assert invite(has_address=False).outcome == "no_address"
    assert invite(opted_out=True).outcome == "opted_out"
    assert invite(last_invited_at=NOON - timedelta(days=29)).outcome == "throttled"
    assert invite(last_invited_at=NOON - timedelta(days=30)).outcome == "invited"
    capped = Rule(survey_id=1, daily_cap=100)
    assert invite(rule=capped, invited_that_day=99).outcome == "invited"
    assert invite(rule=capped, invited_that_day=100).outcome == "capped"
    # An opt-out outranks a throttle: the funnel counts the stronger reason.
    assert invite(opted_out=True, last_invited_at=NOON).outcome == "opted_out"


def test_throttle_days_come_from_the_rule():
    rule = Rule(survey_id=1, throttle_days=7)
    assert invite(rule=rule, last_invited_at=NOON - timedelta(days=6)).outcome == "throttled"
    assert invite(rule=rule, last_invited_at=NOON - timedelta(days=8)).outcome == "invited"
    never = Rule(survey_id=1, throttle_days=0)
    assert invite(rule=never, last_invited_at=NOON).outcome == "invited"


def test_a_contact_reported_too_late_is_not_asked_about():
    late = NOON + timedelta(days=7, minutes=1)
    assert invite(now=late).outcome == "not_eligible"
    assert invite(now=NOON + timedelta(days=6)).outcome == "invited"


def test_a_late_report_is_due_now_not_in_the_past():
    now = NOON + timedelta(hours=3)
    assert invite(now=now).schedule.due_at == now


@pytest.mark.parametrize(
    "local, quiet",
    [
        (ams(2026, 6, 10, 20, 59), False),
        (ams(2026, 6, 10, 21, 0), True),
        (ams(2026, 6, 11, 0, 30), True),
        (ams(2026, 6, 11, 8, 59), True),
        (ams(2026, 6, 11, 9, 0), False),
    ],
)
def test_quiet_hours_cross_midnight(local, quiet):
    assert in_quiet_hours(local.astimezone(UTC), time(21), time(9)) is quiet


def test_an_evening_contact_is_sent_at_nine_the_next_morning():
    ended = ams(2026, 6, 10, 20, 55).astimezone(UTC)  # due 21:05: quiet
    s = schedule(RULE, ended, ended)
    assert s.due_at == ams(2026, 6, 11, 9, 0).astimezone(UTC)
    assert s.quiet_delayed is True
    night = ams(2026, 6, 11, 2, 30).astimezone(UTC)  # after midnight: the same morning
    assert schedule(RULE, night, night).due_at == ams(2026, 6, 11, 9, 0).astimezone(UTC)


def test_quiet_hours_across_the_spring_daylight_saving_change():
    # Saturday 28 March 2026 22:00 CET; the clocks go forward that night (02:00 → 03:00).
    ended = ams(2026, 3, 28, 22, 0).astimezone(UTC)
    assert ended == datetime(2026, 3, 28, 21, 0, tzinfo=UTC)
    due = schedule(RULE, ended, ended).due_at
    assert due.astimezone(AMSTERDAM).strftime("%H:%M %Z") == "09:00 CEST"
    assert due == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 8:00 UTC would be 10:00 CEST


def test_quiet_hours_across_the_autumn_daylight_saving_change():
    # Saturday 24 October 2026 22:00 CEST; the clocks go back that night (03:00 → 02:00).
    ended = ams(2026, 10, 24, 22, 0).astimezone(UTC)
    assert ended == datetime(2026, 10, 24, 20, 0, tzinfo=UTC)
    due = schedule(RULE, ended, ended).due_at
    assert due.astimezone(AMSTERDAM).strftime("%H:%M %Z") == "09:00 CET"
    assert due == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    # The repeated hour (02:00-03:00 twice) is quiet both times.
    for utc_hour in (0, 1):
        assert in_quiet_hours(datetime(2026, 10, 25, utc_hour, 30, tzinfo=UTC), time(21), time(9))


def test_a_quiet_end_inside_the_spring_gap_lands_just_after_it():
    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET
    end = out_of_quiet_hours(moment, time(23), time(2, 30))  # 02:30 does not exist that day
    assert end == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert end.astimezone(AMSTERDAM).strftime("%H:%M") == "03:30"


def test_equal_start_and_end_means_no_quiet_hours():
    rule = Rule(survey_id=1, quiet_start=time(0), quiet_end=time(0))
    ended = ams(2026, 6, 10, 23, 0).astimezone(UTC)
    assert schedule(rule, ended, ended).quiet_delayed is False


def test_expiry_counts_from_the_moment_the_message_is_due():
    rule = Rule(survey_id=1, expiry_days=3)
    ended = ams(2026, 6, 10, 22, 0).astimezone(UTC)
    s = schedule(rule, ended, ended)
    assert s.expires_at == ams(2026, 6, 14, 9, 0).astimezone(UTC)


def test_the_reminder_follows_the_message_outside_quiet_hours_and_before_expiry():
    rule = Rule(survey_id=1, reminder_after_hours=48)
    ended = ams(2026, 6, 10, 12, 0).astimezone(UTC)
    s = schedule(rule, ended, ended)
    assert s.reminder_due_at == s.due_at + timedelta(hours=48)
    evening = ams(2026, 6, 10, 20, 0).astimezone(UTC)  # due 20:10, reminder 12 h later: 08:10
    s = schedule(Rule(survey_id=1, reminder_after_hours=12), evening, evening)
    assert s.reminder_due_at == ams(2026, 6, 11, 9, 0).astimezone(UTC)
    late = schedule(Rule(survey_id=1, reminder_after_hours=24 * 8), ended, ended)
    assert late.reminder_due_at is None  # after the link expired: no reminder
