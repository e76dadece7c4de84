"""GET /api/v1/responses: an organisation's responses as JSON lines or CSV, with an API key."""

import csv
import io
import json

import pytest

from survey.services.apikeys import create_api_key
from tests.conftest import make_payload


@pytest.fixture
def stored(client, demo_org, import_headers):
    payloads = [
        make_payload(answers={"oordeel": "down", "reden": ["klacht", "lang_wachten"]},
                     submitted_at="2026-10-03T09:00:00+00:00"),
        make_payload(answers={"oordeel": "up", "onderwerp": "rijbewijs"}, topic="rijbewijs",
                     submitted_at="2026-10-20T09:00:00+00:00"),
        make_payload(survey="telefoon", contact_channel="phone", survey_mode="sms",
                     location=None, submitted_at="2026-11-02T09:00:00+00:00",
                     answers={"cijfer": 4, "reden": {"selected": ["other"], "other": "Te laat"}}),
    ]
    for p in payloads:
        assert client.post("/api/v1/responses", json=p, headers=import_headers).status_code == 201
    return payloads


def auth(key):
    return {"Authorization": f"Bearer {key}"}


def test_export_needs_a_valid_key(client, stored):
    assert client.get("/api/v1/responses").status_code == 401
    wrong = client.get("/api/v1/responses", headers=auth("kto_wrong"))
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "unauthorized"


def test_json_lines_export(client, stored):
    key = create_api_key("demo")
    result = client.get("/api/v1/responses", headers=auth(key))
    assert result.status_code == 200
    assert result.mimetype == "application/x-ndjson"
    records = [json.loads(line) for line in result.get_data(as_text=True).splitlines()]
    assert [r["uuid"] for r in records] == [p["id"] for p in stored]
    assert records[0]["answers"] == {"oordeel": "down", "reden": ["klacht", "lang_wachten"]}
    assert records[0]["location"] == "stadhuis"
    assert records[1]["answers"] == {"oordeel": "up", "onderwerp": "rijbewijs"}
    assert records[1]["topic"] == "rijbewijs"
    assert records[2]["answers"] == {"cijfer": 4, "reden": ["other"], "reden_other": "Te laat"}
    assert records[2]["satisfied"] is False and records[2]["headline_score"] == 4


def test_csv_export_with_period_and_survey_filter(client, stored):
    key = create_api_key("demo")
    result = client.get(
        "/api/v1/responses?format=csv&survey=balie&since=2026-10-01&until=2026-10-10",
        headers=auth(key),
    )
    assert result.status_code == 200 and result.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(result.get_data(as_text=True))))
    assert len(rows) == 1
    assert rows[0]["uuid"] == stored[0]["id"]
    assert rows[0]["answer.reden"] == "klacht;lang_wachten"
    assert rows[0]["answer.oordeel"] == "down"
    assert "answer.cijfer" not in rows[0]


def test_keys_only_see_their_own_organisation(client, stored, app):
    from survey.extensions import db
    from survey.models import Organisation

    db.session.add(Organisation(slug="other", name="Andere gemeente"))
    db.session.commit()
    key = create_api_key("other")
    result = client.get("/api/v1/responses", headers=auth(key))
    assert result.status_code == 200 and result.get_data(as_text=True) == ""


def test_bad_period_is_400(client, stored):
    key = create_api_key("demo")
    result = client.get("/api/v1/responses?since=gisteren", headers=auth(key))
    assert result.status_code == 400 and result.get_json()["error"] == "bad_request"
    fmt = client.get("/api/v1/responses?format=xml", headers=auth(key))
    assert fmt.status_code == 400


def test_revoked_key_is_refused(client, stored, runner):
    key = create_api_key("demo")
    out = runner.invoke(args=["kto", "apikey", "revoke", key[:12]])
    assert "Revoked 1 key" in out.output
    assert client.get("/api/v1/responses", headers=auth(key)).status_code == 401


def test_survey_config_is_cacheable(client, demo_org):
    first = client.get("/api/v1/surveys/demo/balie")
    assert first.status_code == 200
    assert first.headers["Cache-Control"].startswith("public")
    assert first.get_json()["definition"]["headline"] == "oordeel"
    etag = {"If-None-Match": first.headers["ETag"]}
    again = client.get("/api/v1/surveys/demo/balie", headers=etag)
    assert again.status_code == 304
    assert client.get("/api/v1/surveys/demo/nope").status_code == 404


def test_export_carries_the_widget_fields(client, demo_org, import_headers):
    payload = make_payload(
        survey="website", contact_channel="website", survey_mode="popup", location=None,
        presentation="popup", trigger="exit_intent", page_path="/afval?postcode=1234AB",
        answers={"geholpen": "no"},
    )
    del payload["location"]
    assert client.post("/api/v1/responses", json=payload, headers=import_headers).status_code \
        == 201
    key = create_api_key("demo")
    record = json.loads(client.get("/api/v1/responses", headers=auth(key)).get_data(as_text=True))
    assert (record["page_path"], record["trigger"], record["presentation"]) == (
        "/afval", "exit_intent", "popup")
    csv_text = client.get("/api/v1/responses?format=csv", headers=auth(key)).get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(csv_text)))
    assert (row["trigger"], row["presentation"], row["answer.geholpen"]) == (
        "exit_intent", "popup", "no")
