"""Shared fixtures: an app on a temporary SQLite file (or TEST_DATABASE_URL), client, runner.

The schema is created once per session; every test that uses the app starts from empty
tables, so the same suite runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

# Child processes started by tests (the worker) run as tests too: a generated secret is fine.
os.environ.setdefault("KTO_ENV", "testing")

from app import create_app  # noqa: E402
from survey import caches, queue  # noqa: E402
from survey.extensions import db


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class InFlight:
    """WSGI wrapper counting requests being handled, so a test lets them finish before the
    tables are emptied (on PostgreSQL a request still running would deadlock TRUNCATE)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.count += 1
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            with self.lock:
                self.count -= 1

    def settle(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "HUEY_IMMEDIATE": True,
            "WTF_CSRF_ENABLED": False,
            # Limits are tested with apps of their own (tests/test_security.py).
            "RATELIMIT_ENABLED": False,
            "EXPORTS_DIR": str(tmp_path_factory.mktemp("exports")),
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    app.wsgi_app = InFlight(app.wsgi_app)
    yield app
    # Close the pooled connections (live servers' threads leave several on PostgreSQL) before
    # the app is collected: psycopg warns about open connections deleted, which fails the run.
    with app.app_context():
        db.engine.dispose()


def _empty_tables(attempts: int = 5) -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    for attempt in range(attempts):
        try:
            if db.engine.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    db.session.execute(table.delete())
            db.session.commit()
            return
        except OperationalError:
            # A late browser request (a beacon, a keep-alive) still held a lock: try again.
            db.session.rollback()
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)


@pytest.fixture
def app(_app):
    queue.init_app(_app)  # other tests may have created apps that took the queue over
    with _app.app_context():
        caches.clear()
        yield _app
        db.session.rollback()
        _app.wsgi_app.settle()
        _empty_tables()
        caches.clear()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_org(app):
    """The demo organisation with its places and surveys, without responses."""
    from survey.demo.loader import load_demo_structure

    load_demo_structure()
    return "demo"


@pytest.fixture
def import_headers(demo_org) -> dict[str, str]:
    """Headers of a server-to-server import for the demo organisation (its API key)."""
    from survey.services.apikeys import create_api_key

    return {"Authorization": f"Bearer {create_api_key('demo', 'import')}"}


def count_rows() -> dict[str, int]:
    """Rows per table, to prove that rejected input changed nothing."""
    return {
        t.name: db.session.execute(text(f"SELECT COUNT(*) FROM {t.name}")).scalar()
        for t in db.metadata.sorted_tables
    }


def make_payload(**overrides) -> dict:
    payload = {
        "id": str(uuid.uuid4()),
        "organisation": "demo",
        "survey": "balie",
        "contact_channel": "counter",
        "survey_mode": "kiosk",
        "location": "stadhuis",
        "submitted_at": datetime.now(UTC).isoformat(),
        "answers": {"oordeel": "up"},
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def smtp_inbox(app, monkeypatch):
    """A real SMTP server (aiosmtpd) on a free port, set as the app's MAIL_SERVER."""
    from aiosmtpd.controller import Controller

    from tests.servers import Inbox, free_port

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    yield inbox
    controller.stop()
