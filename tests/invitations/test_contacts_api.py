"""POST /api/v1/contacts: contacts in with an API key, their invitation decided in the same
transaction, idempotent, and every bad input refused with nothing stored."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Contact, Invitation
from survey.services.apikeys import create_api_key
from survey.services.invitations import address_hash, link_token, token_hash
from tests.conftest import count_rows

URL = "/api/v1/contacts"


def ended(minutes_ago: int = 30) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()


def call(reference="C-1", phone="06 1234 5678", **extra) -> dict:
    return {
        "reference": reference,
        "contact_channel": "phone",
        "ended_at": extra.pop("ended_at", ended()),
        "phone": phone,
        **extra,
    }


def mail(reference="M-1", email="Jan@Example.nl", channel="email", **extra) -> dict:
    return {
        "reference": reference,
        "contact_channel": channel,
        "ended_at": extra.pop("ended_at", ended()),
        "email": email,
        **extra,
    }


@pytest.fixture
def post(client, import_headers):
    def send(body, headers=None):
        return client.post(URL, json=body, headers=headers or import_headers)

    return send


def test_a_call_is_stored_with_its_sms_invitation_in_one_go(post):
    response = post(call(unit="kcc", topic="verhuizen", handling="transferred", language="en"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["created"] is True and body["outcome"] == "invited"
    contact = db.session.get(Contact, body["id"])
    assert contact.address == "+31612345678" and contact.address_kind == "phone"
    assert contact.handling == "transferred" and contact.language == "en"
    assert contact.address_hash == address_hash(contact.organisation_id, "+31612345678")
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert invitation.contact_id == contact.id and invitation.survey_mode == "sms"
    assert invitation.status == "scheduled" and invitation.inclusion_probability == 1.0
    assert invitation.survey.slug == "telefoon"  # the demo rule of the phone channel
    assert invitation.token_hash == token_hash(link_token(contact.id))
    assert body["due_at"] == invitation.due_at.isoformat()


def test_an_email_contact_gets_an_email_invitation(post):
    body = post(mail(channel="contact_form")).get_json()
    contact = db.session.get(Contact, body["id"])
    assert contact.address == "jan@example.nl" and contact.address_kind == "email"
    assert db.session.execute(select(Invitation.survey_mode)).scalar_one() == "email"


def test_a_batch_and_a_retry_of_it(post):
    batch = [call("B-1"), call("B-2", phone="+32 470 12 34 56"), mail("B-3")]
    first = post({"contacts": batch})
    assert first.status_code == 201
    assert first.get_json()["created"] == 3
    before = count_rows()
    again = post(batch)  # a plain list works too
    assert again.status_code == 200
    body = again.get_json()
    assert body["created"] == 0 and body["existing"] == 3
    assert [c["id"] for c in body["contacts"]] == [c["id"] for c in first.get_json()["contacts"]]
    assert count_rows() == before


def test_a_retry_by_uuid_returns_the_stored_contact(post):
    key = str(uuid.uuid4())
    payload = call(reference=None, id=key)
    del payload["reference"]
    first = post(payload).get_json()
    before = count_rows()
    second = post(payload)
    assert second.status_code == 200 and second.get_json()["id"] == first["id"]
    assert second.get_json()["uuid"] == key
    assert count_rows() == before


def test_the_same_number_written_differently_is_the_same_content(post):
    stamp = ended()
    post(call(ended_at=stamp, phone="0612345678"))
    assert post(call(ended_at=stamp, phone="+31 6 1234 5678")).status_code == 200


def test_a_reused_reference_with_other_content_is_a_409(post):
    post(call())
    before = count_rows()
    response = post(call(phone="06 8765 4321"))
    assert response.status_code == 409
    assert response.get_json()["error"] == "contact_conflict"
    assert count_rows() == before


def test_a_reused_reference_inside_a_batch_with_other_content_is_a_409(post):
    before = count_rows()
    response = post([call("D-1"), call("D-1", phone="06 8765 4321")])
    assert response.status_code == 409
    assert count_rows() == before


def test_a_batch_with_one_conflict_stores_nothing(post):
    post(call("E-1"))
    before = count_rows()
    response = post([call("E-2"), call("E-1", topic="afval")])
    assert response.status_code == 409 and "Contact 2" in response.get_json()["message"]
    assert count_rows() == before


@pytest.mark.parametrize(
    "change, field",
    [
        ({"phone": "niet bekend"}, "phone"),
        ({"phone": "+31612345678901234"}, "phone"),
        ({"contact_channel": "fax"}, "contact_channel"),
        ({"survey": "bestaat_niet"}, "survey"),
        ({"unit": "bestaat_niet"}, "unit"),
        ({"topic": "bestaat_niet"}, "topic"),
        ({"ended_at": "gisteren"}, "ended_at"),
        ({"reference": "C-1\r\nX-Injected: yes"}, "reference"),
        ({"email": "jan@example.nl\r\nBcc: iedereen@example.org"}, "email"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(post, change, field):
    before = count_rows()
    response = post([call("OK-1"), {**call("BAD-1"), **change}])
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["field"] == f"contacts[1].{field}"
    assert body["message"].startswith("Contact 2: ")
    assert count_rows() == before


def test_an_email_header_injection_in_a_single_contact(post):
    before = count_rows()
    response = post(mail(email="jan@example.nl\nSubject: gewonnen"))
    assert response.status_code == 422
    assert response.get_json() == {
        "error": "control_characters",
        "message": "'email' contains a line break or another control character.",
        "field": "email",
    }
    assert count_rows() == before


@pytest.mark.parametrize(
    "phone, reason",
    [("020 123 4567", "landline"), ("0900 1234567", "premium_rate"), ("14020", "not_mobile")],
)
def test_numbers_that_cannot_take_an_sms_are_counted_not_invited(post, phone, reason):
    body = post(call(phone=phone)).get_json()
    assert body["outcome"] == "no_address" and body["sms_refused"] == reason
    contact = db.session.get(Contact, body["id"])
    assert contact.address is None and contact.address_hash is None
    assert db.session.execute(select(Invitation)).first() is None


def test_a_contact_without_an_address_is_accepted_and_counted(post):
    payload = call()
    del payload["phone"]
    body = post(payload).get_json()
    assert body["created"] is True and body["outcome"] == "no_address"
    # A call with only an e-mail address: the SMS mode has nothing to send to.
    body = post({**call("C-2"), "phone": None, "email": "jan@example.nl"}).get_json()
    assert body["outcome"] == "no_address"
    assert db.session.get(Contact, body["id"]).address is None


def test_a_letter_is_never_invited(post):
    body = post({**mail("L-1"), "contact_channel": "letter"}).get_json()
    assert body["outcome"] == "not_eligible"
    assert db.session.get(Contact, body["id"]).address is None


def test_throttled_across_channels_by_the_person_not_the_channel(post):
    first = post(mail("T-1", email="piet@example.nl")).get_json()
    again = post(mail("T-2", email="PIET@example.nl", channel="contact_form")).get_json()
    assert first["outcome"] == "invited" and again["outcome"] == "throttled"
    # Two calls of one person in one batch: the second is throttled too.
    both = post([call("T-3"), call("T-4", phone="+31612345678")]).get_json()["contacts"]
    assert [c["outcome"] for c in both] == ["invited", "throttled"]


def test_a_batch_of_more_than_1000_is_refused(post):
    before = count_rows()
    response = post([call(f"N-{i}") for i in range(1001)])
    assert response.status_code == 422 and response.get_json()["error"] == "batch_too_large"
    assert count_rows() == before


def test_a_full_batch_of_1000_is_stored(post):
    response = post([call(f"F-{i}", phone=f"0612{i:06d}") for i in range(1000)])
    assert response.status_code == 201 and response.get_json()["created"] == 1000
    assert db.session.query(Invitation).count() == 1000


def test_a_body_over_one_megabyte_is_refused(post, client, import_headers):
    before = count_rows()
    big = [call(f"{'X' * 90}-{i}") for i in range(6000)]
    response = post(big)
    assert response.status_code == 413
    assert count_rows() == before


def test_an_api_key_is_needed_and_decides_the_organisation(client, post, import_headers):
    before = count_rows()
    assert client.post(URL, json=call()).status_code == 401
    wrong = {"Authorization": "Bearer kto_not_a_key"}
    assert client.post(URL, json=call(), headers=wrong).status_code == 401
    assert (
        client.post(
            URL, data="x", headers={**import_headers, "Content-Type": "text/plain"}
        ).status_code
        == 415
    )
    assert post([]).status_code == 422
    assert post({"contacts": [], "extra": 1}).status_code == 400
    assert count_rows() == before


def test_the_same_reference_in_two_organisations_is_two_contacts(client, post):
    from survey.database import unit_of_work
    from survey.models import Organisation

    with unit_of_work() as session:
        session.add(Organisation(slug="other", name="Other"))
    other = {"Authorization": f"Bearer {create_api_key('other')}"}
    assert post(call()).status_code == 201
    response = client.post(URL, json=call(), headers=other)
    assert response.status_code == 201 and response.get_json()["outcome"] == "not_eligible"
    hashes = db.session.execute(select(Contact.address_hash)).scalars().all()
    assert hashes[0] != hashes[1]  # per organisation: the person cannot be linked across them


def test_the_daily_cap_counts_invitations_across_requests(post):
    from survey.services.rules import set_rule

    set_rule("demo", "phone", daily_cap=2)
    outcomes = [
        post(call(f"CAP-{i}", phone=f"0612{i:06d}")).get_json()["outcome"] for i in range(3)
    ]
    assert outcomes == ["invited", "invited", "capped"]


def test_the_reminder_is_scheduled_when_the_rule_has_one(post):
    from survey.services.rules import set_rule

    set_rule("demo", "phone", reminder_after_hours=48, delay_minutes=0)
    body = post(call()).get_json()
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert body["outcome"] == "invited"
    assert invitation.reminder_due_at == invitation.due_at + timedelta(hours=48)


def test_contact_and_invitation_are_one_transaction(post, monkeypatch):
    from survey.services import contacts

    def broken(contact_id):
        raise RuntimeError("the invitation could not be written")

    monkeypatch.setattr(contacts, "link_token", broken)
    before = count_rows()
    with pytest.raises(RuntimeError):
        post(call())
    assert count_rows() == before


def test_concurrent_retries_store_one_contact(app, import_headers):
    import threading

    body = call("RACE-1")
    statuses = []

    def send():
        with app.test_client() as client:
            statuses.append(client.post(URL, json=body, headers=import_headers).status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [201]
    assert db.session.query(Contact).count() == 1
    assert db.session.query(Invitation).count() == 1


def test_without_an_address_hash_key_production_refuses_contacts(app, post, monkeypatch):
    monkeypatch.setitem(app.config, "KTO_ENV", "production")
    monkeypatch.setitem(app.config, "ADDRESS_HASH_KEY", None)
    before = count_rows()
    response = post(call())
    assert response.status_code == 503 and response.get_json()["error"] == "not_configured"
    assert count_rows() == before
    monkeypatch.setitem(app.config, "ADDRESS_HASH_KEY", "a-long-random-production-key")
    assert post(call()).status_code == 201


def test_concurrent_contacts_of_one_person_invite_once(app, import_headers):
    import threading

    outcomes = []

    def send(i):
        with app.test_client() as client:
            response = client.post(URL, json=call(f"SAME-{i}"), headers=import_headers)
            outcomes.append(response.get_json()["outcome"])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["invited"] + ["throttled"] * 5
    assert db.session.query(Invitation).count() == 1
