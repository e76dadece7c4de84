"""`flask kto privacy export|erase --reference REF`: what is held for one contact reference,
and its erasure (personal data gone from every table, anonymous answers kept, audit entry)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Answer, AuditEntry, Contact, Organisation, Response
from survey.services import privacy
from survey.services.responses import record_many
from tests.conftest import count_rows
from tests.privacy.helpers import (
    EMAIL,
    NAME,
    PHONE_E164,
    callback_request,
    contact_with_failed_message,
    found_personal,
)

NOW = datetime.now(UTC) - timedelta(days=2)
REF = "zaak-2026-0042"
OTHER_PHONE = "0612345678"
ANSWER = f"Ik ben {NAME}, de medewerker was vriendelijk"


@pytest.fixture
def held(demo_org):
    org_id = db.session.execute(select(Organisation.id).where(Organisation.slug == "demo")).scalar()
    invitation_id = contact_with_failed_message(org_id, REF, NOW)
    # The person answered through the invitation (link page): the response is linked to it.
    response_id = uuid.uuid4()
    record_many([{
        "id": str(response_id), "organisation": "demo", "survey": "telefoon",
        "contact_channel": "phone", "survey_mode": "sms",
        "submitted_at": (NOW + timedelta(hours=1)).isoformat(),
        "answers": {"cijfer": 6, "toelichting": ANSWER},
    }])
    with unit_of_work() as session:
        session.execute(update(Response).values(invitation_id=invitation_id))
    # ... and asked for a callback after answering: an open case.
    callback_request(org_id, db.session.execute(select(Response.id)).scalar_one(), NOW,
                     closed=False)
    # Another contact of another person stays untouched.
    contact_with_failed_message(org_id, "zaak-2026-0043", NOW, phone=OTHER_PHONE)
    return org_id


def test_export_shows_what_is_held(held, runner):
    result = runner.invoke(args=["kto", "privacy", "export", "--reference", REF])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reference"] == REF and data["organisation"] == "demo"
    assert data["contact"]["address"] == PHONE_E164
    assert data["contact"]["channel"] == "phone"
    assert data["invitation"]["status"] == "failed"
    assert data["invitation"]["messages"][0]["error"].startswith("invalid_number")
    assert data["answers"][0]["answers"] == [
        {"question": "cijfer", "number": 6, "option": None, "text": None},
        {"question": "toelichting", "number": None, "option": None, "text": ANSWER},
    ]
    assert data["opted_out"] is False
    [callback] = data["callback_requests"]
    assert (callback["name"], callback["phone"], callback["email"]) == (NAME, PHONE_E164, EMAIL)
    assert callback["case_status"] == "new"
    [note] = data["callback_case_notes"]
    assert note["text"].startswith(f"{NAME} gebeld op")


def test_erase_removes_the_personal_data_and_keeps_the_answers(held, runner):
    answers = db.session.execute(select(func.count()).select_from(Answer)).scalar()
    responses = db.session.execute(select(func.count()).select_from(Response)).scalar()
    assert set(found_personal([NAME, PHONE_E164, REF])) == {NAME, PHONE_E164, REF}

    result = runner.invoke(args=["kto", "privacy", "erase", "--reference", REF, "--yes"])
    assert result.exit_code == 0, result.output
    assert "address 1" in result.output and "answers_unlinked 1" in result.output

    # The person's reference, number, name and words are nowhere; the other person's number
    # is still there.
    assert found_personal([NAME, REF, PHONE_E164, EMAIL, "vriendelijk", "over mijn paspoort",
                           "paspoort klaar ligt"]) == {}
    assert found_personal(["+31612345678"]) == {"+31612345678": ["contacts.address",
                                                                  "deliveries.error"]}
    # Anonymous answers stay: the same rows, the score kept, no link to the invitation.
    assert db.session.execute(select(func.count()).select_from(Answer)).scalar() == answers
    assert db.session.execute(select(func.count()).select_from(Response)).scalar() == responses
    response = db.session.execute(select(Response)).scalar_one()
    assert response.invitation_id is None
    assert [(a.question_key, a.number, a.text) for a in response.answers] == [
        ("cijfer", 6, None), ("toelichting", None, None),
    ]
    # The audit log records the erasure, naming the contact by id only.
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "privacy.erase")
    ).scalar_one()
    assert db.session.execute(select(AuditEntry.action).where(
        AuditEntry.action == "callback.details_erased")).scalar_one()
    assert entry.target.startswith("contact:") and entry.actor_label == "cli"
    assert entry.after["erased"]["answer_texts"] == 1
    assert entry.after["erased"]["callback_requests"] == 1
    assert entry.after["erased"]["callback_case_notes"] == 1
    # The reference is gone, so a second request finds nothing.
    again = runner.invoke(args=["kto", "privacy", "export", "--reference", REF])
    assert again.exit_code == 1 and "No contact has this reference." in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reference", "zaak-onbekend"], "No contact has this reference."),
        (["--reference", " "], "Give the contact's reference."),
        (["--reference", REF, "--org", "nergens"], "No organisation 'nergens'."),
    ],
)
def test_bad_references_are_refused_and_nothing_changes(held, runner, args, message):
    rows = count_rows()
    for extra in (["export"], ["erase", "--yes"]):
        result = runner.invoke(args=["kto", "privacy", *extra, *args])
        assert result.exit_code == 1, result.output
        assert message in result.output
    assert count_rows() == rows
    assert db.session.execute(select(AuditEntry)).first() is None


def test_a_reference_in_two_organisations_needs_the_organisation(held, runner):
    with unit_of_work() as session:
        elders = Organisation(slug="elders", name="Gemeente Elders", allowed_origins=[])
        session.add(elders)
        session.flush()
        session.execute(update(Contact).where(Contact.reference == "zaak-2026-0043").values(
            organisation_id=elders.id, reference=REF))
    result = runner.invoke(args=["kto", "privacy", "erase", "--reference", REF, "--yes"])
    assert result.exit_code == 1 and "name the organisation" in result.output
    ok = runner.invoke(args=["kto", "privacy", "erase", "--reference", REF, "--org", "demo",
                             "--yes"])
    assert ok.exit_code == 0, ok.output
    assert privacy.find_contact(REF, "elders").address == "+31612345678"
