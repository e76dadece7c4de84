"""The audit log: `record(...)` inside a service's unit_of_work, so a change and its audit row
commit together (or neither does). Entries are only added; nothing here changes or deletes one.

    with unit_of_work() as session:
        before = audit.snapshot(target, ("name", "timezone"))
        ... change target ...
        audit.record(session, actor, organisation.id, "organisation.update", "organisation",
                     before, audit.snapshot(target, ("name", "timezone")))

`actor` is a User, None for the command line / system, or a text label ("cli").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.extensions import db
from survey.models import AuditEntry, User
from survey.safetext import spreadsheet_text

SECRET = "(hidden)"


def _plain(value):
    """A JSON-safe copy of a value (dates as ISO text, bytes as their size)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj, fields: Iterable[str]) -> dict:
    """The named attributes of an object as a JSON-safe dict, for `before` and `after`."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(
    session: Session,
    actor: User | str | None,
    organisation_id: int | None,
    action: str,
    target: str,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Add one audit entry to the session's open unit of work."""
    if isinstance(actor, User):
        actor_id, label = actor.id, actor.email
    else:
        actor_id, label = None, actor or "system"
    entry = AuditEntry(
        organisation_id=organisation_id,
        actor_id=actor_id,
        actor_label=label[:254],
        action=action[:60],
        target=str(target)[:200],
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
    )
    session.add(entry)
    return entry


PAGE_SIZE = 100


def entries(organisation_id: int, page: int = 1, per_page: int = PAGE_SIZE) -> list[AuditEntry]:
    """One page of an organisation's entries, newest first."""
    page = max(1, page)
    return list(
        db.session.execute(
            select(AuditEntry)
            .where(AuditEntry.organisation_id == organisation_id)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(per_page + 1)
            .offset((page - 1) * per_page)
        ).scalars()
    )


def changes(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """(field, before, after) for every field that differs, in a stable order."""
    before, after = entry.before or {}, entry.after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [
        (name, before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name) or not (before and after)
    ]


CSV_COLUMNS = ("time_utc", "actor", "action", "target", "field", "before", "after")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_lines(organisation_id: int) -> Iterator[str]:
    """The whole log of an organisation as CSV (UTF-8 with BOM, `;`-separated, every text
    formula-safe), one line per changed field, oldest first; streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flush()
    rows = db.session.execute(
        select(AuditEntry)
        .where(AuditEntry.organisation_id == organisation_id)
        .order_by(AuditEntry.created_at, AuditEntry.id)
        .execution_options(yield_per=500)
    ).scalars()
    for entry in rows:
        when = entry.created_at.strftime("%Y-%m-%d %H:%M:%S")
        lines = changes(entry) or [("", None, None)]
        for name, old, new in lines:
            writer.writerow(
                [
                    spreadsheet_text(s)
                    for s in (
                        when, entry.actor_label, entry.action, entry.target,
                        name, _text(old), _text(new),
                    )
                ]
            )
        yield flush()
