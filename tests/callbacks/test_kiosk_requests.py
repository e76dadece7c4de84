"""Callback requests from the kiosk: stored apart from the anonymous response, as a case for the
survey's unit with its working-day deadline; retries are safe; bad input stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey.domain.working_days import deadline
from survey.extensions import db
from survey.models import AuditEntry, CallbackCase, CallbackRequest, Response, Survey, Unit
from tests.callbacks.helpers import callback_body, device, kiosk_down, post_callback
from tests.conftest import count_rows


def test_a_thumbs_down_and_a_callback_make_a_case_for_the_unit(client, demo_org):
    _, secret = device()
    response_uuid = kiosk_down(client, secret)
    before = datetime.now(UTC)
    answer = post_callback(client, secret, callback_body(response_uuid))
    after = datetime.now(UTC)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["norm_days"] == 2

    request = db.session.execute(select(CallbackRequest)).scalar_one()
    assert (request.name, request.phone, request.email) == ("Mevrouw Jansen", "+31612345678", None)
    assert request.message == "Ik stond een uur in de rij."
    assert (request.survey_mode, request.contact_channel) == ("kiosk", "counter")
    case = db.session.execute(select(CallbackCase)).scalar_one()
    assert case.id == body["id"]
    assert db.session.get(Unit, case.unit_id).slug == "burgerzaken"
    assert case.status == "new" and case.norm_days == 2
    assert case.due_at in {deadline(before, 2), deadline(after, 2)}
    assert case.due_at > after + timedelta(days=1)

    # The response itself stays anonymous: nothing of the request is in it or its answers.
    response = db.session.execute(select(Response)).scalar_one()
    assert request.response_id == response.id
    assert response.satisfied is False
    texts = [a.text for a in response.answers if a.text]
    assert not any("Jansen" in t or "0612345678" in t for t in texts)


def test_a_retry_returns_the_same_case_and_other_content_is_a_conflict(client, demo_org):
    _, secret = device()
    body = callback_body(kiosk_down(client, secret))
    first = post_callback(client, secret, body)
    again = post_callback(client, secret, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    rows = count_rows()
    other = post_callback(client, secret, {**body, "name": "Iemand anders"})
    assert other.status_code == 409
    assert other.get_json()["error"] == "callback_exists"
    assert count_rows() == rows


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"consent": False}, "consent_required", "consent"),
        ({"consent": None}, "consent_required", "consent"),
        ({"phone": "12345"}, "phone_malformed", "phone"),
        ({"phone": "06 1234 56789 0"}, "phone_malformed", "phone"),
        ({"phone": "0900 1234567"}, "phone_not_callable", "phone"),
        ({"phone": "", "email": "jansen@@voorbeeld"}, "email_malformed", "email"),
        ({"phone": "", "email": "a@b.nl\r\nBcc: x@y.nl"}, "email_malformed", "email"),
        ({"phone": "", "email": ""}, "contact_required", "phone"),
        ({"name": "Jansen\r\nBcc: iemand@example.com"}, "name_control_characters", "name"),
        ({"name": "Jansen\n"}, "name_control_characters", "name"),
        ({"name": "Jan\x07sen"}, "name_control_characters", "name"),
        ({"message": "x" * 1001}, "too_long", "message"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(client, demo_org, change, code, field):
    _, secret = device()
    response_uuid = kiosk_down(client, secret)
    rows = count_rows()
    answer = post_callback(client, secret, callback_body(response_uuid, **change))
    assert answer.status_code == 422
    assert (answer.get_json()["error"], answer.get_json()["field"]) == (code, field)
    assert answer.get_json()["message"]
    assert count_rows() == rows
    assert rows["callback_requests"] == 0 and rows["callback_cases"] == 0


def test_the_request_waits_for_its_response(client, demo_org):
    _, secret = device()
    rows = count_rows()
    early = post_callback(client, secret, callback_body("6f1c3b5e-1d2a-4c1e-9a51-0d1f6b2a7c11"))
    assert early.status_code == 409
    assert early.get_json()["error"] == "response_pending"
    assert count_rows() == rows


def test_refused_after_a_positive_answer_from_another_device_or_without_a_secret(
    client, demo_org
):
    _, secret = device()
    _, other_secret = device()
    happy = kiosk_down(client, secret, answer="up")
    rows = count_rows()
    answer = post_callback(client, secret, callback_body(happy))
    assert (answer.status_code, answer.get_json()["error"]) == (422, "callback_not_offered")
    unhappy = kiosk_down(client, secret)
    rows = count_rows()
    assert post_callback(client, other_secret, callback_body(unhappy)).status_code == 404
    assert client.post("/kiosk/api/callback", json=callback_body(unhappy)).status_code == 401
    assert post_callback(client, "not-a-secret", callback_body(unhappy)).status_code == 401
    assert count_rows() == rows


def test_a_survey_that_never_offers_a_callback_refuses_it(client, demo_org):
    _, secret = device()
    survey = db.session.execute(select(Survey).where(Survey.slug == "balie")).scalar_one()
    survey.settings = {**survey.settings, "callback": {"offer": "never"}}
    db.session.commit()
    response_uuid = kiosk_down(client, secret)
    rows = count_rows()
    answer = post_callback(client, secret, callback_body(response_uuid))
    assert (answer.status_code, answer.get_json()["error"]) == (422, "callback_not_offered")
    assert count_rows() == rows
    config = client.get("/kiosk/api/config", headers={"X-Kto-Device": secret}).get_json()
    assert config["callback"] == {"offer": "never"}


def test_the_kiosk_config_carries_the_rule_and_the_promised_term(client, demo_org):
    _, secret = device()
    config = client.get("/kiosk/api/config", headers={"X-Kto-Device": secret}).get_json()
    callback = config["callback"]
    assert (callback["offer"], callback["norm_days"]) == ("negative", 2)
    assert callback["texts"]["nl"]["confirm_phone"] == "Wij bellen u binnen 2 werkdagen terug."
    assert callback["texts"]["en"]["confirm_phone"] == (
        "We will call you back within 2 working days."
    )
    assert callback["texts"]["nl"]["confirm_email"] == "Wij mailen u binnen 2 werkdagen."


def test_no_audit_entry_holds_the_details(client, demo_org):
    _, secret = device()
    post_callback(client, secret, callback_body(kiosk_down(client, secret)))
    entries = db.session.execute(select(AuditEntry)).scalars().all()
    assert all("Jansen" not in str(e.before) + str(e.after) for e in entries)
