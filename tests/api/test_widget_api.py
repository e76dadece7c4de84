"""The widget's server side: cached config, CORS allow-list, recorded fields, double answers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from survey.extensions import db
from survey.models import Response
from survey.services import widget
from tests.conftest import count_rows, make_payload

ALLOWED = "http://127.0.0.1:8001"
STRANGER = "http://evil.example"
CONFIG = "/api/v1/widget/demo/website"
VISITOR = "abcdefghijklmnop0123456789"


@pytest.fixture(autouse=True)
def _fresh_widget_cache():
    widget.clear_cache()
    yield
    widget.clear_cache()


def web_payload(**overrides) -> dict:
    values = {
        "survey": "website",
        "contact_channel": "website",
        "survey_mode": "popup",
        "presentation": "popup",
        "trigger": "delay",
        "location": None,
        "page_path": "/afval",
        "inclusion_probability": 0.25,
        "visitor": VISITOR,
        "answers": {"geholpen": "yes"},
    }
    values.update(overrides)
    return {k: v for k, v in make_payload(**values).items() if v is not None}


def post_web(client, payload, origin: str = ALLOWED):
    """An answer as the widget posts it from a page on an allowed website."""
    return client.post("/api/v1/responses", json=payload, headers={"Origin": origin})


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self)


def test_config_has_questions_settings_and_texts(client, demo_org):
    result = client.get(CONFIG)
    assert result.status_code == 200
    body = result.get_json()
    assert body["headline"] == "geholpen"
    keys = [q["key"] for q in body["questions"]]
    assert keys == ["geholpen", "makkelijk", "duidelijk", "gezocht"]
    assert body["widget"]["presentations"] == ["popup", "tab", "inline"]
    assert body["widget"]["sampling_rate"] == 0.25
    assert body["widget"]["recontact_days"] == {"shown": 7, "dismissed": 30, "answered": 90}
    assert body["texts"]["nl"]["close"] == "Sluiten"
    assert body["texts"]["en"]["close"] == "Close"
    assert result.headers["Cache-Control"] == "public, max-age=300"
    assert re.fullmatch(r'"[0-9a-f]{32}"', result.headers["ETag"])


def test_config_repeat_is_304_and_needs_no_database_query(client, demo_org):
    first = client.get(CONFIG)
    with QueryCounter() as queries:
        again = client.get(CONFIG, headers={"If-None-Match": first.headers["ETag"]})
        full = client.get(CONFIG)
    assert again.status_code == 304 and again.data == b""
    assert full.status_code == 200 and full.data == first.data
    assert queries.count == 0


def test_survey_without_widget_settings_has_no_widget_config(client, demo_org):
    result = client.get("/api/v1/widget/demo/balie")
    assert result.status_code == 404
    assert result.get_json()["error"] == "not_found"
    assert client.get("/api/v1/widget/nobody/website").status_code == 404


def test_config_cors_only_for_allowed_origins(client, demo_org):
    allowed = client.get(CONFIG, headers={"Origin": ALLOWED})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Origin" in allowed.headers["Vary"]
    refused = client.get(CONFIG, headers={"Origin": STRANGER})
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in refused.headers
    own = client.get(CONFIG, headers={"Origin": "http://localhost"})
    assert own.status_code == 200 and "Access-Control-Allow-Origin" not in own.headers


def test_preflight_for_posting_answers(client, demo_org):
    headers = {"Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type"}
    allowed = client.options("/api/v1/responses", headers={**headers, "Origin": ALLOWED})
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert allowed.headers["Access-Control-Allow-Methods"] == "POST"
    assert allowed.headers["Access-Control-Allow-Headers"] == "Content-Type"
    refused = client.options("/api/v1/responses", headers={**headers, "Origin": STRANGER})
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_post_from_a_stranger_origin_is_refused_and_stores_nothing(client, demo_org):
    before = count_rows()
    result = post_web(client, web_payload(), STRANGER)
    assert result.status_code == 403
    assert result.get_json()["error"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in result.headers
    assert count_rows() == before


def test_origin_allowed_for_one_organisation_is_not_allowed_for_another(client, demo_org):
    from survey.demo.surveys import WEBSITE, WEBSITE_SETTINGS
    from survey.models import Organisation
    from survey.services.surveys import create_survey

    elders = Organisation(slug="elders", name="Elders", allowed_origins=["https://elders.nl"])
    db.session.add(elders)
    create_survey(elders, "website", "Website", WEBSITE, WEBSITE_SETTINGS)
    db.session.commit()
    before = count_rows()
    result = post_web(client, web_payload(organisation="elders"))
    assert result.status_code == 403
    assert result.get_json()["error"] == "origin_not_allowed"
    assert count_rows() == before
    assert post_web(client, web_payload(organisation="elders"), "https://elders.nl").status_code \
        == 201


def test_widget_answer_is_recorded_with_its_widget_fields(client, demo_org):
    payload = web_payload(page_path="/afval/kalender?postcode=1234AB&naam=Jan#top",
                          trigger="exit_intent")
    result = client.post("/api/v1/responses", json=payload, headers={"Origin": ALLOWED})
    assert result.status_code == 201
    assert result.headers["Access-Control-Allow-Origin"] == ALLOWED
    stored = db.session.get(Response, result.get_json()["id"])
    assert stored.page_path == "/afval/kalender"
    assert (stored.trigger, stored.presentation, stored.survey_mode) == (
        "exit_intent", "popup", "popup")
    assert stored.inclusion_probability == 0.25
    assert re.fullmatch(r"[0-9a-f]{64}", stored.visitor_hash)
    assert VISITOR not in stored.visitor_hash
    assert stored.suspect is False


def test_second_answer_of_a_visitor_is_stored_flagged(client, demo_org):
    first = post_web(client, web_payload())
    second = post_web(client, web_payload(answers={"geholpen": "no"}))
    other = post_web(client, web_payload(visitor="z" * 20))
    assert first.status_code == second.status_code == other.status_code == 201
    rows = {r.id: r for r in db.session.scalars(select(Response))}
    assert len(rows) == 3
    one, two, three = (rows[r.get_json()["id"]] for r in (first, second, other))
    assert (one.suspect, one.suspect_reason) == (False, None)
    assert (two.suspect, two.suspect_reason) == (True, "duplicate_visitor")
    assert three.suspect is False
    assert one.visitor_hash == two.visitor_hash != three.visitor_hash


def test_visitor_counts_again_after_the_throttle_window(client, demo_org):
    first = post_web(client, web_payload())
    earlier = db.session.get(Response, first.get_json()["id"])
    moved = earlier.received_at - timedelta(days=91)
    db.session.execute(update(Response).where(Response.id == earlier.id).values(received_at=moved))
    db.session.commit()
    later = post_web(client, web_payload())
    assert db.session.get(Response, later.get_json()["id"]).suspect is False


def test_inline_block_is_asked_per_page(client, demo_org):
    inline = {"survey_mode": "inline", "presentation": "inline", "trigger": "click",
              "inclusion_probability": 1}
    first = post_web(client, web_payload(page_path="/afval", **inline))
    other_page = post_web(client, web_payload(page_path="/parkeren", **inline))
    same_page = post_web(client, web_payload(page_path="/afval?x=1", **inline))
    flags = [db.session.get(Response, r.get_json()["id"]).suspect
             for r in (first, other_page, same_page)]
    assert flags == [False, False, True]


def test_visitor_hash_differs_per_survey(client, demo_org, import_headers):
    web = post_web(client, web_payload())
    counter = client.post(
        "/api/v1/responses",
        json=make_payload(visitor=VISITOR, answers={"oordeel": "up"}),
        headers=import_headers,
    )
    hashes = {db.session.get(Response, r.get_json()["id"]).visitor_hash for r in (web, counter)}
    assert len(hashes) == 2
    assert db.session.get(Response, counter.get_json()["id"]).suspect is False


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"trigger": "hover"}, "trigger"),
        ({"trigger": 3}, "trigger"),
        ({"presentation": "banner"}, "presentation"),
        ({"presentation": "inline"}, "presentation"),  # recorded as popup: contradiction
        ({"visitor": "short"}, "visitor"),
        ({"visitor": "a" * 20 + "<script>"}, "visitor"),
        ({"visitor": 12345678901234567890}, "visitor"),
    ],
)
def test_bad_widget_fields_are_refused(client, demo_org, overrides, field):
    before = count_rows()
    result = post_web(client, web_payload(**overrides))
    assert result.status_code == 422
    assert result.get_json()["field"] == field
    assert count_rows() == before


def test_openapi_lists_the_widget_endpoint_and_fields(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "get" in document["paths"]["/api/v1/widget/{org}/{survey}"]
    schema = document["paths"]["/api/v1/responses"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert {"trigger", "presentation", "visitor"} <= set(schema["properties"])


def test_config_in_the_page_language_has_only_its_texts_and_stays_cacheable(client, demo_org):
    both = client.get(CONFIG).get_json()
    english = client.get(CONFIG + "?lang=en")
    assert english.status_code == 200
    body = english.get_json()
    assert body["texts"] == {"en": both["texts"]["en"]}
    assert body["title"] == {"en": "Was this page helpful?"}
    assert [q["text"] for q in body["questions"]][0] == {
        "en": "Did you find what you were looking for?"
    }
    assert body["questions"][3]["show_if"] == {"equals": "no", "question": "geholpen"}
    assert body["widget"] == both["widget"] and body["version"] == both["version"]
    assert english.headers["Cache-Control"] == "public, max-age=300"
    dutch = client.get(CONFIG + "?lang=nl")
    assert dutch.get_json()["texts"] == {"nl": both["texts"]["nl"]}
    assert dutch.headers["ETag"] != english.headers["ETag"] != client.get(CONFIG).headers["ETag"]
    with QueryCounter() as queries:
        again = client.get(CONFIG + "?lang=en", headers={"If-None-Match": english.headers["ETag"]})
    assert again.status_code == 304 and queries.count == 0
    # a language the widget does not speak gets every language, as without the parameter
    assert client.get(CONFIG + "?lang=de").data == client.get(CONFIG).data


def test_config_leaves_out_what_the_script_tag_says(client, demo_org):
    body = client.get(CONFIG).get_json()
    assert "organisation" not in body and "survey" not in body
