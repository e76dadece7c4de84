"""Working days: deadlines of a service norm such as "within 2 working days".

Pure: the standard library and `holidays` (a maintained calendar of public holidays computed in
code, no I/O). Weekends and the Dutch public holidays of that library are not working days
(New Year, Good Friday, Easter, King's Day on 27 April or on the 26th when the 27th is a
Sunday, Liberation Day in lustrum years, Ascension, Whitsun, Christmas).

The rule: a request received on day D is due at the end of the N-th working day after D (D
itself does not count, whether or not it is a working day), in the organisation's time zone.
So a request on Friday with a norm of 2 working days is due at the end of Tuesday.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

COUNTRY = "NL"
MAX_NORM_DAYS = 60


@lru_cache(maxsize=8)
def public_holidays(country: str = COUNTRY) -> Container[date]:
    """The public holidays of a country (years are filled in as they are asked for)."""
    return holiday_calendars.country_holidays(country)


def is_working_day(day: date, holidays: Container[date] | None = None) -> bool:
    """Monday to Friday and not a public holiday."""
    calendar = public_holidays() if holidays is None else holidays
    return day.weekday() < 5 and day not in calendar


def add_working_days(day: date, days: int, holidays: Container[date] | None = None) -> date:
    """The `days`-th working day after `day` (0: `day` itself)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = day
    left = days
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            left -= 1
    return current


def working_days_between(start: date, end: date, holidays: Container[date] | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            count += 1
    return count


def deadline(
    received: datetime,
    norm_days: int,
    timezone: str = "Europe/Amsterdam",
    holidays: Container[date] | None = None,
) -> datetime:
    """When a request received at `received` (aware) is due: the end of the norm's last
    working day on the local clock, as an aware UTC datetime."""
    if received.tzinfo is None:
        raise ValueError("received must be timezone-aware")
    if not 1 <= norm_days <= MAX_NORM_DAYS:
        raise ValueError(f"norm_days must be 1 to {MAX_NORM_DAYS}")
    zone = ZoneInfo(timezone)
    local_day = received.astimezone(zone).date()
    last = add_working_days(local_day, norm_days, holidays)
    end = datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=zone)
    return end.astimezone(UTC)
