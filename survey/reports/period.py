"""Calendar months in Europe/Amsterdam and their exact UTC bounds."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date:
    """'2026-10' -> date(2026, 10, 1); a clear ValueError otherwise."""
    match = _MONTH.match(text.strip()) if isinstance(text, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"Month must look like 2026-10, got {text!r}.")
    return date(int(match.group(1)), int(match.group(2)), 1)


def shift(month: date, months: int) -> date:
    """The first day of the month `months` later (negative: earlier)."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def utc_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of the Amsterdam calendar month, as aware UTC datetimes."""
    start = datetime(month.year, month.month, 1, tzinfo=AMSTERDAM)
    nxt = shift(month, 1)
    end = datetime(nxt.year, nxt.month, 1, tzinfo=AMSTERDAM)
    return start.astimezone(UTC), end.astimezone(UTC)


def previous_month(today: date) -> date:
    return shift(date(today.year, today.month, 1), -1)


def label(month: date) -> str:
    return f"{month:%Y-%m}"
