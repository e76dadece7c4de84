"""One renderer for refused requests: the same JSON under /api/ and /kiosk/api/, form errors on
pages, and no werkzeug types inside services."""

import ast
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.exceptions import NotFound as HttpNotFound
from wtforms import Form, StringField

from survey import error_responses
from survey.domain import ValidationError
from survey.error_responses import add_form_error, describe
from survey.errors import Conflict, Forbidden, Gone, Invalid, NotFound, Unauthorized
from tests.kiosk.helpers import enrolled_device

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (Invalid("too_long", "Too long.", "comment"), (422, "too_long", "Too long.", "comment")),
        (NotFound("unknown_survey", "No survey.", "survey"), (404, "unknown_survey",
                                                             "No survey.", "survey")),
        (Conflict("id_conflict", "Used.", "id"), (409, "id_conflict", "Used.", "id")),
        (Forbidden("device_revoked", "Off."), (403, "device_revoked", "Off.", None)),
        (Unauthorized("unauthorized", "Who?"), (401, "unauthorized", "Who?", None)),
        (Gone("enrolment_invalid", "Used."), (410, "enrolment_invalid", "Used.", None)),
        (ValidationError("wrong_type", "A number.", "score"), (422, "wrong_type", "A number.",
                                                               "score")),
        (HttpNotFound("Nothing here."), (404, "not_found", "Nothing here.", None)),
    ],
)
def test_every_refusal_has_one_status_code_message_and_field(error, expected):
    assert describe(error) == expected


class _Form(Form):
    email = StringField()


def test_a_named_field_gets_the_message_else_the_form_does():
    form = _Form()
    add_form_error(form, Invalid("wrong_email", "Not an e-mail address.", "email"))
    add_form_error(form, Conflict("email_taken", "Taken.", "email"))
    add_form_error(form, NotFound("unknown_organisation", "No such organisation.", "organisation"))
    add_form_error(form, ValidationError("wrong_type", "Something else."))
    assert form.email.errors == ["Not an e-mail address.", "Taken."]
    assert form.form_errors == ["No such organisation.", "Something else."]


def test_kiosk_errors_have_the_api_format(client, demo_org):
    used = client.post("/kiosk/api/enrol", json={"token": "never-issued"})
    assert used.status_code == 410
    assert used.get_json() == {
        "error": "enrolment_invalid",
        "message": "This enrolment link is unknown, used or expired.",
        "field": "token",
    }
    _device, secret = enrolled_device()
    bad = client.post("/kiosk/api/heartbeat", json={"queue_length": -1},
                      headers={"X-Kto-Device": secret})
    assert bad.status_code == 422
    assert bad.get_json() == {
        "error": "wrong_type", "message": "'queue_length' is a count.", "field": "queue_length"
    }
    not_json = client.post("/kiosk/api/heartbeat", data="x", headers={"X-Kto-Device": secret})
    assert not_json.status_code == 400
    assert not_json.get_json() == {
        "error": "bad_request", "message": "Send a JSON object.", "field": None
    }
    missing = client.get("/kiosk/api/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_pages_keep_html_error_pages(client):
    response = client.get("/kiosk/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_a_service_error_a_page_did_not_catch_is_its_http_error():
    app = Flask(__name__)
    error_responses.init_app(app)

    @app.get("/page")
    @app.get("/api/v1/thing")
    def _refused():
        raise Conflict("email_taken", "A user with this e-mail exists.", "email")

    client = app.test_client()
    assert client.get("/api/v1/thing").get_json() == {
        "error": "email_taken", "message": "A user with this e-mail exists.", "field": "email"
    }
    response = client.get("/page")
    assert response.status_code == 409
    assert response.mimetype == "text/html"
    assert b"A user with this e-mail exists." in response.data


def test_services_raise_no_werkzeug_or_http_types():
    for path in sorted((ROOT / "survey" / "services").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                assert not module.startswith("werkzeug"), f"{path.name} imports {module}"
                if module == "flask":  # the app's config only, never abort() or responses
                    assert [a.name for a in node.names] == ["current_app"], path.name
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("werkzeug") for a in node.names), path.name
