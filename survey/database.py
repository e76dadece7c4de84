"""Engine tuning and the one write path, unit_of_work.

SQLite runs in WAL mode with a busy timeout. Writers from several processes also queue on an
advisory file lock beside the database: the kernel wakes the next writer the moment the lock is
free, where SQLite's own busy handler would poll with growing sleeps.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import Executable, Insert, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Session

# SQLite results that mean the file cannot be written now (read-only, full disk, gone, busy
# past the timeout), not a fault in the statement: the request gets a 503 and the connection
# is replaced, because SQLite keeps a connection opened on a read-only file read-only.
SQLITE_UNAVAILABLE = (
    "SQLITE_READONLY",
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_CANTOPEN",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_PROTOCOL",
)
SQLITE_UNAVAILABLE_TEXTS = (
    "readonly database",
    "disk is full",
    "disk i/o error",
    "unable to open database",
    "database is locked",
)


def unavailable(error: BaseException) -> bool:
    """Does this error mean the database is away or cannot take writes right now (a 503,
    worth retrying), rather than a fault in the code?"""
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection came in time
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig
    module = type(error).__module__ or ""
    if module.startswith("psycopg"):
        import psycopg

        # Connection refused or lost, server shutting down, too many connections.
        return isinstance(error, psycopg.OperationalError | psycopg.InterfaceError)
    if module == "sqlite3":
        name = getattr(error, "sqlite_errorname", "") or ""
        text = str(error).lower()
        return name.startswith(SQLITE_UNAVAILABLE) or any(
            t in text for t in SQLITE_UNAVAILABLE_TEXTS
        )
    return False


def watch_engine(engine: Engine) -> None:
    """Connections that met an unavailable database are thrown away, not pooled again."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context):
        if engine.dialect.name == "sqlite" and unavailable(context.original_exception):
            context.is_disconnect = True


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
def unit_of_work(session: Session | None = None, driver: bool = False) -> Iterator:
    """The one write path of services: a short transaction that commits on success.

    Any read transaction the session has open is ended first, so the write starts from a fresh
    snapshot. On SQLite it then takes the advisory writer lock and BEGIN IMMEDIATE, so writers
    from every thread and process queue instead of failing with "database is locked"; on
    PostgreSQL it is the session's own transaction. Rolls back on error. Yields the session.

    `driver=True` (the ingest's hot path): the same transaction (writer lock, BEGIN IMMEDIATE,
    commit on success, rollback on error, a connection that met an unavailable database
    thrown away) on a pooled driver connection instead of the session's, and yields a
    DriverWrite on it. The session's read is ended all the same; it writes nothing here.
    """
    from survey.extensions import db

    if session is None:
        session = db.session
    session.rollback()
    if driver:
        with _driver_transaction(session.get_bind()) as write:
            yield write
        return
    with _writer_lock(session.get_bind()), session.begin():
        session.connection(execution_options={"sqlite_immediate": True})
        yield session


@contextmanager
def _driver_transaction(engine: Engine) -> Iterator[DriverWrite]:
    connection = engine.raw_connection()
    try:
        with _writer_lock(engine):
            write = DriverWrite(raw=connection, engine=engine)
            try:
                if engine.dialect.name == "sqlite":  # the driver is in autocommit (tune_sqlite)
                    with write._watched():
                        write.cursor.execute("BEGIN IMMEDIATE")
                yield write
            except BaseException:
                if connection.is_valid:  # not thrown away by _watched
                    with suppress(engine.dialect.loaded_dbapi.Error):
                        connection.rollback()
                raise
            with write._watched():
                connection.commit()
    finally:
        connection.close()


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

    def __init__(self, session: Session | None = None, *, raw=None, engine=None) -> None:
        if session is not None:
            self.connection = session.connection()
            self.cursor = self.connection.connection.dbapi_connection.cursor()
            self.engine = self.connection.engine
        else:  # a pooled driver connection (unit_of_work(driver=True))
            self.connection, self.engine = raw, engine
            self.cursor = raw.cursor()
        self.dialect = self.engine.dialect

    @contextmanager
    def _watched(self) -> Iterator[None]:
        # SQLAlchemy's own error handling does not see the driver's errors: a connection that
        # met an unavailable database is invalidated here, so the pool opens a fresh one.
        try:
            yield
        except self.dialect.loaded_dbapi.Error as error:
            if unavailable(error):
                _throw_away(self.engine, self.connection)
            raise

    def execute(self, statement: DriverStatement, values: dict):
        """Run one statement; return the first column of its first row, if it returns rows."""
        with self._watched():
            self.cursor.execute(*statement.bind(self.dialect, values))
            if self.cursor.description is None:
                return None
            row = self.cursor.fetchone()
        return None if row is None else row[0]

    def execute_many(self, statement: DriverStatement, rows: list[dict]) -> None:
        """Run one statement for rows that all give the same parameters."""
        if rows:
            bound = [statement.bind(self.dialect, row) for row in rows]
            with self._watched():
                self.cursor.executemany(bound[0][0], [params for _, params in bound])


def driver_read(engine: Engine, statement: DriverStatement, values: dict):
    """The first column of the first row of one SELECT, run by the driver on a pooled
    connection outside any transaction of the session (SQLite: in autocommit; PostgreSQL: the
    pool's reset ends it). For a lookup of committed data before a write (the ingest's API
    key): the session opens no read transaction that unit_of_work would have to end."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(*statement.bind(engine.dialect, values))
            row = cursor.fetchone()
        finally:
            cursor.close()
    except engine.dialect.loaded_dbapi.Error as error:
        if unavailable(error):
            _throw_away(engine, connection)
        raise
    finally:
        connection.close()
    return None if row is None else row[0]


def _throw_away(engine: Engine, connection) -> None:
    """This connection and every pooled one, as SQLAlchemy does on a disconnect: a pooled
    SQLite connection opened while the file was read-only stays read-only, and a pooled
    PostgreSQL connection after a restart is dead."""
    connection.invalidate()
    engine.dispose(close=False)
