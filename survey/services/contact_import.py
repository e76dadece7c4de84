"""`flask kto contacts import FILE.csv`: contacts from a spreadsheet, all or nothing.

The file may be UTF-8 (with or without BOM) or the Windows-1252 that Excel writes, separated
by `;` (Dutch Excel) or `,`; the header names the columns as the API's fields. A time without
a zone is Amsterdam time, and Dutch day-first dates (05-12-2026 14:30) are read too. Every
invalid row is reported by its line number; nothing is stored when any row is invalid, unless
`skip_invalid` asks to store the valid rows.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from survey.database import unit_of_work
from survey.domain.contacts import FIELDS
from survey.domain.invitation_rules import AMSTERDAM
from survey.errors import Invalid
from survey.services import catalogue
from survey.services.contacts import (
    conflict_message,
    insert_new,
    lock_intake,
    parse_all,
    prepare,
    sort_batch,
)

SHOWN_ERRORS = 50
_DAY_FIRST = ("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")


@dataclass
class ImportReport:
    stored: int = 0
    existing: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    outcomes: Counter = field(default_factory=Counter)


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252; anything else is refused clearly."""
    if b"\x00" in data:
        raise Invalid(
            "wrong_encoding",
            "The file contains NUL bytes (UTF-16?): save it as 'CSV UTF-8' or plain CSV.",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise Invalid(
            "wrong_encoding", "The file is neither UTF-8 nor Windows-1252 text."
        ) from None


def _moment(text: str) -> str:
    """An ISO timestamp with a zone: naive and Dutch day-first times are Amsterdam time."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for pattern in _DAY_FIRST:
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            return text  # the contact's own check names the problem
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=AMSTERDAM)
    return moment.isoformat()


def rows_of(text: str) -> list[tuple[int, dict]]:
    """(line number, payload) of every non-empty row; the header decides the separator."""
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = [n.strip().lower() for n in next(reader)]
    except StopIteration:
        raise Invalid("empty_file", "The file is empty.") from None
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        raise Invalid(
            "unknown_column",
            f"Line 1: unknown column(s) {', '.join(repr(n[:40]) for n in unknown)}; "
            f"known: {', '.join(sorted(FIELDS))}.",
        )
    missing = {"contact_channel", "ended_at"} - set(names)
    if missing:
        raise Invalid("missing_columns", f"Line 1: column(s) {', '.join(sorted(missing))} missing.")
    rows = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(names):
                rows.append((reader.line_num, {"__cells__": len(cells)}))
                continue
            payload = {n: c.strip() for n, c in zip(names, cells, strict=True) if c.strip()}
            if "ended_at" in payload:
                payload["ended_at"] = _moment(payload["ended_at"])
            rows.append((reader.line_num, payload))
    except csv.Error as error:
        raise Invalid("broken_csv", f"Line {reader.line_num}: {error}.") from None
    return rows


def import_contacts(
    org_slug: str, path: str, now: datetime, skip_invalid: bool = False, max_bytes: int = 0
) -> ImportReport:
    """Store the contacts of a CSV file (see the module's docstring)."""
    org = catalogue.organisation(org_slug)
    size = os.path.getsize(path)
    if max_bytes and size > max_bytes:
        raise Invalid(
            "file_too_large",
            f"The file is {size / 1e6:.1f} MB; at most {max_bytes / 1e6:.0f} MB is imported at "
            "once. Split it into smaller files.",
        )
    with open(path, "rb") as handle:
        rows = rows_of(decode(handle.read(max_bytes + 1 if max_bytes else -1)))
    report = ImportReport()
    if not rows:
        return report
    lines = [line for line, _ in rows]
    payloads = [p for _, p in rows]
    bad_shape = {i for i, p in enumerate(payloads) if "__cells__" in p}
    for i in sorted(bad_shape):
        report.errors.append((lines[i], "The row does not have as many cells as the header."))
    parsed, errors = parse_all([{} if i in bad_shape else p for i, p in enumerate(payloads)], now)
    for index, error in errors:
        if index not in bad_shape:
            report.errors.append((lines[index], error.message))
    prepared = []
    for index, contact in parsed:
        try:
            prepared.append(prepare(org.id, index, contact, batch=False))
        except Invalid as error:
            report.errors.append((lines[index], error.message))
    with unit_of_work():
        lock_intake(org.id)
        batch = sort_batch(org.id, prepared)
        for p in batch.conflicts:
            report.errors.append((lines[p.index], conflict_message(p)))
        report.errors.sort()
        if report.errors and not skip_invalid:
            raise Invalid("invalid_rows", _summary(report.errors))
        results = insert_new(org.id, batch.new, now)
    report.stored = len(results)
    report.existing = len(batch.known) + len(batch.twins)
    report.outcomes = Counter(r.outcome for r in results.values())
    return report


def _summary(errors: list[tuple[int, str]]) -> str:
    shown = [f"Line {line}: {reason}" for line, reason in errors[:SHOWN_ERRORS]]
    more = len(errors) - SHOWN_ERRORS
    if more > 0:
        shown.append(f"... and {more} more invalid row(s).")
    return (
        f"Nothing was imported: {len(errors)} invalid row(s) "
        "(use --skip-invalid to import the valid rows).\n" + "\n".join(shown)
    )
