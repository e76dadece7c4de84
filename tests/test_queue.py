"""The task-queue worker: a heartbeat the status command can read."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from survey import tasks
from survey.extensions import db
from survey.services.status import current_status, record_heartbeat

ROOT = Path(__file__).resolve().parents[1]


def test_heartbeat_task_makes_status_say_running(runner, app):
    before = runner.invoke(args=["kto", "status"])
    assert "never seen" in before.output
    tasks.heartbeat()  # immediate mode in tests: runs now, in its own app context
    db.session.rollback()  # end this session's read snapshot to see the task's commit
    state = current_status()
    assert state.worker_running is True
    after = runner.invoke(args=["kto", "status"])
    assert "Worker: running" in after.output


def test_old_heartbeat_means_not_running(app):
    record_heartbeat(now=datetime.now(UTC) - timedelta(minutes=10))
    state = current_status()
    assert state.worker_last_seen is not None
    assert state.worker_running is False


def test_real_worker_process_reports_its_heartbeat(app, database_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite3"),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "survey.worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        state = current_status()
        for _ in range(100):
            db.session.rollback()
            state = current_status()
            if state.worker_running:
                break
            time.sleep(0.2)
        assert state.worker_running is True
    finally:
        worker.terminate()
        worker.wait(10)


def test_queue_uses_redis_when_redis_url_is_set(tmp_path):
    import shutil
    import socket

    from huey.storage import RedisStorage

    from app import create_app
    from survey.queue import huey

    server = shutil.which("redis-server")
    assert server, "redis-server is installed by scripts/system-deps.sh"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    redis = subprocess.Popen(
        [server, "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        create_app({"REDIS_URL": f"redis://127.0.0.1:{port}/0", "TESTING": True,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
        assert isinstance(huey.storage, RedisStorage)
        for _ in range(50):
            try:
                huey.storage.conn.ping()
                break
            except Exception:
                time.sleep(0.1)
        tasks.heartbeat()  # not immediate: goes onto the Redis queue
        assert huey.pending_count() == 1
        message = huey.dequeue()
        assert message.name == tasks.heartbeat.task_class.__name__
        huey.storage.conn.close()
    finally:
        redis.terminate()
        redis.wait(10)


def test_two_worker_threads_announcing_at_once_both_succeed(app, monkeypatch):
    """Huey's worker threads run the start-up hook together: the second insert of the same
    worker name (PostgreSQL has no write lock to queue them) is retried, not an error."""
    from sqlalchemy import func, select

    from survey.models import WorkerHeartbeat

    record_heartbeat(started=True)  # the other thread's row, just committed
    real_get = db.session.get
    calls = []

    def get_missing_once(model, key, *args, **kwargs):
        calls.append(key)
        return None if len(calls) == 1 else real_get(model, key, *args, **kwargs)

    monkeypatch.setattr(db.session, "get", get_missing_once)
    later = datetime.now(UTC) + timedelta(seconds=5)
    record_heartbeat(started=True, now=later)  # read "missing", insert fails, retried
    monkeypatch.undo()
    assert len(calls) == 2
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(WorkerHeartbeat)).scalar() == 1
    beat = db.session.execute(select(WorkerHeartbeat)).scalar_one()
    assert beat.last_seen.replace(tzinfo=UTC) == later.replace(tzinfo=UTC)
