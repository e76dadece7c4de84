"""Monthly partitions of responses and answers on PostgreSQL (SQLite keeps plain tables).

Migration 0022 turns `responses` and `answers` into tables partitioned by range of
`submitted_at`, one partition per Amsterdam calendar month (from midnight on the 1st,
Europe/Amsterdam, in UTC as stored), in the schema `partitions`:
`partitions.responses_2026_12`, `partitions.answers_2026_12`, and a default partition of each
for anything outside them (an import of older history). A monthly report reads one partition
(and the twelve before it for its trend); a retention run drops a month's two partitions
instead of deleting its rows one by one (`drop_month`).

PostgreSQL requires the partition key in every unique constraint of a partitioned table, so
the response UUID's global uniqueness (what makes a retried POST be stored once) is kept in
`partitions.response_keys` (uuid primary key), filled and emptied by triggers on `responses`:
a second insert of a UUID fails with the same unique violation as before.

The worker creates the partitions of this month and the next two every day
(`create_ahead`, survey/tasks.py); the migration creates those of every month with data and
of this month and the next.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

SCHEMA = "partitions"
TABLES = ("responses", "answers")  # answers follow their responses' month
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
AHEAD = 2  # months after this one whose partitions exist in advance


def first_of(month: date) -> date:
    return month.replace(day=1)


def shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def bounds(month: date) -> tuple[datetime, datetime]:
    """The month's range as stored (naive UTC): Amsterdam midnight on the 1st to the next."""

    def start(m: date) -> datetime:
        local = datetime(m.year, m.month, 1, tzinfo=AMSTERDAM)
        return local.astimezone(UTC).replace(tzinfo=None)

    month = first_of(month)
    return start(month), start(shift(month, 1))


def name(table: str, month: date) -> str:
    return f"{table}_{month:%Y_%m}"


def is_partitioned(connection: Connection) -> bool:
    if connection.dialect.name != "postgresql":
        return False
    kind = connection.execute(text(
        "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relname = 'responses' AND n.nspname = current_schema()"
    )).scalar()
    return kind == "p"


def existing(connection: Connection) -> list[str]:
    """The names of the monthly partitions (both tables), oldest first."""
    rows = connection.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE p.relname IN ('responses', 'answers') AND n.nspname = :schema "
        "AND c.relname NOT LIKE '%default' ORDER BY c.relname"
    ), {"schema": SCHEMA}).scalars()
    return list(rows)


def create_month(connection: Connection, month: date) -> list[str]:
    """Create the month's partitions that are missing; returns the names created.

    A month whose rows already sit in the default partition is left there (PostgreSQL
    refuses the new partition; logged), so creating is always safe to repeat."""
    have = set(existing(connection))
    start, end = bounds(month)
    created = []
    for table in TABLES:
        partition = name(table, month)
        if partition in have:
            continue
        try:
            with connection.begin_nested():
                connection.execute(text(
                    f"CREATE TABLE {SCHEMA}.{partition} PARTITION OF {table} "
                    f"FOR VALUES FROM ('{start:%Y-%m-%d %H:%M:%S}') TO ('{end:%Y-%m-%d %H:%M:%S}')"
                ))
            created.append(partition)
        except Exception as error:  # rows of this month in the default partition
            log.warning("partition %s not created: %s", partition, error)
    return created


def create_ahead(connection: Connection, today: date, ahead: int = AHEAD) -> list[str]:
    """This month's partitions and the next `ahead` months'; nothing on SQLite."""
    if not is_partitioned(connection):
        return []
    created = []
    for offset in range(ahead + 1):
        created += create_month(connection, shift(first_of(today), offset))
    if created:
        log.info("created partitions %s", ", ".join(created))
    return created


def drop_month(connection: Connection, month: date) -> bool:
    """Retention: remove a whole month of responses and their answers at once (detach, drop,
    and forget the month's response UUIDs). False when the month has no partition."""
    if not is_partitioned(connection):
        return False
    have = set(existing(connection))
    if name("responses", month) not in have:
        return False
    start, end = bounds(month)
    for table in ("answers", "responses"):  # answers refer to responses: they go first
        partition = name(table, month)
        if partition in have:
            connection.execute(text(f"ALTER TABLE {table} DETACH PARTITION {SCHEMA}.{partition}"))
            connection.execute(text(f"DROP TABLE {SCHEMA}.{partition}"))
    connection.execute(
        text(f"DELETE FROM {SCHEMA}.response_keys WHERE submitted_at >= :start "
             "AND submitted_at < :end"), {"start": start, "end": end},
    )
    return True


def create_ahead_now(today: date | None = None) -> list[str]:
    """The worker's daily task: this month's and the next months' partitions exist."""
    from survey.database import unit_of_work

    today = today or datetime.now(AMSTERDAM).date()
    with unit_of_work() as session:
        return create_ahead(session.connection(), today)
