"""Each survey mode needs its proof of origin; the server sets the inclusion probability."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey.channels import Channel, Registry, registry
from survey.extensions import db
from survey.models import Device, Organisation, Response, Survey, WidgetRateChange
from survey.services import catalogue
from survey.services.apikeys import create_api_key
from tests.conftest import count_rows, make_payload
from tests.kiosk.helpers import enrolled_device

URL = "/api/v1/responses"
ALLOWED = "http://127.0.0.1:8001"


def web_payload(**overrides) -> dict:
    values = {"survey": "website", "contact_channel": "website", "survey_mode": "popup",
              "presentation": "popup", "trigger": "delay", "location": None,
              "answers": {"geholpen": "yes"}}
    values.update(overrides)
    return {k: v for k, v in make_payload(**values).items() if v is not None}


def refused(client, payload, status: int, code: str, headers=None):
    before = count_rows()
    result = client.post(URL, json=payload, headers=headers or {})
    assert result.status_code == status, result.get_json()
    body = result.get_json()
    assert body["error"] == code and body["message"]
    assert count_rows() == before
    return body


def test_kiosk_mode_without_a_device_secret_is_401_and_stores_nothing(client, demo_org):
    refused(client, make_payload(), 401, "device_secret_required")


def test_kiosk_mode_with_an_unknown_device_secret_is_401(client, demo_org):
    refused(client, make_payload(), 401, "unauthorized", {"X-Kto-Device": "guessed"})


def test_whatsapp_answers_are_given_in_the_conversation(client, demo_org):
    payload = make_payload(survey="whatsapp", contact_channel="whatsapp",
                           survey_mode="whatsapp", location=None, answers={"oordeel": "up"})
    body = refused(client, payload, 403, "answer_in_conversation")
    assert body["field"] == "survey_mode"
    assert "API key" in body["message"]


@pytest.mark.parametrize("mode", ["sms", "email", "qr", "link"])
def test_link_page_modes_are_answered_on_the_link_page(client, demo_org, mode):
    payload = make_payload(survey="telefoon", contact_channel="phone", survey_mode=mode,
                           location=None, answers={"cijfer": 8})
    body = refused(client, payload, 403, "answer_on_link_page")
    assert body["field"] == "survey_mode"
    assert "/s/<token>" in body["message"] and "API key" in body["message"]


def test_widget_mode_without_an_origin_is_403(client, demo_org):
    refused(client, web_payload(), 403, "origin_not_allowed")


def test_a_device_secret_does_not_vouch_for_another_mode(client, demo_org):
    _, secret = enrolled_device()
    refused(client, web_payload(), 403, "origin_not_allowed", {"X-Kto-Device": secret})


def test_widget_answer_gets_the_configured_sampling_rate(client, demo_org):
    result = client.post(URL, json=web_payload(), headers={"Origin": ALLOWED})
    assert result.status_code == 201
    assert db.session.get(Response, result.get_json()["id"]).inclusion_probability == 0.25
    tab = client.post(URL, json=web_payload(presentation="tab", trigger="click"),
                      headers={"Origin": ALLOWED})
    assert db.session.get(Response, tab.get_json()["id"]).inclusion_probability == 1.0


def test_a_forged_small_probability_from_the_widget_is_refused(client, demo_org):
    body = refused(client, web_payload(inclusion_probability=0.001), 422,
                   "inclusion_probability_mismatch", {"Origin": ALLOWED})
    assert body["field"] == "inclusion_probability"
    # a tab is opened by the visitor himself: the pop-up's rate does not apply either
    refused(client, web_payload(presentation="tab", inclusion_probability=0.25), 422,
            "inclusion_probability_mismatch", {"Origin": ALLOWED})
    assert db.session.execute(select(Response)).first() is None


def test_mismatch_error_is_readable_by_the_widget_page(client, demo_org):
    result = client.post(URL, json=web_payload(inclusion_probability=0.5),
                         headers={"Origin": ALLOWED})
    assert result.status_code == 422
    assert result.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_kiosk_answers_count_with_probability_one(client, demo_org):
    _, secret = enrolled_device()
    headers = {"X-Kto-Device": secret}
    refused(client, make_payload(inclusion_probability=0.01), 422,
            "inclusion_probability_mismatch", headers)
    stored = client.post(URL, json=make_payload(), headers=headers)
    assert db.session.get(Response, stored.get_json()["id"]).inclusion_probability == 1.0


def test_an_import_with_an_api_key_brings_its_own_probability(client, demo_org, import_headers):
    payload = make_payload(survey="telefoon", contact_channel="phone", survey_mode="sms",
                           location=None, answers={"cijfer": 8}, inclusion_probability=0.1)
    result = client.post(URL, json=payload, headers=import_headers)
    assert result.status_code == 201
    assert db.session.get(Response, result.get_json()["id"]).inclusion_probability == 0.1


def test_an_import_needs_a_valid_key_of_the_same_organisation(client, demo_org):
    refused(client, make_payload(), 401, "invalid_api_key", {"Authorization": "Bearer kto_nope"})
    refused(client, make_payload(), 401, "invalid_api_key", {"Authorization": "Basic x"})
    db.session.add(Organisation(slug="elders", name="Elders"))
    db.session.commit()
    other = create_api_key("elders")
    body = refused(client, make_payload(), 403, "organisation_mismatch",
                   {"Authorization": f"Bearer {other}"})
    assert body["field"] == "organisation"


def test_kiosk_rules_use_the_receive_time_not_the_tablet_clock(client, demo_org):
    """Answers sent back to back, claiming to be ten minutes apart, are still too fast."""
    _, secret = enrolled_device()
    now = datetime.now(UTC)
    ids = []
    for minutes in (30, 20, 10):
        payload = make_payload(submitted_at=(now - timedelta(minutes=minutes)).isoformat())
        payload.pop("location")
        result = client.post(URL, json=payload, headers={"X-Kto-Device": secret})
        assert result.status_code == 201
        ids.append(result.get_json()["id"])
    reasons = [db.session.get(Response, i).suspect_reason for i in ids]
    assert reasons == [None, "kiosk_too_fast", "kiosk_too_fast"]


def test_kiosk_burst_counts_receive_times(client, demo_org):
    _, secret = enrolled_device({"min_interval_seconds": 0, "burst_limit": 2,
                                 "burst_window_seconds": 60})
    now = datetime.now(UTC)
    for minutes in (50, 40, 30):  # far apart by the tablet's word, a burst by the server's
        payload = make_payload(submitted_at=(now - timedelta(minutes=minutes)).isoformat())
        payload.pop("location")
        assert client.post(URL, json=payload, headers={"X-Kto-Device": secret}).status_code == 201
    reasons = db.session.execute(select(Response.suspect_reason).order_by(Response.id)).scalars()
    assert list(reasons) == [None, None, "kiosk_burst"]


def test_every_open_mode_has_one_channel(app):
    channels = registry(app)
    assert {m: c.name for m, c in channels.by_mode.items()} == {
        "kiosk": "kiosk", "popup": "widget", "inline": "widget",
        "sms": "link", "email": "link", "link": "link", "qr": "link",
        "whatsapp": "whatsapp"}


def test_a_mode_cannot_belong_to_two_channels():
    class One(Channel):
        name, modes = "one", ("sms",)

    class Two(Channel):
        name, modes = "two", ("sms", "email")

    class Fax(Channel):
        name, modes = "fax", ("fax",)

    channels = Registry()
    channels.register(One())
    with pytest.raises(ValueError, match="belongs to channel 'one'"):
        channels.register(Two())
    with pytest.raises(ValueError, match="unknown modes"):
        channels.register(Fax())
    assert channels.channel_for("sms", {}).name == "one"


def _silent_device(seconds: float) -> str:
    """An enrolled kiosk whose last contact the server saw was `seconds` ago (empty queue)."""
    device_id, secret = enrolled_device()
    then = datetime.now(UTC) - timedelta(seconds=seconds)
    device = db.session.get(Device, device_id)
    device.enrolled_at, device.last_seen, device.queue_length = then, then, 0
    db.session.commit()
    return secret


def _send_all(client, secret, claimed) -> list:
    ids = []
    for moment in claimed:
        payload = make_payload(submitted_at=moment.isoformat())
        payload.pop("location")
        result = client.post(URL, json=payload, headers={"X-Kto-Device": secret})
        assert result.status_code == 201, result.get_json()
        ids.append(result.get_json()["id"])
    db.session.expire_all()
    return [db.session.get(Response, i).suspect_reason for i in ids]


def test_an_offline_kiosk_queue_sent_at_once_is_not_suspect(client, demo_org):
    """Silent for 10 minutes, then 8 answers taken a minute apart arrive in one go."""
    secret = _silent_device(600)
    now = datetime.now(UTC)
    claimed = [now - timedelta(minutes=8 - i) for i in range(8)]
    assert _send_all(client, secret, claimed) == [None] * 8


def test_claimed_spacing_without_real_silence_is_suspect(client, demo_org):
    """The same 8 answers from a device that was in contact a second ago."""
    secret = _silent_device(1)
    now = datetime.now(UTC)
    claimed = [now - timedelta(minutes=8 - i) for i in range(8)]
    reasons = _send_all(client, secret, claimed)
    assert reasons[0] is None and set(reasons[1:]) == {"kiosk_too_fast"}


def test_a_single_device_flood_with_forged_spaced_times_is_suspect(client, demo_org):
    """30 answers within about two seconds, claiming to be a minute apart."""
    secret = _silent_device(2)
    now = datetime.now(UTC)
    claimed = [now - timedelta(minutes=30 - i) for i in range(30)]
    reasons = _send_all(client, secret, claimed)
    assert reasons.count(None) == 1 and reasons.count("kiosk_too_fast") == 29


def _change_sampling_rate(rate: float) -> None:
    """Staff change the website survey's pop-up rate (the demo publishes 0.25)."""
    survey = db.session.execute(select(Survey).where(Survey.slug == "website")).scalar_one()
    settings = dict(survey.settings)
    settings["widget"] = {**settings["widget"], "sampling_rate": rate}
    survey.settings = settings
    db.session.commit()
    catalogue.clear_cache()  # the server forgets its own cached settings at once


def _stored_probability(result) -> float:
    assert result.status_code == 201, result.get_json()
    return db.session.get(Response, result.get_json()["id"]).inclusion_probability


def test_an_answer_under_the_rate_published_before_a_change_keeps_that_rate(client, demo_org):
    assert _stored_probability(client.post(URL, json=web_payload(inclusion_probability=0.25),
                                           headers={"Origin": ALLOWED})) == 0.25
    _change_sampling_rate(0.5)
    stale = client.post(URL, json=web_payload(inclusion_probability=0.25),
                        headers={"Origin": ALLOWED})
    assert _stored_probability(stale) == 0.25
    fresh = client.post(URL, json=web_payload(inclusion_probability=0.5),
                        headers={"Origin": ALLOWED})
    assert _stored_probability(fresh) == 0.5
    assert _stored_probability(client.post(URL, json=web_payload(),
                                           headers={"Origin": ALLOWED})) == 0.5


def test_a_rate_never_published_is_refused_after_a_change(client, demo_org):
    _change_sampling_rate(0.5)
    refused(client, web_payload(inclusion_probability=0.1), 422,
            "inclusion_probability_mismatch", {"Origin": ALLOWED})


def test_the_previous_rate_is_refused_long_after_the_change(client, demo_org):
    _change_sampling_rate(0.5)
    changes = db.session.execute(select(WidgetRateChange)).scalars().all()
    assert [c.sampling_rate for c in changes] == [0.25]
    changes[0].replaced_at = datetime.now(UTC) - timedelta(hours=3)
    db.session.commit()
    refused(client, web_payload(inclusion_probability=0.25), 422,
            "inclusion_probability_mismatch", {"Origin": ALLOWED})
