"""A database that is away or cannot write: 503 JSON with Retry-After, never a 500 and never
a 2xx for what was not stored; and the server recovers by itself when it is back."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from survey import queue
from survey.extensions import db
from survey.models import Response
from tests.conftest import make_payload
from tests.servers import free_port

URL = "/api/v1/responses"


def _app(url: str, tmp_path: Path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite3"),
            "EXPORTS_DIR": str(tmp_path / "exports"),
        }
    )


@pytest.fixture
def restore_queue(_app):
    yield
    queue.init_app(_app)  # the apps made here took the task queue over


def _prepared_sqlite(path: Path, tmp_path: Path) -> str:
    """A SQLite database with the demo organisation; returns an import API key."""
    from survey.demo.loader import load_demo_structure
    from survey.services.apikeys import create_api_key

    app = _app(f"sqlite:///{path}", tmp_path)
    with app.app_context():
        db.create_all()
        load_demo_structure()
        key = create_api_key("demo", "import")
        db.session.remove()
        db.engine.dispose()
    return key


def _stored(app) -> int:
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(Response)).scalar()
        db.session.remove()
        return count


def _post(app, key: str, payload: dict):
    with app.test_client() as client:
        return client.post(URL, json=payload, headers={"Authorization": f"Bearer {key}"})


def _assert_unavailable(result) -> None:
    assert result.status_code == 503, result.get_data(as_text=True)
    assert result.headers["Retry-After"] == "5"
    body = result.get_json()
    assert body["error"] == "unavailable" and "nothing was stored" in body["message"]


def _chattr(flag: str, path: Path) -> bool:
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.mark.skipif(not shutil.which("chattr"), reason="needs chattr")
def test_sqlite_file_unwritable_at_start_recovers_without_a_restart(tmp_path, restore_queue):
    path = tmp_path / "kto.sqlite3"
    key = _prepared_sqlite(path, tmp_path)
    if not _chattr("+i", path):
        pytest.skip("this file system or user cannot make a file immutable")
    try:
        app = _app(f"sqlite:///{path}", tmp_path)  # the server starts on an unwritable file
        payload = make_payload()
        for _ in range(3):
            _assert_unavailable(_post(app, key, payload))
    finally:
        _chattr("-i", path)
    assert _stored(app) == 0
    result = _post(app, key, payload)  # the same server, no restart
    assert result.status_code == 201, result.get_json()
    assert _post(app, key, make_payload()).status_code == 201
    assert _stored(app) == 2
    with app.app_context():
        db.engine.dispose()


def test_sqlite_full_disk_is_a_503_and_recovers(tmp_path, restore_queue):
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        path = disk / "kto.sqlite3"
        key = _prepared_sqlite(path, tmp_path)
        app = _app(f"sqlite:///{path}", tmp_path)
        assert _post(app, key, make_payload()).status_code == 201
        filler = disk / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:  # fill the disk to the last byte
            for size in (65536, 512, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(fd)
        statuses = set()
        for _ in range(200):  # until the database's own free pages are used up
            result = _post(app, key, make_payload())
            statuses.add(result.status_code)
            if result.status_code == 503:
                _assert_unavailable(result)
                break
        assert statuses <= {201, 503} and 503 in statuses
        stored_while_full = _stored(app)
        filler.unlink()
        assert _post(app, key, make_payload()).status_code == 201  # no restart
        assert _stored(app) == stored_while_full + 1
        with app.app_context():
            db.engine.dispose()
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_postgresql_away_is_a_503_with_retry_after(tmp_path, restore_queue):
    pytest.importorskip("psycopg")
    # Nothing listens on this port: the server is down or restarting.
    app = _app(f"postgresql+psycopg://kto@127.0.0.1:{free_port()}/kto", tmp_path)
    result = _post(app, "kto_key", make_payload())
    _assert_unavailable(result)
    with app.test_client() as client:
        page = client.get("/")  # the start page reads the database
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
