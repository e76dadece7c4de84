"""The link page's flow beyond the demo surveys: an optional first question, a headline asked
second, a required follow-up, 'other' text, and a text that is too long."""

from __future__ import annotations

from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Answer, Organisation, Response
from survey.services.surveys import create_survey
from tests.conftest import count_rows
from tests.link.helpers import make_invitation

FLOW = {
    "title": {"nl": "Proef", "en": "Trial"},
    "headline": "oordeel",
    "questions": [
        {"key": "vooraf", "kind": "text", "max_length": 20,
         "text": {"nl": "Waarover belde u?", "en": "What did you call about?"}},
        {"key": "oordeel", "kind": "thumbs", "required": True,
         "text": {"nl": "Bent u tevreden?", "en": "Are you satisfied?"}},
        {"key": "waarom", "kind": "choice", "required": True, "allow_other": True,
         "show_if": {"question": "oordeel", "equals": "down"},
         "options": [{"code": "traag", "text": {"nl": "Te traag", "en": "Too slow"}}],
         "text": {"nl": "Waarom niet?", "en": "Why not?"}},
        {"key": "cijfer", "kind": "nps",
         "text": {"nl": "Zou u ons aanraden?", "en": "Would you recommend us?"}},
    ],
}


def _survey() -> None:
    with unit_of_work():
        org = db.session.execute(
            select(Organisation).where(Organisation.slug == "demo")
        ).scalar_one()
        create_survey(org, "proef", "Proef", FLOW)


def _rows(response_id):
    return db.session.execute(
        select(Answer.question_key, Answer.number, Answer.option, Answer.text)
        .where(Answer.response_id == response_id).order_by(Answer.id)
    ).all()


def test_optional_first_question_skipped_then_headline_creates_the_response(client, demo_org):
    _survey()
    token, _ = make_invitation(survey="proef")
    assert "Waarover belde u?" in client.get(f"/s/{token}").get_data(as_text=True)
    skipped = client.post(f"/s/{token}", data={"question": "vooraf", "skip": "1"})
    assert skipped.headers["Location"].endswith("/next?skip=vooraf")
    assert count_rows()["responses"] == 0  # nothing answered yet
    page = client.get(skipped.headers["Location"]).get_data(as_text=True)
    assert "Bent u tevreden?" in page
    client.post(skipped.headers["Location"], data={"question": "oordeel", "answer": "down"})
    response = db.session.execute(select(Response)).scalar_one()
    assert response.satisfied is False
    # The required follow-up cannot be skipped; 'other' text is kept with the option.
    refused = client.post(f"/s/{token}/next?skip=vooraf", data={"question": "waarom", "skip": "1"})
    assert refused.status_code == 422
    client.post(
        f"/s/{token}/next?skip=vooraf",
        data={"question": "waarom", "other": "Niemand nam op", "send": "1"},
    )
    client.post(f"/s/{token}/next?skip=vooraf", data={"question": "cijfer", "answer": "0"})
    assert "Bedankt" in client.get(f"/s/{token}/next?skip=vooraf").get_data(as_text=True)
    assert _rows(response.id) == [
        ("oordeel", None, "down", None),
        ("waarom", None, "other", "Niemand nam op"),
        ("cijfer", 0, None, None),
    ]


def test_headline_asked_second_sets_the_outcome_when_it_comes(client, demo_org):
    _survey()
    token, _ = make_invitation(survey="proef", language="en")
    too_long = client.post(f"/s/{token}", data={"question": "vooraf", "answer": "x" * 21})
    assert too_long.status_code == 422
    assert "Your text is too long" in too_long.get_data(as_text=True)
    assert count_rows()["responses"] == 0
    client.post(f"/s/{token}", data={"question": "vooraf", "answer": "Paspoort"})
    response = db.session.execute(select(Response)).scalar_one()
    assert (response.headline_score, response.satisfied) == (None, None)
    client.post(f"/s/{token}/next", data={"question": "oordeel", "answer": "up"})
    db.session.expire_all()
    response = db.session.execute(select(Response)).scalar_one()
    assert response.satisfied is True
    # 'waarom' is not shown after a thumbs up: the flow goes on to the recommendation.
    assert "Would you recommend us?" in client.get(f"/s/{token}/next").get_data(as_text=True)
    assert _rows(response.id) == [("vooraf", None, None, "Paspoort"), ("oordeel", None, "up", None)]


def test_the_response_holds_no_address(client, demo_org):
    token, _ = make_invitation(address="+31687654321")
    client.post(f"/s/{token}", data={"question": "cijfer", "answer": "7"})
    row = db.session.execute(select(Response.__table__)).one()
    assert not any("87654321" in str(value) for value in row)
