"""Engine tuning and the one write path, unit_of_work.

SQLite runs in WAL mode with a busy timeout. Writers from several processes also queue on an
advisory file lock beside the database: the kernel wakes the next writer the moment the lock is
free, where SQLite's own busy handler would poll with growing sleeps.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Executable, Insert, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Session


def tune_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions, so BEGIN IMMEDIATE works.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def _writer_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    fd = os.open(f"{database}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextmanager
def unit_of_work(session: Session | None = None) -> Iterator[Session]:
    """The one write path of services: a short transaction that commits on success.

    Any read transaction the session has open is ended first, so the write starts from a fresh
    snapshot. On SQLite it then takes the advisory writer lock and BEGIN IMMEDIATE, so writers
    from every thread and process queue instead of failing with "database is locked"; on
    PostgreSQL it is the session's own transaction. Rolls back on error. Yields the session.
    """
    if session is None:
        from survey.extensions import db

        session = db.session
    session.rollback()
    with _writer_lock(session.get_bind()), session.begin():
        session.connection(execution_options={"sqlite_immediate": True})
        yield session


class DriverStatement:
    """A SQLAlchemy statement compiled once per dialect and run by the database driver itself.

    On the ingest path SQLAlchemy's statement execution costs more than the database's own
    work. Values are converted with each parameter's own type (the column's, for an INSERT),
    so what is stored is exactly what SQLAlchemy would store. An INSERT must be given every
    column except its primary key; other statements get every bound parameter by name.
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[tuple, tuple] = {}

    def plan(self, dialect: Dialect, keys: tuple[str, ...]) -> tuple:
        found = self._plans.get((dialect.name, keys))
        if found is None:
            if isinstance(self.statement, Insert):
                columns = {c.key for c in self.statement.table.c if not c.primary_key}
                if columns - set(keys):
                    raise ValueError(f"columns {sorted(columns - set(keys))} not given")
                compiled = self.statement.compile(dialect=dialect, column_keys=list(keys))
            else:
                compiled = self.statement.compile(dialect=dialect)
            if set(compiled.binds) != set(keys):
                raise ValueError(f"parameters {sorted(compiled.binds)} needed, got {sorted(keys)}")
            converters = tuple(
                (key, compiled.binds[key].type.dialect_impl(dialect).bind_processor(dialect))
                for key in keys
            )
            found = (str(compiled), compiled.positiontup, converters)
            self._plans[(dialect.name, keys)] = found
        return found

    def bind(self, dialect: Dialect, values: dict) -> tuple[str, tuple | dict]:
        """The SQL and the driver's parameters for these values."""
        sql, order, converters = self.plan(dialect, tuple(values))
        params = {k: (convert(values[k]) if convert else values[k]) for k, convert in converters}
        return sql, (tuple(params[k] for k in order) if order else params)


class DriverWrite:
    """DriverStatements run on the driver connection of an open unit of work.

    The statements join the unit of work's transaction (its BEGIN IMMEDIATE and writer lock on
    SQLite) and commit or roll back with it. Driver errors are the driver's own
    (dialect.loaded_dbapi), not SQLAlchemy's.
    """

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self.cursor = connection.connection.dbapi_connection.cursor()
        self.dialect = connection.dialect

    def execute(self, statement: DriverStatement, values: dict):
        """Run one statement; return the first column of its first row, if it returns rows."""
        self.cursor.execute(*statement.bind(self.dialect, values))
        if self.cursor.description is None:
            return None
        row = self.cursor.fetchone()
        return None if row is None else row[0]

    def execute_many(self, statement: DriverStatement, rows: list[dict]) -> None:
        """Run one statement for rows that all give the same parameters."""
        if rows:
            bound = [statement.bind(self.dialect, row) for row in rows]
            self.cursor.executemany(bound[0][0], [params for _, params in bound])
