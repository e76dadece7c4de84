"""Follow-up cases: staff pages (mine, the unit's, overdue first; actions), e-mail to the unit's
inbox once on arrival and once past the deadline, and the erasure of the contact details when
the case is closed and after 30 days at the latest."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import select, update

from survey.extensions import db
from survey.models import AuditEntry, CallbackCase, CallbackRequest, Unit, User
from survey.services import callbacks, case_mail
from survey.services.users import add_user
from tests.callbacks.helpers import callback_body, device, kiosk_down, post_callback
from tests.conftest import count_rows

PASSWORD = "a long password"


@pytest.fixture
def case_id(client, demo_org) -> int:
    _, secret = device()
    answer = post_callback(client, secret, callback_body(kiosk_down(client, secret)))
    assert answer.status_code == 201
    return answer.get_json()["id"]


def _login(client, role: str) -> User:
    user = add_user(f"{role}@voorbeeld.nl", PASSWORD, "demo", role=role)
    g.pop("_login_user", None)
    assert client.post("/staff/login", data={"email": user.email, "password": PASSWORD}
                       ).status_code == 302
    return user


def _page(client, path: str) -> str:
    g.pop("_login_user", None)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _post(client, path: str, data: dict):
    g.pop("_login_user", None)
    return client.post(path, data=data)


def test_staff_handle_a_case_and_closing_it_erases_the_details(client, case_id):
    viewer = _login(client, "viewer")
    html = _page(client, "/staff/demo/cases")
    assert f"/staff/demo/cases/{case_id}" in html and "Burgerzaken" in html
    detail = _page(client, f"/staff/demo/cases/{case_id}")
    assert "Mevrouw Jansen" in detail and "+31612345678" in detail
    assert "Ik stond een uur in de rij." in detail
    assert "Het antwoord waarna het verzoek kwam" not in detail  # viewers: no response link

    assert _post(client, f"/staff/demo/cases/{case_id}/contact", {}).status_code == 302
    case = db.session.get(CallbackCase, case_id)
    db.session.refresh(case)
    assert case.status == "in_progress" and case.first_contact_at is not None
    assert case.assignee_id == viewer.id
    assert f"/staff/demo/cases/{case_id}" in _page(client, "/staff/demo/cases?view=mine")

    note = _post(client, f"/staff/demo/cases/{case_id}/notes", {"text": "Voicemail ingesproken."})
    assert note.status_code == 302
    # Done needs an outcome: refused, nothing changes.
    rows = count_rows()
    refused = _post(client, f"/staff/demo/cases/{case_id}/status", {"status": "done"})
    assert refused.status_code == 422
    assert "Kies de uitkomst voordat u de zaak sluit." in refused.get_data(as_text=True)
    assert count_rows() == rows

    closed = _post(client, f"/staff/demo/cases/{case_id}/status",
                   {"status": "done", "outcome": "explained"})
    assert closed.status_code == 302
    db.session.expire_all()
    request = db.session.get(CallbackRequest, db.session.get(CallbackCase, case_id).request_id)
    assert (request.name, request.phone, request.email, request.message) == (None,) * 4
    assert request.details_erased_at is not None
    case = db.session.get(CallbackCase, case_id)
    assert (case.status, case.outcome) == ("done", "explained") and case.closed_at
    erasure = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "callback.details_erased")
    ).scalar_one()
    assert erasure.target == f"callback_request:{request.id}"
    assert erasure.after == {"reason": "case_closed"}
    assert erasure.before == {"fields": ["name", "phone", "message"]}
    detail = _page(client, f"/staff/demo/cases/{case_id}")
    assert "Mevrouw Jansen" not in detail and "+31612345678" not in detail
    assert "De contactgegevens zijn gewist" in detail
    assert "Voicemail ingesproken." in detail
    # Closed: out of the open list, in the closed one.
    assert f"/staff/demo/cases/{case_id}" not in _page(client, "/staff/demo/cases")
    assert f"/staff/demo/cases/{case_id}" in _page(client, "/staff/demo/cases?view=closed")


def test_analysts_see_the_response_it_followed(client, case_id):
    _login(client, "analyst")
    detail = _page(client, f"/staff/demo/cases/{case_id}")
    assert "Het antwoord waarna het verzoek kwam" in detail
    assert "oordeel" in detail and "down" in detail


def test_overdue_cases_come_first_and_the_unit_filter(client, demo_org):
    _, secret = device()
    ids = [
        post_callback(client, secret, callback_body(kiosk_down(client, secret))).get_json()["id"]
        for _ in range(3)
    ]
    # The last one is overdue.
    db.session.execute(update(CallbackCase).where(CallbackCase.id == ids[2])
                       .values(due_at=datetime.now(UTC) - timedelta(hours=1)))
    db.session.commit()
    _login(client, "viewer")
    html = _page(client, "/staff/demo/cases")
    positions = [html.index(f"/staff/demo/cases/{i}\"") for i in ids]
    assert positions[2] < positions[0] < positions[1]
    assert "te laat" in html
    kcc = db.session.execute(select(Unit.id).where(Unit.slug == "kcc")).scalar_one()
    assert f"/staff/demo/cases/{ids[0]}" not in _page(client, f"/staff/demo/cases?unit={kcc}")


def test_another_organisations_staff_cannot_see_the_case(client, case_id):
    from survey.database import unit_of_work
    from survey.models import Organisation

    with unit_of_work() as session:
        session.add(Organisation(slug="other", name="Gemeente Anders"))
    user = add_user("someone@anders.nl", PASSWORD, "other", role="admin")
    g.pop("_login_user", None)
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert client.get(f"/staff/other/cases/{case_id}").status_code == 404
    assert client.get(f"/staff/demo/cases/{case_id}").status_code == 404
    g.pop("_login_user", None)
    rows = count_rows()
    assert client.post(f"/staff/other/cases/{case_id}/status",
                       data={"status": "done", "outcome": "solved"}).status_code == 404
    assert count_rows() == rows


def test_arrival_and_overdue_mail_go_to_the_units_inbox_once(app, case_id, smtp_inbox):
    now = datetime.now(UTC)
    assert case_mail.send_case_mail(now) == {"arrival": 1, "overdue": 0}
    assert case_mail.send_case_mail(now) == {"arrival": 0, "overdue": 0}
    case = db.session.get(CallbackCase, case_id)
    later = case.due_at + timedelta(minutes=1)
    assert case_mail.send_case_mail(later) == {"arrival": 0, "overdue": 1}
    assert case_mail.send_case_mail(later + timedelta(hours=1)) == {"arrival": 0, "overdue": 0}
    assert len(smtp_inbox.messages) == 2
    for recipients, raw in smtp_inbox.messages:
        assert recipients == ["burgerzaken@voorbeeld.nl"]
        body = email.message_from_bytes(raw).get_payload(decode=True).decode()
        assert f"/staff/demo/cases/{case_id}" in body
        assert "Jansen" not in body and "612345678" not in body  # no personal details
    subjects = [email.message_from_bytes(raw)["Subject"] for _, raw in smtp_inbox.messages]
    assert subjects == [f"Nieuw terugbelverzoek (zaak {case_id})",
                        f"Terugbelverzoek over de termijn (zaak {case_id})"]


def test_a_failed_send_is_tried_again(app, case_id, monkeypatch, smtp_inbox):
    port = app.config["MAIL_PORT"]  # the aiosmtpd server's
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    now = datetime.now(UTC)
    assert case_mail.send_case_mail(now)["arrival"] == 0
    assert db.session.get(CallbackCase, case_id).arrival_mailed_at is None
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    assert case_mail.send_case_mail(now)["arrival"] == 1
    assert len(smtp_inbox.messages) == 1


def test_details_are_erased_after_30_days_at_the_latest(client, demo_org):
    _, secret = device()
    old = post_callback(client, secret, callback_body(kiosk_down(client, secret))).get_json()
    young = post_callback(client, secret, callback_body(kiosk_down(client, secret))).get_json()
    old_request = db.session.get(CallbackCase, old["id"]).request_id
    db.session.execute(update(CallbackRequest).where(CallbackRequest.id == old_request)
                       .values(created_at=datetime.now(UTC) - timedelta(days=30, minutes=1)))
    db.session.commit()
    assert callbacks.purge_expired_callback_details(datetime.now(UTC)) == 1
    assert callbacks.purge_expired_callback_details(datetime.now(UTC)) == 0
    db.session.expire_all()
    erased = db.session.get(CallbackRequest, old_request)
    assert erased.phone is None and erased.name is None and erased.details_erased_at
    kept = db.session.get(CallbackRequest, db.session.get(CallbackCase, young["id"]).request_id)
    assert kept.phone == "+31612345678"
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "callback.details_erased")
    ).scalar_one()
    assert entry.after == {"reason": "30_days"} and entry.actor_label == "system"
    # The case itself stays for the report: status, deadline and times.
    assert db.session.get(CallbackCase, old["id"]).due_at is not None
