"""Opening hours of a location per weekday, and whether it is open at a moment.

Pure: stored as JSON on the location, ``{"mon": [["08:30", "12:00"], ["13:00", "17:00"]], ...}``
in the location's local time (Europe/Amsterdam); a weekday that is missing or empty is closed.
Alerts (no kiosk answers while open) read `is_open`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from survey.domain.errors import ValidationError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_PERIODS = 4
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")
_PERIOD = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")


def _bad(day: str, message: str) -> ValidationError:
    return ValidationError("invalid_hours", message, day)


def _minutes(clock: str, day: str) -> int:
    if not isinstance(clock, str):
        raise _bad(day, "A time is text such as 08:30.")
    clock = clock if len(clock) != 4 else f"0{clock}"
    if not _CLOCK.match(clock):
        raise _bad(day, f"'{clock}' is not a time such as 08:30.")
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def parse_day(text: str, day: str) -> list[list[str]]:
    """'08:30-12:00, 13:00-17:00' -> [["08:30", "12:00"], ["13:00", "17:00"]]; '' = closed."""
    if not isinstance(text, str):
        raise _bad(day, "Opening hours are text such as 08:30-17:00.")
    parts = [p for p in text.split(",") if p.strip()]
    periods = []
    for part in parts:
        match = _PERIOD.match(part)
        if not match:
            raise _bad(day, f"'{part.strip()}' is not a period such as 08:30-17:00.")
        periods.append([match.group(1), match.group(2)])
    return check_day(periods, day)


def check_day(periods, day: str) -> list[list[str]]:
    """Periods of one day, in order, each start before its end, not overlapping."""
    if not isinstance(periods, list) or len(periods) > MAX_PERIODS:
        raise _bad(day, f"At most {MAX_PERIODS} periods a day.")
    spans = []
    for period in periods:
        if not isinstance(period, list | tuple) or len(period) != 2:
            raise _bad(day, "A period is a start and an end time.")
        start, end = (_minutes(str(p), day) for p in period)
        if start >= end:
            raise _bad(day, f"A period must end after it starts ({period[0]}-{period[1]}).")
        spans.append((start, end))
    spans.sort()
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise _bad(day, "Periods of one day must not overlap.")
    return [[_clock(s), _clock(e)] for s, e in spans]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_hours(raw) -> dict[str, list[list[str]]]:
    """A week's opening hours, weekdays in order, closed days left out."""
    raw = raw or {}
    if not isinstance(raw, dict) or set(raw) - set(WEEKDAYS):
        raise _bad("", f"Opening hours are given per weekday ({', '.join(WEEKDAYS)}).")
    week = {day: check_day(raw[day], day) for day in WEEKDAYS if day in raw}
    return {day: periods for day, periods in week.items() if periods}


def day_text(hours: dict, day: str) -> str:
    """One day as the form shows it: '08:30-12:00, 13:00-17:00' ('' when closed)."""
    return ", ".join(f"{start}-{end}" for start, end in (hours or {}).get(day, []))


def is_open(hours: dict, moment: datetime) -> bool:
    """Whether the location is open at `moment` (a local time: convert before asking)."""
    day = WEEKDAYS[moment.weekday()]
    minute = moment.hour * 60 + moment.minute
    return any(
        _minutes(start, day) <= minute < _minutes(end, day)
        for start, end in (hours or {}).get(day, [])
    )


def opening_minutes(hours: dict, day: str) -> int:
    """How many minutes the location is open on a weekday."""
    return sum(_minutes(e, day) - _minutes(s, day) for s, e in (hours or {}).get(day, []))


def open_minutes_between(hours: dict, start: datetime, end: datetime) -> int:
    """How many whole minutes the location was open from `start` to `end` (local times, the
    same tz-awareness); 0 when `end` is not after `start`."""
    if end <= start:
        return 0
    total = 0
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        name = WEEKDAYS[day.weekday()]
        for open_at, close_at in (hours or {}).get(name, []):
            period_start = day + timedelta(minutes=_minutes(open_at, name))
            period_end = day + timedelta(minutes=_minutes(close_at, name))
            overlap = min(end, period_end) - max(start, period_start)
            if overlap > timedelta(0):
                total += int(overlap.total_seconds() // 60)
        day = (day + timedelta(days=1)).replace(hour=0, minute=0)
    return total
