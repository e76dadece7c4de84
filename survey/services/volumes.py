"""Contact volumes per channel per month: the totals monthly reports weight to.

The CLI (`flask kto volumes set|import`, by organisation code, English messages) and the staff
pages (by organisation id, in the page's language, with an audit row) share one parser: a CSV
is stored whole or not at all, and every bad line is reported with its number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain.channels import CONTACT_CHANNELS
from survey.errors import Invalid
from survey.extensions import db
from survey.i18n import in_language
from survey.models import ContactVolume
from survey.reports.period import label, parse_month
from survey.services import audit, catalogue

MAX_COUNT = 10**9
MAX_LINES = 5000
MAX_ERRORS = 50
COLUMNS = ("month", "contact_channel", "count")


@dataclass(frozen=True)
class LineError:
    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d: %(message)s", line=self.line, message=self.message)


class CsvInvalid(Invalid):
    """A CSV with bad lines: every one is in `lines` (up to MAX_ERRORS), nothing was stored."""

    def __init__(self, lines: list[LineError]):
        super().__init__("invalid_csv", "; ".join(str(e) for e in lines), "file")
        self.lines = lines


def check_month(raw) -> date:
    if isinstance(raw, date):
        return date(raw.year, raw.month, 1)
    try:
        return parse_month(raw or "")
    except ValueError:
        raise Invalid(
            "wrong_month", _("Month must look like 2026-10, got %(value)r.", value=raw), "month"
        ) from None


def check_channel(channel) -> str:
    if channel not in CONTACT_CHANNELS:
        raise Invalid(
            "unknown_channel",
            _("Unknown contact channel %(value)r; use one of %(channels)s.",
              value=channel, channels=", ".join(CONTACT_CHANNELS)),
            "contact_channel",
        )
    return channel


def check_count(count) -> int:
    try:
        value = int(str(count).strip())
    except ValueError:
        raise Invalid(
            "wrong_type", _("Count must be a whole number, got %(value)r.", value=count), "count"
        ) from None
    if value < 0:
        raise Invalid(
            "out_of_range", _("Count must not be negative, got %(value)d.", value=value), "count"
        )
    if value > MAX_COUNT:
        raise Invalid(
            "out_of_range", _("Count must be at most %(max)d.", max=MAX_COUNT), "count"
        )
    return value


def _check(channel: str, count) -> int:
    check_channel(channel)
    return check_count(count)


def parse_csv(text: str) -> list[tuple[date, str, int]]:
    """Rows of a CSV with columns month,contact_channel,count; CsvInvalid lists every bad line
    (including a month and channel given twice)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise CsvInvalid([LineError(1, None, str(error))]) from None
    missing = set(COLUMNS) - {h.strip() for h in header if h}
    if missing:
        raise Invalid(
            "missing_columns",
            _("CSV lacks column(s): %(columns)s.", columns=", ".join(sorted(missing))),
            "file",
        )
    rows, errors, seen = [], [], {}
    try:
        for line, record in enumerate(reader, start=2):
            record = {(k or "").strip(): v for k, v in record.items()}
            if line - 1 > MAX_LINES:
                raise Invalid(
                    "too_many_lines", _("At most %(n)d lines.", n=MAX_LINES), "file"
                )
            if None in record or "" in record:
                errors.append(LineError(line, None, _("More values than columns.")))
                continue
            try:
                day = check_month(record["month"])
                channel = check_channel((record["contact_channel"] or "").strip())
                count = check_count(record["count"])
            except Invalid as error:
                errors.append(LineError(line, error.field, error.message))
                continue
            if (day, channel) in seen:
                errors.append(LineError(
                    line, "month",
                    _("%(month)s %(channel)s was already given on line %(first)d.",
                      month=f"{day:%Y-%m}", channel=channel, first=seen[(day, channel)]),
                ))
                continue
            seen[(day, channel)] = line
            rows.append((day, channel, count))
    except csv.Error as error:
        errors.append(LineError(reader.line_num, None, str(error)))
    if errors:
        raise CsvInvalid(errors[:MAX_ERRORS])
    if not rows:
        raise Invalid("empty", _("The file has no lines with volumes."), "file")
    return rows


def _upsert(org_id: int, month: date, channel: str, count: int) -> int | None:
    """Store one volume; the count it replaced (None when new)."""
    row = db.session.execute(
        select(ContactVolume).where(
            ContactVolume.organisation_id == org_id,
            ContactVolume.month == month,
            ContactVolume.contact_channel == channel,
        )
    ).scalar()
    if row is None:
        db.session.add(
            ContactVolume(organisation_id=org_id, month=month, contact_channel=channel, count=count)
        )
        return None
    before, row.count = row.count, count
    return before


def set_volume(org_slug: str, month: str | date, channel: str, count) -> None:
    """Store (or replace) one channel's contact count for one month (CLI)."""
    with in_language("en"):
        day = check_month(month)
        checked = _check(channel, count)
    with unit_of_work():
        _upsert(catalogue.organisation(org_slug).id, day, channel, checked)


def import_csv(org_slug: str, text: str) -> int:
    """Store volumes from CSV with columns month,contact_channel,count; all rows or none (CLI)."""
    catalogue.organisation(org_slug)  # an unknown organisation is the first error to report
    with in_language("en"):
        rows = parse_csv(text)
    with unit_of_work():
        org_id = catalogue.organisation(org_slug).id
        for day, channel, count in rows:
            _upsert(org_id, day, channel, count)
    return len(rows)


def save_volume(organisation_id: int, actor, month, channel, count) -> None:
    """Store one channel's contact count for one month from the staff page."""
    day, channel, count = check_month(month), check_channel(channel), check_count(count)
    with unit_of_work() as session:
        before = _upsert(organisation_id, day, channel, count)
        audit.record(
            session, actor, organisation_id, "volume.set", f"volume:{day:%Y-%m}:{channel}",
            None if before is None else {"count": before}, {"count": count},
        )


def upload_csv(organisation_id: int, actor, text: str) -> int:
    """Store every line of a CSV from the staff page, or nothing (CsvInvalid lists the lines)."""
    rows = parse_csv(text)
    with unit_of_work() as session:
        for day, channel, count in rows:
            before = _upsert(organisation_id, day, channel, count)
            audit.record(
                session, actor, organisation_id, "volume.import",
                f"volume:{day:%Y-%m}:{channel}",
                None if before is None else {"count": before}, {"count": count},
            )
    return len(rows)


def volumes_for(organisation_id: int, month: date) -> dict[str, int]:
    """{channel: contacts} for one month (empty when none were entered)."""
    rows = db.session.execute(
        select(ContactVolume.contact_channel, ContactVolume.count).where(
            ContactVolume.organisation_id == organisation_id, ContactVolume.month == month
        )
    ).all()
    return {channel: count for channel, count in rows}


def list_volumes(org_slug: str, since: str | None = None, until: str | None = None) -> list[dict]:
    """Stored volumes of an organisation, oldest month first, channels in their order:
    ``[{"month": "2026-10", "contact_channel": "phone", "count": 9100}, ...]``.
    ``since``/``until`` (YYYY-MM, inclusive) limit the months."""
    organisation = catalogue.organisation(org_slug)
    query = select(ContactVolume.month, ContactVolume.contact_channel, ContactVolume.count).where(
        ContactVolume.organisation_id == organisation.id
    )
    for bound, name, compare in ((since, "since", "__ge__"), (until, "until", "__le__")):
        if bound:
            try:
                day = parse_month(bound)
            except ValueError as error:
                raise Invalid("wrong_month", str(error), name) from None
            query = query.where(getattr(ContactVolume.month, compare)(day))
    order = {c: i for i, c in enumerate(CONTACT_CHANNELS)}
    rows = sorted(
        db.session.execute(query).all(), key=lambda r: (r[0], order.get(r[1], len(order)))
    )
    return [{"month": label(m), "contact_channel": c, "count": n} for m, c, n in rows]


def volumes_between(organisation_id: int, first: date, last: date) -> dict[tuple[date, str], int]:
    """{(month, channel): contacts} for the months first..last."""
    rows = db.session.execute(
        select(ContactVolume.month, ContactVolume.contact_channel, ContactVolume.count).where(
            ContactVolume.organisation_id == organisation_id,
            ContactVolume.month >= first,
            ContactVolume.month <= last,
        )
    ).all()
    return {(m, c): n for m, c, n in rows}
