"""Survey pages over HTTP: roles, other organisations, bad input at the field with nothing
changed, and CSRF refused on every form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation
from survey.services import survey_editor
from survey.services.users import add_user
from tests.conftest import count_rows

PASSWORD = "a long password for surveys"
SURVEY_ENDPOINTS = {
    rule: None
    for rule in (
        "GET /staff/demo/surveys",
        "GET /staff/demo/surveys/new",
        "POST /staff/demo/surveys/new",
        "GET /staff/demo/surveys/balie",
        "POST /staff/demo/surveys/balie",
        "GET /staff/demo/surveys/balie/questions/new",
        "GET /staff/demo/surveys/balie/questions/reden",
        "POST /staff/demo/surveys/balie/questions/reden",
        "POST /staff/demo/surveys/balie/questions/reden/move",
        "POST /staff/demo/surveys/balie/questions/reden/delete",
        "POST /staff/demo/surveys/balie/publish",
        "POST /staff/demo/surveys/balie/discard",
        "GET /staff/demo/surveys/balie/export",
        "GET /staff/demo/surveys/balie/preview/kiosk",
        "GET /staff/demo/surveys/balie/preview/widget",
    )
}


@pytest.fixture
def people(demo_org):
    with unit_of_work() as session:
        session.add(Organisation(slug="anders", name="Gemeente Anders"))
    other = db.session.execute(select(Organisation).where(Organisation.slug == "anders"))
    survey_editor.create_from_template(other.scalar_one(), "t", "geheim", "Geheim", "nps")
    for role in ("admin", "analyst", "viewer"):
        add_user(f"{role}@voorbeeld.nl", PASSWORD, "demo", role)
    add_user("admin@anders.nl", PASSWORD, "anders", "admin")


def log_in(client, email):
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def call(client, rule, data=None):
    method, path = rule.split(" ", 1)
    return client.open(path, method=method, data=data or {})


def test_every_survey_view_declares_admin(app):
    found = [
        (rule.rule, app.view_functions[rule.endpoint])
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.survey")
    ]
    assert len(found) == 12
    for path, view in found:
        expected = "public" if path.endswith(".css") else "admin"
        assert getattr(view, "_kto_role", None) == expected, path


@pytest.mark.parametrize("who, status", [(None, 302), ("viewer", 403), ("analyst", 403)])
def test_only_administrators(client, people, who, status):
    if who:
        log_in(client, f"{who}@voorbeeld.nl")
    before = count_rows()
    for rule in SURVEY_ENDPOINTS:
        assert call(client, rule).status_code == status, rule
    assert count_rows() == before


def test_another_organisations_surveys_are_404(client, people):
    log_in(client, "admin@anders.nl")
    before = count_rows()
    for rule in SURVEY_ENDPOINTS:  # the demo organisation's pages: not a member
        assert call(client, rule).status_code == 404, rule
    client.post("/staff/logout")
    log_in(client, "admin@voorbeeld.nl")
    for rule in SURVEY_ENDPOINTS:  # the other organisation's survey in this one's URLs
        rule = rule.replace("/balie", "/geheim")
        if "/new" in rule and "/questions/" not in rule or rule.endswith("/surveys"):
            continue
        assert call(client, rule).status_code == 404, rule
    assert call(client, "GET /staff/demo/surveys/balie/preview/sms").status_code == 404
    assert call(client, "GET /staff/demo/surveys/balie/preview/kiosk?version=99").status_code == 404
    assert call(client, "GET /staff/demo/surveys/balie/questions/new?kind=x").status_code == 404
    assert count_rows() == before


def field_error(html: str, field_id: str) -> str:
    """The error text shown at a field, which the field (or its group) names as described by."""
    found = re.search(rf'id="{re.escape(field_id)}-error">([^<]*)<', html)
    assert found, f"no error at {field_id}"
    tied = re.search(rf'<(input|select|textarea)[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    if tied:
        assert 'aria-invalid="true"' in tied.group(0), field_id
        assert f"{field_id}-error" in tied.group(0), field_id
    else:  # a group of checkboxes: the fieldset
        assert f'aria-describedby="{field_id}-error"' in html, field_id
    return found.group(1)


QUESTION = {
    "key": "reden",
    "kind": "choice",
    "text_nl": "Wat ging er niet goed?",
    "text_en": "What went wrong?",
    "multiple": "y",
    "show_if_question": "oordeel",
    "show_if_operator": "equals",
    "show_if_value": "down",
    "options-0-code": "lang_wachten",
    "options-0-text_nl": "Ik moest lang wachten",
}


@pytest.mark.parametrize(
    "change, field_id, text",
    [
        ({"text_nl": "x" * 1001}, "text_nl", "1000"),
        ({"key": "1 fout"}, "key", "letter"),
        ({"kind": "slider"}, "kind", ""),
        ({"max_length": "veel"}, "max_length", ""),
        (
            {"options-1-code": "lang_wachten", "options-1-text_nl": "Nog eens"},
            "options-1-code",
            "twee keer",
        ),
        ({"options-0-code": "met spatie"}, "options-0-code", "spaties"),
        ({"options-0-text_nl": ""}, "options-0-text_nl", "Nederlandse tekst"),
        (
            {"show_if_question": "onderwerp", "show_if_value": "paspoort_id"},
            "show_if_question",
            "eerder antwoord",
        ),
        ({"show_if_value": "misschien"}, "show_if_value", "geen antwoord"),
        ({"show_if_operator": "lte", "show_if_value": "drie"}, "show_if_value", "heel getal"),
    ],
)
def test_bad_question_input_at_the_field_nothing_changed(client, people, change, field_id, text):
    log_in(client, "admin@voorbeeld.nl")
    before = count_rows()
    response = client.post("/staff/demo/surveys/balie/questions/reden", data={**QUESTION, **change})
    assert response.status_code == 422
    assert text in field_error(response.get_data(as_text=True), field_id)
    assert count_rows() == before
    assert survey_editor.survey_of(1, "balie").draft is None


def test_good_question_and_overview_and_publish(client, people):
    log_in(client, "admin@voorbeeld.nl")
    response = client.post("/staff/demo/surveys/balie/questions/reden", data=QUESTION)
    assert response.status_code == 302
    draft = survey_editor.survey_of(1, "balie").draft
    assert draft["questions"][1]["options"] == [
        {"code": "lang_wachten", "text": {"nl": "Ik moest lang wachten"}}
    ]
    response = client.post(
        "/staff/demo/surveys/balie",
        data={
            "name": "Balie",
            "title_nl": "Hoe was uw bezoek?",
            "headline": "oordeel",
            "satisfied_values": ["up"],
            "modes": ["kiosk", "sms"],
        },
    )
    assert response.status_code == 302
    versions = survey_editor.version_count(1, "balie")
    assert client.post("/staff/demo/surveys/balie/publish").status_code == 302
    assert survey_editor.version_count(1, "balie") == versions + 1
    # Bad overview input: at the field, nothing changed.
    before = count_rows()
    response = client.post(
        "/staff/demo/surveys/balie",
        data={"name": "x" * 201, "headline": "oordeel", "satisfied_values": ["up"]},
    )
    assert response.status_code == 422 and field_error(response.get_data(as_text=True), "name")
    response = client.post(
        "/staff/demo/surveys/balie",
        data={"name": "Balie", "headline": "oordeel", "satisfied_values": ["nope"]},
    )
    assert response.status_code == 422
    assert "Vink de antwoorden aan" in field_error(
        response.get_data(as_text=True), "satisfied_values"
    )
    assert count_rows() == before


def test_csrf_refused_on_every_form(client, people, app):
    log_in(client, "admin@voorbeeld.nl")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        before = count_rows()
        for rule in SURVEY_ENDPOINTS:
            if rule.startswith("POST"):
                response = call(client, rule, {**QUESTION, "direction": "up", "csrf_token": "x"})
                assert response.status_code == 400, rule
                response = call(client, rule, {**QUESTION, "direction": "up"})
                assert response.status_code == 400, rule
        assert count_rows() == before
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
