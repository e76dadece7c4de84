"""The website widget's callback link: the reply to its post carries a signed link to the link
page's callback form only when the survey offers that answer a callback; the link files a
request for that response only."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import CallbackCase, CallbackRequest, Response, Survey, Unit
from survey.services import callback_links, widget
from tests.api.test_widget_api import post_web, web_payload
from tests.conftest import count_rows

DETAILS = {"consent": "yes", "name": "Piet", "phone": "020 123 4567", "email": "",
           "message": "Over de afvalpagina."}


@pytest.fixture(autouse=True)
def _fresh_widget_cache():
    widget.clear_cache()
    yield
    widget.clear_cache()


def _rule(callback: dict | None):
    survey = db.session.execute(select(Survey).where(Survey.slug == "website")).scalar_one()
    settings = {k: v for k, v in survey.settings.items() if k != "callback"}
    if callback is not None:
        settings["callback"] = callback
    survey.settings = settings
    db.session.commit()


def _answer(client, answer: str, language: str = "nl") -> dict:
    reply = post_web(client, web_payload(answers={"geholpen": answer}, language=language))
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()


def _path(href: str) -> str:
    parts = urlsplit(href)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_a_negative_answer_gets_a_link_to_the_callback_form(client, demo_org):
    _rule({"offer": "negative", "unit": "kcc"})
    body = _answer(client, "no")
    callback = body["callback"]  # the link's attributes, its words beside them
    assert body["callback_text"] == "Wilt u dat wij contact met u opnemen?"
    assert set(callback) == {"href", "target"} and callback["target"] == "_blank"
    parts = urlsplit(callback["href"])
    assert parts.scheme == "http" and parts.netloc == "localhost"  # absolute: another site
    assert parts.path.startswith("/s/c/") and parts.path.endswith("/callback")
    assert parts.query == "lang=nl"
    # the English widget gets English words
    english = _answer(client, "no", "en")
    assert english["callback_text"] == "Would you like us to contact you about this?"


def test_no_link_after_a_positive_answer_or_when_the_rule_says_never(client, demo_org):
    assert "callback" not in _answer(client, "yes")
    _rule({"offer": "never"})
    assert "callback" not in _answer(client, "no")
    _rule({"offer": "always"})
    assert "callback" in _answer(client, "yes")


def test_an_import_with_an_api_key_gets_no_link(client, import_headers, demo_org):
    payload = web_payload(answers={"geholpen": "no"})
    payload.pop("inclusion_probability")
    reply = client.post("/api/v1/responses", json=payload, headers=import_headers)
    assert reply.status_code == 201, reply.get_json()
    assert "callback" not in reply.get_json()


def test_the_link_opens_the_form_and_files_a_case_for_the_rules_unit(client, demo_org):
    _rule({"offer": "negative", "unit": "kcc"})
    body = _answer(client, "no")
    link = _path(body["callback"]["href"])
    form = client.get(link)
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "Ik vind het goed dat de gemeente deze gegevens alleen gebruikt" in html
    assert "Set-Cookie" not in form.headers
    # without consent: the form again with its error, nothing stored
    rows = count_rows()
    refused = client.post(link, data={**DETAILS, "consent": ""})
    assert refused.status_code == 422
    assert count_rows() == rows

    sent = client.post(link, data=DETAILS)
    assert sent.status_code == 303
    confirmation = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Wij bellen u binnen 2 werkdagen terug." in confirmation
    request = db.session.execute(select(CallbackRequest)).scalar_one()
    assert str(db.session.get(Response, request.response_id).uuid) == body["uuid"]
    assert (request.phone, request.survey_mode, request.contact_channel) == (
        "+31201234567", "popup", "website"
    )
    case = db.session.execute(select(CallbackCase)).scalar_one()
    assert db.session.get(Unit, case.unit_id).slug == "kcc"
    # asked once: the form now shows the confirmation, a replay posts nothing new
    assert client.get(link).status_code == 303
    rows = count_rows()
    assert client.post(link, data=DETAILS).status_code == 303
    assert count_rows() == rows
    # the same answer posted again (the widget's retry) no longer offers it
    replay = post_web(client, web_payload(answers={"geholpen": "no"}, id=body["uuid"]))
    assert "callback" not in replay.get_json()


def test_a_forged_key_is_refused_and_stores_nothing(client, demo_org, app):
    _rule({"offer": "negative", "unit": "kcc"})
    body = _answer(client, "no")
    link = _path(body["callback"]["href"])
    key = link.split("/")[3]
    rows = count_rows()
    # a key signed with another secret, an altered key, and a plain link's follow-up key
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("not-the-secret", salt="kto-widget-callback").dumps(
        body["uuid"]
    )
    with app.test_request_context():
        from survey.services.plain_links import _serializer

        plain_key = _serializer("follow-up").dumps(body["uuid"])
    for bad in (forged, key[:-2] + ("AA" if not key.endswith("AA") else "BB"), plain_key):
        for method in (client.get, client.post):
            page = method(f"/s/c/{bad}/callback", data=DETAILS)
            assert page.status_code == 404
            assert "link werkt niet" in page.get_data(as_text=True)
        assert client.get(f"/s/c/{bad}/callback/sent").status_code == 404
    assert count_rows() == rows


def test_a_key_proves_only_its_own_response(client, demo_org, app):
    """A key for a positive answer cannot be used for someone else's negative one; and a key
    for a response of another survey's rule is judged by that response's own rule."""
    _rule({"offer": "always", "unit": "kcc"})
    happy = _answer(client, "yes")
    _rule({"offer": "negative", "unit": "kcc"})
    unhappy = _answer(client, "no")
    happy_link = _path(happy["callback"]["href"])
    rows = count_rows()
    # the happy response's key now opens nothing (its rule no longer offers it) ...
    assert client.post(happy_link, data=DETAILS).status_code == 404
    assert count_rows() == rows
    # ... and filing with the unhappy one's key files it for the unhappy response only
    assert client.post(_path(unhappy["callback"]["href"]), data=DETAILS).status_code == 303
    request = db.session.execute(select(CallbackRequest)).scalar_one()
    assert str(db.session.get(Response, request.response_id).uuid) == unhappy["uuid"]


def test_an_expired_key_is_gone(client, demo_org, app, monkeypatch):
    _rule({"offer": "negative", "unit": "kcc"})
    body = _answer(client, "no")
    link = _path(body["callback"]["href"])
    monkeypatch.setattr(callback_links, "KEY_SECONDS", -1)
    rows = count_rows()
    page = client.post(link, data=DETAILS)
    assert page.status_code == 410
    assert count_rows() == rows
