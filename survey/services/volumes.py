"""Contact volumes per channel per month: the totals monthly reports weight to."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain.channels import CONTACT_CHANNELS
from survey.errors import Invalid
from survey.extensions import db
from survey.models import ContactVolume
from survey.reports.period import label, parse_month
from survey.services import catalogue


def _check(channel: str, count) -> int:
    if channel not in CONTACT_CHANNELS:
        raise Invalid(
            "unknown_channel",
            f"Unknown contact channel '{channel}'; use one of {', '.join(CONTACT_CHANNELS)}.",
            "contact_channel",
        )
    try:
        value = int(str(count).strip())
    except ValueError:
        raise Invalid(
            "wrong_type", f"Count must be a whole number, got {count!r}.", "count"
        ) from None
    if value < 0:
        raise Invalid("out_of_range", f"Count must not be negative, got {value}.", "count")
    return value


def _upsert(org_id: int, month: date, channel: str, count: int) -> None:
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
    else:
        row.count = count


def set_volume(org_slug: str, month: str | date, channel: str, count) -> None:
    """Store (or replace) one channel's contact count for one month."""
    try:
        day = month if isinstance(month, date) else parse_month(month)
    except ValueError as error:
        raise Invalid("wrong_month", str(error), "month") from None
    checked = _check(channel, count)
    with unit_of_work():
        _upsert(catalogue.organisation(org_slug).id, day, channel, checked)


def import_csv(org_slug: str, text: str) -> int:
    """Store volumes from CSV with columns month,contact_channel,count; all rows or none."""
    catalogue.organisation(org_slug)  # an unknown organisation is the first error to report
    reader = csv.DictReader(io.StringIO(text))
    missing = {"month", "contact_channel", "count"} - set(reader.fieldnames or [])
    if missing:
        raise Invalid("missing_columns", f"CSV lacks column(s): {', '.join(sorted(missing))}.")
    rows = []
    seen: dict[tuple[date, str], int] = {}
    for line, record in enumerate(reader, start=2):
        try:
            day = parse_month(record["month"] or "")
            channel = record["contact_channel"]
            rows.append((day, channel, _check(channel, record["count"])))
        except Invalid as error:
            raise Invalid(error.code, f"Line {line}: {error.message}", error.field) from None
        except ValueError as error:
            raise Invalid("wrong_month", f"Line {line}: {error}", "month") from None
        first = seen.setdefault((day, channel), line)
        if first != line:
            # Which of two counts is right cannot be guessed: refuse the file, name both lines.
            raise Invalid(
                "duplicate",
                f"Lines {first} and {line}: {channel} in {label(day)} appears twice; "
                "give each month and channel once.",
                "contact_channel",
            )
    with unit_of_work():
        org_id = catalogue.organisation(org_slug).id
        for day, channel, count in rows:
            _upsert(org_id, day, channel, count)
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
