"""The callback request on the link page: offered on the thanks screen after a negative answer,
a form in plain words, errors at the field with nothing stored, and the promised term."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import CallbackCase, CallbackRequest, Unit
from tests.conftest import count_rows
from tests.link.helpers import make_invitation


def _answer_all(client, token: str, grade: int):
    """Answer an invitation's headline, then skip every follow-up; returns the thanks page."""
    page = client.post(f"/s/{token}", data={"question": "cijfer", "answer": str(grade)})
    assert page.status_code == 303
    for _ in range(10):
        html = client.get(page.headers["Location"]).get_data(as_text=True)
        if "Bedankt voor uw antwoord!" in html:
            return html
        key = re.search(r'name="question" value="([^"]+)"', html).group(1)
        action = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
        page = client.post(action.replace("&amp;", "&"), data={"question": key, "skip": "1"})
    raise AssertionError("no thanks page")


def _plain_down(client) -> tuple[str, str]:
    """A thumbs down through the QR link, every follow-up skipped: (follow-up key path,
    thanks page)."""
    html = client.get("/s/q/demo/balie/stadhuis").get_data(as_text=True)
    form = re.search(r'name="form" value="([^"]+)"', html).group(1)
    page = client.post("/s/q/demo/balie/stadhuis",
                       data={"question": "oordeel", "answer": "down", "form": form})
    follow = page.headers["Location"]
    for _ in range(10):
        html = client.get(page.headers["Location"]).get_data(as_text=True)
        if "Bedankt voor uw antwoord!" in html:
            return follow, html
        key = re.search(r'name="question" value="([^"]+)"', html).group(1)
        action = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
        page = client.post(action.replace("&amp;", "&"), data={"question": key, "skip": "1"})
    raise AssertionError("no thanks page")


def test_an_invitation_with_a_low_grade_offers_a_callback_for_the_contacts_unit(
    client, demo_org
):
    token, _ = make_invitation(unit="kcc")
    thanks = _answer_all(client, token, 4)
    assert "Wilt u dat wij contact met u opnemen?" in thanks
    link = f"/s/{token}/callback"
    assert f'href="{link}"' in thanks
    form = client.get(link)
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "Ik vind het goed dat de gemeente deze gegevens alleen gebruikt" in html
    assert "Set-Cookie" not in form.headers

    sent = client.post(link, data={"consent": "yes", "name": "Piet", "phone": "020 123 4567",
                                   "email": "", "message": "Graag na 12 uur."})
    assert sent.status_code == 303
    confirmation = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Wij bellen u binnen 2 werkdagen terug." in confirmation
    request = db.session.execute(select(CallbackRequest)).scalar_one()
    assert (request.phone, request.survey_mode, request.contact_channel) == (
        "+31201234567", "sms", "phone"
    )
    case = db.session.execute(select(CallbackCase)).scalar_one()
    assert db.session.get(Unit, case.unit_id).slug == "kcc"
    # The thanks screen no longer offers it; the form shows the confirmation.
    assert "Wilt u dat wij" not in client.get(f"/s/{token}/next").get_data(as_text=True)
    assert client.get(link).status_code == 303


def test_a_good_grade_is_not_offered_a_callback(client, demo_org):
    token, _ = make_invitation()
    thanks = _answer_all(client, token, 9)
    assert "Wilt u dat wij" not in thanks
    rows = count_rows()
    refused = client.post(f"/s/{token}/callback", data={"consent": "yes", "phone": "0612345678"})
    assert refused.status_code == 404
    assert count_rows() == rows


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phone": "0612345678"}, "Zet een vinkje om toestemming te geven."),
        ({"consent": "yes", "phone": "06-12"}, "Dit telefoonnummer klopt niet."),
        ({"consent": "yes", "email": "piet@"}, "Dit e-mailadres klopt niet."),
        ({"consent": "yes"}, "Vul een telefoonnummer of een e-mailadres in."),
        ({"consent": "yes", "phone": "0612345678", "name": "Piet\r\nJansen"},
         "Schrijf uw naam op één regel"),
    ],
)
def test_bad_input_on_the_plain_link_page_shows_the_error_and_stores_nothing(
    client, demo_org, data, message
):
    follow, thanks = _plain_down(client)
    assert "Wilt u dat wij contact met u opnemen?" in thanks
    link = f"{follow}/callback"
    rows = count_rows()
    page = client.post(link, data=data)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert message in html
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert count_rows() == rows


def test_english_confirmation_by_email(client, demo_org):
    follow, _ = _plain_down(client)
    sent = client.post(f"{follow}/callback?lang=en",
                       data={"consent": "yes", "email": "Piet@Example.org"})
    assert sent.status_code == 303
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "We will e-mail you within 2 working days." in page
    request = db.session.execute(select(CallbackRequest)).scalar_one()
    assert (request.email, request.phone, request.language) == ("piet@example.org", None, "en")


def test_privacy_part_exports_and_erases_a_contacts_callback_request(client, demo_org):
    from datetime import UTC, datetime

    from survey.database import unit_of_work
    from survey.models import AuditEntry, Contact, Invitation
    from survey.services import callback_privacy

    token, invitation_id = make_invitation()
    _answer_all(client, token, 3)
    client.post(f"/s/{token}/callback", data={"consent": "yes", "phone": "0612345678",
                                               "name": "Piet"})
    contact = db.session.get(Contact, db.session.get(Invitation, invitation_id).contact_id)
    held = callback_privacy.export(contact)
    assert [(h["name"], h["phone"], h["case_status"]) for h in held] == [
        ("Piet", "+31612345678", "new")
    ]
    with unit_of_work() as session:
        assert callback_privacy.erase(session, contact, datetime.now(UTC)) == 1
    db.session.expire_all()
    request = db.session.execute(select(CallbackRequest)).scalar_one()
    assert (request.name, request.phone) == (None, None)
    assert db.session.execute(
        select(AuditEntry.after).where(AuditEntry.action == "callback.details_erased")
    ).scalar_one() == {"reason": "privacy_erase"}
