"""POST /api/v1/responses: stored once when valid; a clear 4xx and no change otherwise."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, Location, Response
from tests.conftest import count_rows, make_payload

URL = "/api/v1/responses"


@pytest.fixture
def client(client, import_headers):
    """These tests check the ingest itself, so they post as a trusted server-to-server import
    (an API key); each channel's own proof of origin is tested in test_channels.py."""
    client.environ_base["HTTP_AUTHORIZATION"] = import_headers["Authorization"]
    return client


def post(client, payload, **kwargs):
    return client.post(URL, json=payload, **kwargs)


def test_valid_response_is_stored_with_its_answers(client, demo_org):
    payload = make_payload(answers={"oordeel": "down", "reden": ["lang_wachten", "klacht"]})
    result = post(client, payload)
    assert result.status_code == 201
    body = result.get_json()
    assert body["uuid"] == payload["id"] and body["created"] is True
    response = db.session.get(Response, body["id"])
    assert response.contact_channel == "counter"
    assert response.survey_mode == "kiosk"
    assert db.session.get(Location, response.location_id).slug == "stadhuis"
    assert response.satisfied is False
    assert response.inclusion_probability == 1.0
    assert response.suspect is False
    options = sorted(
        a.option for a in db.session.scalars(select(Answer).where(Answer.response_id == body["id"]))
    )
    assert options == ["down", "klacht", "lang_wachten"]


def test_grade_headline_scores_and_satisfaction(client, demo_org):
    seven = post(client, make_payload(survey="telefoon", contact_channel="phone",
                                      survey_mode="sms", location=None,
                                      answers={"cijfer": 7}))
    six = post(client, make_payload(survey="telefoon", contact_channel="phone",
                                    survey_mode="sms", location=None,
                                    answers={"cijfer": 6, "reden": ["lang_wachten"]}))
    assert seven.status_code == six.status_code == 201
    assert db.session.get(Response, seven.get_json()["id"]).satisfied is True
    stored_six = db.session.get(Response, six.get_json()["id"])
    assert (stored_six.headline_score, stored_six.satisfied) == (6, False)


def test_other_namely_text_is_kept(client, demo_org):
    payload = make_payload(
        survey="telefoon", contact_channel="phone", survey_mode="sms", location=None,
        answers={"cijfer": 3, "reden": {"selected": ["other"], "other": "  Loket was dicht "}},
    )
    result = post(client, payload)
    assert result.status_code == 201
    answer = db.session.scalars(select(Answer).where(Answer.option == "other")).one()
    assert answer.text == "Loket was dicht"


def test_same_id_and_payload_again_returns_the_same_id(client, demo_org):
    payload = make_payload()
    first = post(client, payload)
    again = post(client, json.loads(json.dumps(payload, sort_keys=True)))
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["created"] is False
    assert count_rows()["responses"] == 1


def test_same_id_with_other_payload_is_a_conflict(client, demo_org):
    payload = make_payload()
    post(client, payload)
    before = count_rows()
    result = post(client, {**payload, "answers": {"oordeel": "down"}})
    assert result.status_code == 409
    assert result.get_json()["error"] == "id_conflict"
    assert count_rows() == before


def test_page_path_drops_query_and_fragment(client, demo_org):
    payload = make_payload(survey="website", contact_channel="website", survey_mode="popup",
                           location=None, page_path="https://x.nl/verhuizen?bsn=123#top",
                           answers={"geholpen": "yes"})
    result = post(client, payload)
    assert db.session.get(Response, result.get_json()["id"]).page_path == "/verhuizen"


def test_blank_answers_leave_the_denominator(client, demo_org):
    payload = make_payload(survey="website", contact_channel="website", survey_mode="inline",
                           location=None, answers={"geholpen": "na", "makkelijk": "yes"})
    stored = db.session.get(Response, post(client, payload).get_json()["id"])
    assert stored.satisfied is None


def test_a_fast_client_clock_is_corrected_not_refused(client, demo_org):
    """A tablet an hour or two ahead: stored, its times moved back, its own time kept beside."""
    claimed = datetime.now(UTC) + timedelta(hours=2)
    payload = make_payload(submitted_at=claimed.isoformat(),
                           started_at=(claimed - timedelta(seconds=40)).isoformat())
    before = datetime.now(UTC)
    result = post(client, payload)
    assert result.status_code == 201, result.get_json()
    stored = db.session.get(Response, result.get_json()["id"])
    assert before <= stored.submitted_at <= stored.received_at
    assert stored.submitted_at - stored.started_at == timedelta(seconds=40)
    assert stored.client_submitted_at == claimed
    again = post(client, payload)  # the same answer sent again is the same stored row
    assert again.status_code == 200 and again.get_json()["id"] == stored.id


BAD = [
    ("unknown_survey", 422, {"survey": "nope"}),
    ("unknown_survey", 422, {"organisation": "elsewhere"}),
    ("unknown_version", 422, {"version": 9}),
    ("unknown_question", 422, {"answers": {"oordeel": "up", "colour": "blue"}}),
    ("wrong_type", 422, {"answers": {"oordeel": 1}}),
    ("invalid_option", 422, {"answers": {"oordeel": "sideways"}}),
    ("not_applicable", 422, {"answers": {"oordeel": "up", "reden": ["klacht"]}}),
    ("missing_answer", 422, {"answers": {"onderwerp": "rijbewijs"}}),
    ("empty_response", 422, {"answers": {}}),
    ("wrong_type", 422, {"answers": ["oordeel"]}),
    ("missing_field", 422, {"id": None}),
    ("wrong_type", 422, {"id": "not-a-uuid"}),
    ("missing_field", 422, {"survey": None}),
    ("invalid_value", 422, {"contact_channel": "pigeon"}),
    ("invalid_value", 422, {"survey_mode": "fax"}),
    ("invalid_value", 422, {"language": "fr"}),
    ("unknown_location", 422, {"location": "maan"}),
    ("unknown_topic", 422, {"topic": "maan"}),
    ("unknown_field", 422, {"suspect": False}),
    ("wrong_type", 422, {"submitted_at": "yesterday"}),
    ("wrong_type", 422, {"submitted_at": "2026-01-01T10:00:00"}),
    ("invalid_value", 422, {"inclusion_probability": 0}),
    ("invalid_value", 422, {"inclusion_probability": 1.5}),
    ("wrong_type", 422, {"inclusion_probability": "half"}),
    ("wrong_type", 422, {"version": "1"}),
    ("wrong_type", 422, {"version": True}),
]


@pytest.mark.parametrize(("code", "status", "change"), BAD, ids=[f"{c}-{i}" for i, (c, _, _) in
                                                                    enumerate(BAD)])
def test_bad_input_is_refused_and_changes_nothing(client, demo_org, code, status, change):
    payload = {k: v for k, v in {**make_payload(), **change}.items() if v is not None}
    if change.get("id", "") is None:
        payload.pop("id", None)
    before = count_rows()
    result = post(client, payload)
    assert result.status_code == status, result.get_json()
    body = result.get_json()
    assert body["error"] == code
    assert body["message"]
    assert "field" in body
    assert count_rows() == before


SCORE_CASES = [
    ("telefoon", {"cijfer": 11}, "out_of_range"),
    ("telefoon", {"cijfer": 0}, "out_of_range"),
    ("telefoon", {"cijfer": 7.5}, "wrong_type"),
    ("telefoon", {"cijfer": True}, "wrong_type"),
    ("telefoon", {"cijfer": "8"}, "wrong_type"),
    ("telefoon", {"cijfer": 8, "toelichting": "x" * 1001}, "too_long"),
    ("telefoon", {"cijfer": 4, "reden": ["klacht", "klacht"]}, "invalid_option"),
    ("telefoon", {"cijfer": 4, "reden": {"selected": ["klacht"], "other": "x"}}, "invalid_option"),
    ("whatsapp", {"oordeel": "up", "aanbevelen": 11}, "out_of_range"),
    ("whatsapp", {"oordeel": "up", "aanbevelen": -1}, "out_of_range"),
]


@pytest.mark.parametrize(("survey", "answers", "code"), SCORE_CASES)
def test_out_of_range_and_wrong_answers(client, demo_org, survey, answers, code):
    channel = {"telefoon": "phone", "whatsapp": "whatsapp"}[survey]
    payload = make_payload(survey=survey, contact_channel=channel, survey_mode="sms",
                           answers=answers)
    payload.pop("location")
    before = count_rows()
    result = post(client, payload)
    assert result.status_code == 422
    assert result.get_json()["error"] == code
    assert result.get_json()["field"].startswith("answers.")
    assert count_rows() == before


def test_text_over_2000_characters_is_refused(client, app):
    from survey.models import Organisation
    from survey.services.surveys import create_survey

    org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
    create_survey(org, "open", "Open", {"questions": [
        {"key": "tekst", "kind": "text", "required": True, "text": {"nl": "Zeg het maar"}},
        {"key": "oordeel", "kind": "thumbs", "text": {"nl": "Tevreden?"}}],
        "headline": "oordeel"})
    db.session.commit()
    base = make_payload(survey="open", location=None)
    ok = post(client, {**base, "answers": {"tekst": "x" * 2000}})
    assert ok.status_code == 201
    before = count_rows()
    long = post(client, {**base, "id": str(uuid.uuid4()), "answers": {"tekst": "x" * 2001}})
    assert long.status_code == 422 and long.get_json()["error"] == "too_long"
    assert count_rows() == before


def test_malformed_json_is_400(client, demo_org):
    result = client.post(URL, data="{not json", content_type="application/json")
    assert result.status_code == 400
    assert result.get_json()["error"] == "bad_request"


def test_wrong_content_type_is_415(client, demo_org):
    result = client.post(URL, data=json.dumps(make_payload()), content_type="text/plain")
    assert result.status_code == 415
    assert result.get_json()["error"] == "unsupported_media_type"


def test_body_over_64_kb_is_413(client, demo_org):
    payload = make_payload(answers={"oordeel": "up"}, padding="x" * (65 * 1024))
    before = count_rows()
    result = client.post(URL, data=json.dumps(payload), content_type="application/json")
    assert result.status_code == 413
    assert result.get_json()["error"] == "body_too_large"
    assert count_rows() == before


def test_unknown_api_path_is_json_404(client, demo_org):
    result = client.get("/api/v1/nothing-here")
    assert result.status_code == 404
    assert result.get_json()["error"] == "not_found"


def test_wrong_method_is_json_405(client, demo_org):
    result = client.delete(URL)
    assert result.status_code == 405
    assert result.get_json()["error"] == "method_not_allowed"


def test_answers_keep_their_version_after_an_edit(client, demo_org):
    from survey.demo.surveys import BALIE
    from survey.models import Survey
    from survey.services.surveys import save_definition

    first = post(client, make_payload()).get_json()["id"]
    survey = db.session.scalars(select(Survey).where(Survey.slug == "balie")).one()
    edited = {**BALIE, "questions": BALIE["questions"][:1]}
    version = save_definition(survey, edited)
    assert version.number == 2
    second = post(client, make_payload()).get_json()["id"]
    old, new = db.session.get(Response, first), db.session.get(Response, second)
    assert old.survey_version.number == 1 and new.survey_version.number == 2
    refused = post(client, make_payload(answers={"oordeel": "up", "onderwerp": "rijbewijs"}))
    assert refused.get_json()["error"] == "unknown_question"
    pinned = post(client, make_payload(version=1, answers={"oordeel": "up",
                                                           "onderwerp": "rijbewijs"}))
    assert pinned.status_code == 201


def test_replay_of_a_response_that_no_longer_validates_is_still_a_success(client, demo_org):
    from survey.demo.surveys import BALIE
    from survey.models import Survey
    from survey.services.surveys import save_definition

    payload = make_payload(answers={"oordeel": "up", "onderwerp": "rijbewijs"})
    first = post(client, payload)
    survey = db.session.scalars(select(Survey).where(Survey.slug == "balie")).one()
    save_definition(survey, {**BALIE, "questions": BALIE["questions"][:1]})
    replay = post(client, payload)
    assert replay.status_code == 200
    assert replay.get_json()["id"] == first.get_json()["id"]
    changed = post(client, {**payload, "answers": {"oordeel": "down", "onderwerp": "anders"}})
    assert changed.status_code == 409
    assert count_rows()["responses"] == 1
