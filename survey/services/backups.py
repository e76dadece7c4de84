"""Backups that are restored: `flask kto backup` and `flask kto restore`.

SQLite: Python's sqlite3 online backup API copies a consistent snapshot while the server keeps
writing (WAL: writers are not blocked), into a temporary file renamed into place. PostgreSQL:
`pg_dump --format=custom` (a consistent snapshot too) and `pg_restore`. A restore goes into a
database without responses (a fresh one) unless forced, so a production database is never
overwritten by a slip of the keyboard.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from survey.config import child_environment
from survey.errors import Conflict, Invalid, ServiceError
from survey.extensions import db


class BackupFailed(ServiceError):
    status = 500

    def __init__(self, message: str):
        super().__init__("backup_failed", message)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    responses: int | None  # counted in the copy itself where that is cheap (SQLite)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise Invalid("not_a_file", "Only a SQLite database in a file can be backed up.")
    return Path(url.database)


def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq connection string for pg_dump/pg_restore, the password in the environment."""
    env = child_environment(**({"PGPASSWORD": str(url.password)} if url.password else {}))
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupFailed(f"'{name}' is not installed (postgresql-client).")
    return found


def backup(target: Path) -> BackupInfo:
    """Copy the database to `target` while it is in use; the file appears complete or not at
    all."""
    url = db.engine.url
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    responses = None
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # one consistent snapshot of every page
            responses = copy.execute("SELECT COUNT(*) FROM responses").fetchone()[0]
        finally:
            copy.close()
            source.close()
    else:
        connection, env = _libpq(url)
        done = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial),
             "--dbname", connection], env=env, capture_output=True, text=True)
        if done.returncode:
            partial.unlink(missing_ok=True)
            raise BackupFailed(f"pg_dump failed: {done.stderr.strip()[-500:]}")
    os.replace(partial, target)
    return BackupInfo(target, target.stat().st_size, responses)


def _has_responses() -> bool:
    if "responses" not in inspect(db.engine).get_table_names():
        return False
    found = db.session.execute(text("SELECT 1 FROM responses LIMIT 1")).first() is not None
    db.session.rollback()
    return found


def restore(source: Path, force: bool = False) -> int:
    """Load a backup into the configured database; returns the responses it now holds.
    Refused when that database already holds responses, unless `force`."""
    source = Path(source)
    if not source.is_file():
        raise Invalid("no_backup", f"No backup file at {source}.", "source")
    if not force and _has_responses():
        raise Conflict("database_not_empty",
                       "The database already holds responses; restore into a fresh one "
                       "(or use --force to replace it).")
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the old contents
    if url.get_backend_name() == "sqlite":
        backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            backup_file.backup(target)
        finally:
            target.close()
            backup_file.close()
    else:
        connection, env = _libpq(url)
        command = [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
                   "--dbname", connection, str(source)]
        if force:
            command[1:1] = ["--clean", "--if-exists"]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode:
            raise BackupFailed(f"pg_restore failed: {done.stderr.strip()[-500:]}")
    count = db.session.execute(text("SELECT COUNT(*) FROM responses")).scalar()
    db.session.rollback()
    return count
