"""Every staff form given too long values, wrong types or another organisation's ids: a clear
refusal (4xx), nothing stored, no server error."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import ApiKey
from tests.admin.fixtures import fresh, login
from tests.admin.test_csrf import post_rules
from tests.admin.test_matrix import build
from tests.conftest import count_rows

FIELDS = ("name", "email", "password", "confirm", "current", "invite-email", "invite-role",
          "default_language", "timezone", "complaint_url", "subscribers", "logo", "role")
HOSTILE = {
    "too long": "x" * 20_000,
    # A list where one value belongs (forms read the first: empty), and text for numbers.
    "wrong type": ["", "twee", "3"],
}


# The forgotten-password form answers the same whatever address it is given (it never tells
# which addresses exist).
# Publishing or discarding a survey's draft and removing a question take no input (only the
# CSRF token); with nothing to publish or discard they change nothing.
NO_FIELDS_OF_ITS_OWN = {
    "admin.forgot_password",
    "admin.survey_publish",
    "admin.survey_discard",
    "admin.survey_question_delete",
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_every_staff_form_refuses_bad_values(app, client, staff, kind):
    login(client, "admin@alfa.nl")
    value = HOSTILE[kind]
    checked = 0
    for rule in post_rules(app):
        if rule.endpoint in ("admin.logout", "admin.login", "admin.settings_logo_remove"):
            continue  # login: tests/test_security.py; logout and logo removal take no input
        # Ids of another organisation: whatever the form holds, a 404.
        path = build(rule, "alpha", staff.ids["beta"])
        data = {field: value for field in FIELDS}
        for user_id in staff.ids["alpha"].values():
            data[f"m{user_id}-role"] = value
        before = count_rows()
        response = fresh(client).post(path, data=data)
        if rule.endpoint in NO_FIELDS_OF_ITS_OWN:
            assert response.status_code < 500, (rule.rule, kind, response.status_code)
        else:
            assert 400 <= response.status_code < 500, (rule.rule, kind, response.status_code)
        assert count_rows() == before, (rule.rule, kind)
        checked += 1
    assert checked >= 10


def test_api_key_last_use_is_written_after_a_real_request(client, staff):
    from survey.services.apikeys import create_api_key

    key = create_api_key("alpha", "export")
    response = client.get("/api/v1/responses", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code in (200, 400)  # the key was accepted (a query may be missing)
    stored = db.session.execute(select(ApiKey).where(ApiKey.label == "export")).scalar()
    db.session.refresh(stored)
    assert stored.last_used_at is not None
