"""Working-day deadlines across weekends, King's Day and Christmas (holidays library's NL)."""

from datetime import UTC, date, datetime

import pytest

from survey.domain.working_days import (
    add_working_days,
    deadline,
    is_working_day,
    public_holidays,
    working_days_between,
)


def test_weekends_are_skipped():
    friday = date(2026, 3, 13)
    assert add_working_days(friday, 1) == date(2026, 3, 16)  # Monday
    assert add_working_days(friday, 2) == date(2026, 3, 17)  # Tuesday
    saturday = date(2026, 3, 14)
    assert add_working_days(saturday, 1) == date(2026, 3, 16)
    assert add_working_days(friday, 0) == friday
    assert working_days_between(friday, date(2026, 3, 17)) == 2


def test_kings_day_on_the_27th_is_not_a_working_day():
    # 27 April 2026 is a Monday: a request on Friday 24 April is due on Wednesday 29 April.
    assert not is_working_day(date(2026, 4, 27))
    assert add_working_days(date(2026, 4, 24), 2) == date(2026, 4, 29)
    assert add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)


def test_kings_day_moves_to_the_26th_when_the_27th_is_a_sunday():
    # 27 April 2025 was a Sunday: King's Day was Saturday 26 April; the 27th is no holiday.
    calendar = public_holidays()
    assert date(2025, 4, 26) in calendar
    assert date(2025, 4, 27) not in calendar
    # 27 April 2031 is a Sunday as well.
    assert date(2031, 4, 26) in calendar
    # 27 April 2029 is a Friday: a holiday on the 27th itself.
    assert date(2029, 4, 27) in calendar
    assert add_working_days(date(2029, 4, 26), 1) == date(2029, 4, 30)


def test_christmas_and_new_year():
    # Wednesday 24 December 2025: Christmas Thursday and Boxing Day Friday, then the weekend.
    assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)
    assert add_working_days(date(2025, 12, 24), 2) == date(2025, 12, 30)
    # Over New Year 2026 (a Thursday): 31 December + 2 working days is Monday 5 January.
    assert add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 5)
    assert working_days_between(date(2025, 12, 24), date(2026, 1, 5)) == 5


def test_easter_monday_and_good_friday():
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_deadline_is_the_end_of_the_last_working_day_in_amsterdam():
    # Friday 24 April 2026 16:00 in Amsterdam (14:00 UTC), norm 2: end of Wednesday 29 April,
    # i.e. Thursday 30 April 00:00 local = 29 April 22:00 UTC (summer time).
    received = datetime(2026, 4, 24, 14, 0, tzinfo=UTC)
    assert deadline(received, 2) == datetime(2026, 4, 29, 22, 0, tzinfo=UTC)
    # A request at 23:30 local on Friday 23:30 (21:30 UTC) still counts from that Friday;
    # one at 00:30 local on Saturday (22:30 UTC Friday) counts from the Saturday: same deadline.
    assert deadline(datetime(2026, 4, 24, 21, 30, tzinfo=UTC), 2) == deadline(
        datetime(2026, 4, 24, 22, 30, tzinfo=UTC), 2
    )
    # Winter time: Wednesday 24 December 2025 10:00 UTC, norm 2: end of Tuesday 30 December.
    assert deadline(datetime(2025, 12, 24, 10, 0, tzinfo=UTC), 2) == datetime(
        2025, 12, 30, 23, 0, tzinfo=UTC
    )


def test_a_given_calendar_replaces_the_library():
    assert add_working_days(date(2026, 3, 13), 1, holidays={date(2026, 3, 16)}) == date(
        2026, 3, 17
    )
    assert is_working_day(date(2026, 4, 27), holidays=set())


def test_refuses_naive_times_and_odd_norms():
    with pytest.raises(ValueError):
        deadline(datetime(2026, 1, 5, 12, 0), 2)
    with pytest.raises(ValueError):
        deadline(datetime(2026, 1, 5, 12, 0, tzinfo=UTC), 0)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)
