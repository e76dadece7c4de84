"""Publishing reaches every process within a minute: two apps on one database, one publishes,
the other answers from its caches until they expire (at most 60 s), then with the new version."""

from __future__ import annotations

import json

from sqlalchemy import select

from app import create_app
from survey import caches
from survey.caches import Recent
from survey.demo.loader import load_demo_structure
from survey.extensions import db
from survey.models import Organisation
from survey.services import catalogue, survey_editor, widget


def _app_at(url):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "HUEY_IMMEDIATE": True,
        }
    )


def _seen_by(app):
    with app.app_context():
        ref = catalogue.find_survey_version("demo", "website", None)
        config = widget.widget_config("demo", "website", 60, "nl")
        return ref.version_number, json.loads(config.body)["version"]


def test_a_published_version_reaches_another_process_within_a_minute(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    editor_app, other_app = _app_at(url), _app_at(url)
    with editor_app.app_context():
        db.create_all()
        load_demo_structure()
    assert _seen_by(other_app) == (1, 1)  # the other process has cached version 1

    with editor_app.app_context():
        demo = db.session.execute(select(Organisation).where(Organisation.slug == "demo"))
        demo_id = demo.scalar_one().id
        survey_editor.save_question(
            demo_id,
            "cli",
            "website",
            None,
            {"key": "nieuw", "kind": "text", "text": {"nl": "Nieuw?"}},
        )
        assert survey_editor.publish(demo_id, "cli", "website").number == 2
    assert _seen_by(editor_app) == (2, 2)  # the publishing process at once
    assert _seen_by(other_app) == (1, 1)  # the other one still from its caches ...

    now = caches.time.monotonic()
    monkeypatch.setattr(caches.time, "monotonic", lambda: now + 60.5)
    assert _seen_by(other_app) == (2, 2)  # ... and within a minute from the database
    with other_app.app_context():
        assert other_app.config.get("WIDGET_CACHE_SECONDS", 60) <= 60
        assert catalogue.LOOKUP_SECONDS <= 60
        db.engine.dispose()
    with editor_app.app_context():
        db.engine.dispose()
    assert isinstance(other_app.extensions["kto.widget"], Recent)
