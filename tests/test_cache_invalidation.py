"""Several app servers share one Redis: a change made through one is seen by the others at once.

Two apps on one database stand for two app servers (each has its own caches, as two gunicorn
instances do), with a real redis-server between them. Without Redis the other server keeps
answering from its cache until the entries expire (tests/admin/test_survey_publish.py).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time

import pytest
import redis
from sqlalchemy import func, select

from app import create_app
from survey.demo.loader import load_demo_structure
from survey.extensions import db
from survey.models import Organisation, Survey
from survey.services import catalogue, survey_editor, widget_sites


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    assert server, "redis-server is installed by scripts/system-deps.sh"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _server(url, redis_url):
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "HUEY_IMMEDIATE": True,
        "REDIS_URL": redis_url,
    })


def _widget_seen_by(app) -> dict:
    reply = app.test_client().get("/api/v1/widget/demo/website?lang=nl")
    assert reply.status_code == 200
    return json.loads(reply.data)


def _servers(tmp_path, redis_url):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = _server(url, redis_url), _server(url, redis_url)
    with first.app_context():
        db.create_all()
        load_demo_structure()
        demo = db.session.execute(select(Organisation).where(Organisation.slug == "demo"))
        demo_id = demo.scalar_one().id
        survey_id = db.session.execute(
            select(Survey.id).where(Survey.slug == "website", Survey.organisation_id == demo_id)
        ).scalar_one()
    return first, second, demo_id, survey_id


def _dispose(*apps):
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_a_widget_setting_changed_through_one_server_is_served_by_the_other_at_once(
    tmp_path, redis_url
):
    first, second, demo_id, survey_id = _servers(tmp_path, redis_url)
    try:
        assert _widget_seen_by(second)["widget"]["sampling_rate"] == 0.25  # now cached there
        assert _widget_seen_by(second)["widget"]["sampling_rate"] == 0.25
        with first.app_context():
            settings = widget_sites.settings_of(db.session.get(Survey, survey_id))
            widget_sites.save_settings(demo_id, "cli", survey_id,
                                       {**settings, "sampling_rate": 0.5})
        assert _widget_seen_by(second)["widget"]["sampling_rate"] == 0.5
        assert _widget_seen_by(first)["widget"]["sampling_rate"] == 0.5
    finally:
        _dispose(first, second)


def test_a_version_published_through_one_server_is_taken_by_the_other_at_once(
    tmp_path, redis_url
):
    first, second, demo_id, _ = _servers(tmp_path, redis_url)
    try:
        with second.app_context():
            assert catalogue.find_survey_version("demo", "website", None).version_number == 1
        assert _widget_seen_by(second)["version"] == 1
        with first.app_context():
            survey_editor.save_question(demo_id, "cli", "website", None,
                                        {"key": "nieuw", "kind": "text", "text": {"nl": "Nieuw?"}})
            assert survey_editor.publish(demo_id, "cli", "website").number == 2
        with second.app_context():
            assert catalogue.find_survey_version("demo", "website", None).version_number == 2
        assert _widget_seen_by(second)["version"] == 2
        assert redis.Redis.from_url(redis_url).get("kto:cache:kto.widget") is not None
    finally:
        _dispose(first, second)


def test_with_redis_away_lookups_go_on_from_the_cache_and_the_database(tmp_path, redis_url):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nothing = probe.getsockname()[1]
    app = _server(url, f"redis://127.0.0.1:{nothing}/0")  # nothing listens there
    with app.app_context():
        db.create_all()
        load_demo_structure()
        count = db.session.execute(select(func.count()).select_from(Survey)).scalar()
    try:
        assert _widget_seen_by(app)["widget"]["sampling_rate"] == 0.25
        with app.app_context():
            survey_id = db.session.execute(
                select(Survey.id).where(Survey.slug == "website")).scalar_one()
            demo_id = db.session.execute(
                select(Organisation.id).where(Organisation.slug == "demo")).scalar_one()
            settings = widget_sites.settings_of(db.session.get(Survey, survey_id))
            widget_sites.save_settings(demo_id, "cli", survey_id, {**settings, "page_views": 3})
            assert db.session.execute(select(func.count()).select_from(Survey)).scalar() == count
        assert _widget_seen_by(app)["widget"]["page_views"] == 3  # this server cleared its own
    finally:
        _dispose(app)
