"""Worker heartbeat and the status summary `flask kto status` prints."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation, Response, WorkerHeartbeat
from survey.models.types import utcnow

STALE_AFTER = timedelta(minutes=3)


def record_heartbeat(started: bool = False, now: datetime | None = None) -> None:
    now = now or utcnow()
    name = f"{socket.gethostname()}:{os.getpid()}"
    # Worker threads beat at the same moment: on SQLite they take turns under the write lock;
    # on PostgreSQL the second insert of a new name fails, and its retry finds the row.
    for attempt in (1, 2):
        try:
            with unit_of_work():
                beat = db.session.get(WorkerHeartbeat, name)
                if beat is None:
                    beat = WorkerHeartbeat(name=name, started_at=now, last_seen=now,
                                           pid=os.getpid())
                    db.session.add(beat)
                beat.last_seen = now
                if started:
                    beat.started_at = now
            return
        except IntegrityError:
            if attempt == 2:
                raise


@dataclass(frozen=True)
class WorkerState:
    running: bool
    last_seen: datetime | None


@dataclass(frozen=True)
class Status:
    worker_running: bool
    worker_last_seen: datetime | None
    organisations: int
    responses: int


def worker_state(now: datetime | None = None) -> WorkerState:
    """Whether the worker beat recently: one small query, cheap enough for health probes."""
    now = now or utcnow()
    last = db.session.execute(select(func.max(WorkerHeartbeat.last_seen))).scalar()
    return WorkerState(running=last is not None and now - last <= STALE_AFTER, last_seen=last)


def current_status(now: datetime | None = None) -> Status:
    """Worker state and what is stored (counts every response: for the CLI, not for probes)."""
    worker = worker_state(now)
    return Status(
        worker_running=worker.running,
        worker_last_seen=worker.last_seen,
        organisations=db.session.execute(select(func.count(Organisation.id))).scalar(),
        responses=db.session.execute(select(func.count(Response.id))).scalar(),
    )


def readiness() -> dict[str, str]:
    """"ok" or the reason per dependency: the database (one trivial query) and the task
    queue (its storage answers)."""
    from sqlalchemy import text

    from survey import queue

    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001  (any failure means not ready)
        db.session.rollback()
        checks["database"] = type(error).__name__
    try:
        queue.huey.pending_count()
        checks["queue"] = "ok"
    except Exception as error:  # noqa: BLE001
        checks["queue"] = type(error).__name__
    return checks
