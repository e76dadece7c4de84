"""/readyz, /metrics and the JSON log lines with a request id."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from survey.extensions import db
from survey.logs import JsonFormatter
from survey.models import Device
from survey.models.types import utcnow
from survey.services import kiosks
from tests.conftest import make_payload


def scrape(client) -> dict[tuple[str, tuple], float]:
    result = client.get("/metrics")
    assert result.status_code == 200
    assert result.headers["Content-Type"].startswith("text/plain")
    values = {}
    for family in text_string_to_metric_families(result.get_data(as_text=True)):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


def test_readyz_checks_the_database_and_the_queue(client):
    result = client.get("/readyz")
    assert result.status_code == 200
    assert result.get_json() == {"status": "ready", "database": "ok", "queue": "ok"}
    assert result.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_when_the_database_is_away(tmp_path, _app):
    from app import create_app
    from survey import queue
    from tests.servers import free_port

    away = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://kto@127.0.0.1:{free_port()}/kto",
        "HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite3"),
    })
    try:
        result = away.test_client().get("/readyz")
    finally:
        queue.init_app(_app)
    assert result.status_code == 503 and result.headers["Retry-After"] == "5"
    body = result.get_json()
    assert body["status"] == "unavailable" and body["database"] == "OperationalError"
    assert body["queue"] == "ok"


def test_metrics_count_stored_responses_refusals_and_time_requests(client, import_headers):
    before = scrape(client)
    stored_key = ("kto_responses_stored_total",
                  (("contact_channel", "counter"), ("survey_mode", "kiosk")))
    refused_key = ("kto_refusals_total", (("code", "unknown_survey"), ("status", "422")))
    latency_key = ("kto_request_seconds_count",
                   (("endpoint", "api.post_response"), ("method", "POST")))
    payload = make_payload()
    for _ in range(2):  # the replay is not counted again
        assert client.post("/api/v1/responses", json=payload,
                           headers=import_headers).status_code in (200, 201)
    client.post("/api/v1/responses", json=make_payload(survey="nope"), headers=import_headers)
    after = scrape(client)
    assert after[stored_key] - before.get(stored_key, 0) == 1
    assert after[refused_key] - before.get(refused_key, 0) == 1
    assert after[latency_key] - before.get(latency_key, 0) == 3
    assert after[("kto_queue_depth", ())] == 0


def test_metrics_count_silent_kiosks(client, demo_org):
    quiet = kiosks.create_device("demo", "stadhuis", "balie")
    beating = kiosks.create_device("demo", "stadhuis", "balie")
    kiosks.create_device("demo", "stadhuis", "balie")  # never enrolled: not counted
    for created, seen in ((quiet, utcnow() - timedelta(hours=1)), (beating, utcnow())):
        device = db.session.get(Device, created.id)
        device.enrolled_at, device.last_seen = utcnow() - timedelta(days=1), seen
    db.session.commit()
    assert scrape(client)[("kto_kiosk_devices_silent", ())] == 1


def test_metrics_token(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-token-for-prometheus")
    assert client.get("/metrics").status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token-for-prometheus"})
    assert ok.status_code == 200


def test_request_id_is_returned_and_in_the_json_log_line(app, client):
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32
    given = client.get("/healthz", headers={"X-Request-ID": "nginx-abc123def"})
    assert given.headers["X-Request-ID"] == "nginx-abc123def"
    bad = client.get("/healthz", headers={"X-Request-ID": "x\" injected"})
    assert bad.headers["X-Request-ID"] != "x\" injected"

    with app.test_request_context("/api/v1/responses", method="POST"):
        app.preprocess_request()
        record = logging.LogRecord("survey.x", logging.WARNING, __file__, 1, "stored %s", (3,),
                                   None)
        line = json.loads(JsonFormatter().format(record))
        from flask import g

        assert line["request_id"] == g.kto_request_id
    assert line["message"] == "stored 3" and line["level"] == "WARNING"
    assert line["method"] == "POST" and line["path"] == "/api/v1/responses"


def test_json_logs_outside_development(monkeypatch):
    from survey.config import from_environment

    assert from_environment({"KTO_ENV": "production"})["LOG_FORMAT"] == "json"
    assert from_environment({"KTO_ENV": "development"})["LOG_FORMAT"] == "text"
    assert from_environment({"KTO_ENV": "development", "LOG_FORMAT": "JSON"})["LOG_FORMAT"] == (
        "json"
    )
