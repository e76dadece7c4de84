"""Kiosk devices through HTTP: enrolment, config, heartbeat, revocation, misuse flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from survey.extensions import db
from survey.models import Device, Location, Response
from survey.services import kiosks
from tests.conftest import count_rows, make_payload
from tests.kiosk.helpers import enrolled_device

NOW = datetime.now(UTC).replace(microsecond=0)


def kiosk_payload(at: datetime, **overrides) -> dict:
    payload = make_payload(submitted_at=at.isoformat(), **overrides)
    payload.pop("location")  # the device knows where it stands
    return payload


def received_a_minute_ago(response_id: int) -> None:
    """The misuse rules count by rule time: let a stored answer have come in earlier."""
    row = db.session.get(Response, response_id)
    db.session.execute(
        update(Response)
        .where(Response.id == response_id)
        .values(
            received_at=row.received_at - timedelta(seconds=60),
            rule_at=row.rule_at - timedelta(seconds=60),
        )
    )
    db.session.commit()


def post(client, secret, payload):
    return client.post("/api/v1/responses", json=payload, headers={"X-Kto-Device": secret})


def test_enrolment_link_works_once(client, demo_org):
    device = kiosks.create_device("demo", "stadhuis", "balie", name="Uitgang")
    first = client.post("/kiosk/api/enrol", json={"token": device.token})
    assert first.status_code == 200
    secret = first.get_json()["secret"]
    assert len(secret) >= 40
    stored = db.session.get(Device, device.id)
    assert stored.enrolled_at is not None and stored.enrolment_token_hash is None
    again = client.post("/kiosk/api/enrol", json={"token": device.token})
    assert again.status_code == 410
    assert again.get_json()["error"] == "enrolment_invalid"
    assert client.get("/kiosk/api/config", headers={"X-Kto-Device": secret}).status_code == 200


def test_expired_unknown_and_malformed_enrolments_change_nothing(client, demo_org):
    expired = kiosks.create_device("demo", "stadhuis", "balie", valid_for=timedelta(seconds=-1))
    before = count_rows()
    for body in ({"token": expired.token}, {"token": "nonsense"}, {"token": 5}, {}):
        response = client.post("/kiosk/api/enrol", json=body)
        assert response.status_code == 410, body
    assert client.post("/kiosk/api/enrol", data="x").status_code == 400
    assert count_rows() == before
    assert db.session.get(Device, expired.id).secret_hash is None


def test_config_carries_survey_and_settings(client, demo_org):
    _, secret = enrolled_device({"thanks_seconds": 2})
    body = client.get("/kiosk/api/config", headers={"X-Kto-Device": secret}).get_json()
    assert (body["organisation"], body["survey"], body["contact_channel"]) == (
        "demo",
        "balie",
        "counter",
    )
    assert body["definition"]["questions"][0]["key"] == "oordeel"
    assert body["settings"]["thanks_seconds"] == 2
    assert body["settings"]["idle_seconds"] == 20


def test_config_without_or_with_unknown_secret_is_401(client, demo_org):
    assert client.get("/kiosk/api/config").status_code == 401
    response = client.get("/kiosk/api/config", headers={"X-Kto-Device": "wrong"})
    assert response.status_code == 401
    assert response.get_json() == {
        "error": "unauthorized", "message": "Unknown device.", "field": None
    }


def test_kiosk_response_gets_the_device_location(client, demo_org):
    device_id, secret = enrolled_device(location="stadskantoor")
    response = post(client, secret, kiosk_payload(NOW))
    assert response.status_code == 201
    row = db.session.get(Response, response.get_json()["id"])
    location = db.session.get(Location, row.location_id)
    assert (row.device_id, location.slug, row.suspect) == (device_id, "stadskantoor", False)


def test_two_responses_one_second_apart_second_is_suspect(client, demo_org):
    _, secret = enrolled_device()
    first = post(client, secret, kiosk_payload(NOW - timedelta(seconds=1)))
    second = post(client, secret, kiosk_payload(NOW))
    rows = {
        r.id: r for r in db.session.execute(select(Response)).scalars()
    }  # both stored, never dropped
    assert len(rows) == 2
    assert rows[first.get_json()["id"]].suspect is False
    assert rows[second.get_json()["id"]].suspect is True
    assert rows[second.get_json()["id"]].suspect_reason == "kiosk_too_fast"


def test_replaying_a_response_keeps_its_flag_and_stores_nothing_new(client, demo_org):
    _, secret = enrolled_device()
    payload = kiosk_payload(NOW)
    earlier = post(client, secret, kiosk_payload(NOW - timedelta(seconds=60)))
    assert earlier.status_code == 201
    received_a_minute_ago(earlier.get_json()["id"])
    assert post(client, secret, payload).status_code == 201
    again = post(client, secret, payload)
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert db.session.execute(select(Response.suspect)).scalars().all() == [False, False]


def test_burst_is_flagged_with_configured_rate(client, demo_org):
    _, secret = enrolled_device({"min_interval_seconds": 0, "burst_limit": 2})
    for offset in (30, 20, 10):
        response = post(client, secret, kiosk_payload(NOW - timedelta(seconds=offset)))
        assert response.status_code == 201
    reasons = db.session.execute(
        select(Response.suspect_reason).order_by(Response.submitted_at)
    ).scalars()
    assert list(reasons) == [None, None, "kiosk_burst"]


def test_suspect_rule_looks_only_at_the_same_device(client, demo_org):
    _, one = enrolled_device()
    _, two = enrolled_device()
    post(client, one, kiosk_payload(NOW - timedelta(seconds=1)))
    post(client, two, kiosk_payload(NOW))
    assert db.session.execute(select(Response.suspect)).scalars().all() == [False, False]


def test_revoked_device_is_refused_and_nothing_is_stored(client, demo_org, runner):
    device_id, secret = enrolled_device()
    result = runner.invoke(args=["kto", "kiosk", "revoke", str(device_id)])
    assert result.exit_code == 0, result.output
    before = count_rows()
    response = post(client, secret, kiosk_payload(NOW))
    assert response.status_code == 403
    assert response.get_json()["error"] == "device_revoked"
    config = client.get("/kiosk/api/config", headers={"X-Kto-Device": secret})
    assert config.status_code == 403 and config.get_json()["error"] == "device_revoked"
    assert count_rows() == before


def test_device_answers_its_own_survey_only(client, demo_org):
    _, secret = enrolled_device()
    before = count_rows()
    payload = kiosk_payload(NOW, survey="whatsapp")
    response = post(client, secret, payload)
    assert response.status_code == 422
    assert response.get_json()["error"] == "device_survey_mismatch"
    assert count_rows() == before


def test_heartbeat_is_stored_and_listed(client, demo_org, runner):
    device_id, secret = enrolled_device()
    response = client.post(
        "/kiosk/api/heartbeat",
        json={"app_version": "abc123", "queue_length": 7, "refused_count": 2,
              "last_submission_at": NOW.isoformat()},
        headers={"X-Kto-Device": secret},
    )
    assert response.status_code == 204
    device = db.session.get(Device, device_id)
    db.session.refresh(device)
    assert (device.app_version, device.queue_length, device.refused_count) == ("abc123", 7, 2)
    assert device.last_submission_at == NOW and device.last_seen is not None
    listing = runner.invoke(args=["kto", "kiosk", "list"])
    assert listing.exit_code == 0
    line = next(x for x in listing.output.splitlines() if x.strip().startswith(str(device_id)))
    assert "demo/stadhuis/balie" in line and "active" in line and "abc123" in line
    assert "     7        2  " in line and NOW.strftime("%Y-%m-%d %H:%M:%S") in line


def test_bad_heartbeats_are_refused(client, demo_org):
    device_id, secret = enrolled_device()
    for body in (
        {"queue_length": -1},
        {"queue_length": "7"},
        {"refused_count": True},
        {"refused_count": 1.5},
        {"app_version": "x" * 41},
        {"last_submission_at": "yesterday"},
        {"last_submission_at": "2026-01-01T10:00:00"},
        {"battery": 80},
    ):
        response = client.post("/kiosk/api/heartbeat", json=body, headers={"X-Kto-Device": secret})
        assert response.status_code == 422, body
    assert db.session.get(Device, device_id).last_seen is None


def test_cli_add_prints_link_and_saves_qr_codes(app, runner, demo_org):
    result = runner.invoke(
        args=[
            "kto",
            "kiosk",
            "add",
            "--org",
            "demo",
            "--location",
            "stadhuis",
            "--survey",
            "balie",
            "--set",
            "idle_seconds=30",
        ]
    )
    assert result.exit_code == 0, result.output
    link = next(x for x in result.output.splitlines() if "/kiosk/enrol/" in x)
    assert link.startswith(app.config["PUBLIC_URL"].rstrip("/") + "/kiosk/enrol/")
    device = db.session.execute(select(Device)).scalar_one()
    assert device.settings == {"idle_seconds": 30}
    folder = app.config["EXPORTS_DIR"] + "/kiosk"
    with open(f"{folder}/device-{device.id}-enrolment.png", "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"
    with open(f"{folder}/device-{device.id}-enrolment.svg") as svg:
        assert "<svg" in svg.read()
    token = link.rsplit("/", 1)[1]
    assert kiosks.enrol(token)


def test_cli_add_refuses_unknown_places(runner, demo_org):
    result = runner.invoke(
        args=["kto", "kiosk", "add", "--org", "demo", "--location", "maan", "--survey", "balie"]
    )
    assert result.exit_code != 0 and "Unknown location 'maan'" in result.output
    assert db.session.execute(select(Device)).first() is None


def test_kiosk_shell_and_service_worker_are_served(client):
    shell = client.get("/kiosk/")
    assert shell.status_code == 200
    assert "script-src 'self'" in shell.headers["Content-Security-Policy"]
    assert b"Bedankt!" in shell.data and b"Thank you!" in shell.data
    worker = client.get("/kiosk/sw.js")
    assert worker.mimetype == "text/javascript"
    assert b"__VERSION__" not in worker.data


def test_heartbeat_refuses_control_characters_in_the_app_version(client, demo_org):
    device_id, secret = enrolled_device()
    for version in ("\x1b[31mred", "v1\r\nroot", "v1\x07", "v1\u009b2J"):
        response = client.post("/kiosk/api/heartbeat", json={"app_version": version},
                               headers={"X-Kto-Device": secret})
        assert response.status_code == 422, version
        assert response.get_json()["error"] == "wrong_type"
    assert db.session.get(Device, device_id).app_version is None


def test_list_prints_terminal_escapes_as_visible_text(demo_org, runner):
    device_id, _ = enrolled_device()
    device = db.session.get(Device, device_id)
    device.app_version = "\x1b[31mred\x1b]0;owned\x07"  # stored before input was validated
    device.name = "Uitgang\x1b[2J"
    db.session.commit()
    listing = runner.invoke(args=["kto", "kiosk", "list"])
    assert listing.exit_code == 0
    assert "\x1b" not in listing.output and "\x07" not in listing.output
    line = next(x for x in listing.output.splitlines() if x.strip().startswith(str(device_id)))
    assert line.endswith("\\x1b[31mred\\x1b]0;owned\\x07")
    assert "Uitgang\\x1b[2J" in line
