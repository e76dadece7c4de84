"""Report periods: a month, a quarter, a year or a range of months (Europe/Amsterdam).

Written in URLs as ``period=month&at=2026-10``, ``period=quarter&at=2026-Q4``,
``period=year&at=2026`` or ``period=range&from=2026-01&to=2026-06``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from survey.reports.period import parse_month, previous_month, shift

KINDS = ("month", "quarter", "year", "range")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
MAX_MONTHS = 36  # a range longer than three years is refused


@dataclass(frozen=True)
class Period:
    kind: str
    first: date  # first month
    last: date  # last month, inclusive

    @property
    def length(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    def months(self) -> list[date]:
        return [shift(self.first, i) for i in range(self.length)]

    def shifted(self, periods: int) -> Period:
        """The period ``periods`` lengths later (negative: earlier), of the same kind."""
        step = periods * self.length
        return Period(self.kind, shift(self.first, step), shift(self.last, step))

    def year_before(self) -> Period:
        return Period(self.kind, shift(self.first, -12), shift(self.last, -12))

    def at(self) -> str:
        """The period's ``at`` value in URLs (ranges use ``start``/``end``)."""
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.first.year}"
        if self.kind == "range":
            return f"{self.first:%Y-%m}..{self.last:%Y-%m}"
        return f"{self.first:%Y-%m}"

    def query(self) -> dict[str, str]:
        if self.kind == "range":
            return {"period": "range", "from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}"}
        return {"period": self.kind, "at": self.at()}

    def label(self, language: str) -> str:
        """'oktober 2026', 'K4 2026' / 'Q4 2026', '2026', 'jan 2026 – jun 2026'."""
        if self.kind == "month":
            return format_date(self.first, "LLLL y", locale=language)
        if self.kind == "quarter":
            return format_date(self.first, "QQQ y", locale=language)
        if self.kind == "year":
            return str(self.first.year)
        start = format_date(self.first, "LLL y", locale=language)
        return f"{start} – {format_date(self.last, 'LLL y', locale=language)}"

    def short(self, language: str) -> str:
        """A label for a chart axis: 'okt 26', 'K4 26', '2026'."""
        if self.kind == "month":
            return format_date(self.first, "LLL yy", locale=language)
        if self.kind == "quarter":
            return format_date(self.first, "QQQ yy", locale=language)
        if self.kind == "year":
            return str(self.first.year)
        return format_date(self.last, "LLL yy", locale=language)


def parse(
    kind: str | None, at: str | None, start: str | None, end: str | None, today: date
) -> Period:
    """The period of a URL's values; ValueError with a clear message for a bad one. Without
    values: the previous calendar month (the month of the last monthly report)."""
    kind = kind or "month"
    if kind not in KINDS:
        raise ValueError(f"period must be one of {', '.join(KINDS)}, got {kind!r}.")
    if kind == "range":
        first, last = parse_month(start or ""), parse_month(end or "")
        if last < first:
            raise ValueError("'to' must not be before 'from'.")
        period = Period("range", first, last)
        if period.length > MAX_MONTHS:
            raise ValueError(f"A range may be at most {MAX_MONTHS} months.")
        return period
    if not at:
        month = previous_month(today)
        if kind == "month":
            return Period("month", month, month)
        at = f"{month.year}-Q{(month.month - 1) // 3 + 1}" if kind == "quarter" else str(month.year)
    if kind == "month":
        month = parse_month(at)
        return Period("month", month, month)
    if kind == "quarter":
        match = _QUARTER.match(at.strip())
        if not match:
            raise ValueError(f"A quarter looks like 2026-Q4, got {at!r}.")
        first = date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1)
        return Period("quarter", first, shift(first, 2))
    match = _YEAR.match(at.strip())
    if not match:
        raise ValueError(f"A year looks like 2026, got {at!r}.")
    year = int(match.group(1))
    return Period("year", date(year, 1, 1), date(year, 12, 1))
