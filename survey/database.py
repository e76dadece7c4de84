"""Engine tuning and write transactions.

SQLite runs in WAL mode with a busy timeout. Writers from several processes also queue on an
advisory file lock beside the database: the kernel wakes the next writer the moment the lock is
free, where SQLite's own busy handler would poll with growing sleeps.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
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
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A short write transaction on a connection of its own, for the hot ingest path.

    Commits on success and rolls back on error; on SQLite it takes the write lock up front.
    """
    with _writer_lock(engine), engine.connect() as connection:
        connection.execution_options(sqlite_immediate=True)
        with connection.begin():
            yield connection


@contextmanager
def write_transaction(session: Session) -> Iterator[Connection]:
    """A short write transaction that commits on success and rolls back on error.

    Any read transaction the session has open is ended first, so on SQLite the write starts
    from a fresh snapshot and takes the write lock up front (BEGIN IMMEDIATE).
    """
    session.rollback()
    with _writer_lock(session.get_bind()), session.begin():
        yield session.connection(execution_options={"sqlite_immediate": True})
