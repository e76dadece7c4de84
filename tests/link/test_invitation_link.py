"""The invitation's link page over HTTP: states, answers, follow-ups, no cookies, bad tokens."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, Invitation, OptOut, Response, Topic, Unit
from survey.services.link_answers import derived_uuid
from tests.conftest import count_rows
from tests.link.helpers import make_invitation


def _no_cookie(response) -> None:
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def _invitation(invitation_id: int) -> Invitation:
    db.session.expire_all()
    return db.session.get(Invitation, invitation_id)


def _answers(response_id: int) -> list[tuple]:
    return db.session.execute(
        select(Answer.question_key, Answer.number, Answer.option, Answer.text)
        .where(Answer.response_id == response_id)
        .order_by(Answer.id)
    ).all()


def test_first_visit_shows_headline_and_records_the_open_once(client, demo_org):
    token, invitation_id = make_invitation()
    assert client.head(f"/s/{token}").status_code == 200
    assert _invitation(invitation_id).opened_at is None  # a HEAD (a link checker) is no open
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    _no_cookie(page)
    html = page.get_data(as_text=True)
    assert "Welk cijfer geeft u voor het gesprek?" in html
    assert 'lang="nl"' in html
    assert "Ik wil geen uitnodigingen meer" in html
    opened = _invitation(invitation_id).opened_at
    assert opened is not None
    client.get(f"/s/{token}")
    assert _invitation(invitation_id).opened_at == opened
    assert count_rows()["responses"] == 0


def test_answer_follow_ups_and_thanks(client, demo_org):
    token, invitation_id = make_invitation(probability=0.25, handling="transferred")
    client.get(f"/s/{token}")
    posted = client.post(f"/s/{token}", data={"question": "cijfer", "answer": "5"})
    assert posted.status_code == 303
    _no_cookie(posted)
    assert posted.headers["Location"].endswith(f"/s/{token}/next")
    # The headline is stored at once, with everything the invitation knows but the address.
    response = db.session.execute(select(Response)).scalar_one()
    assert response.uuid == derived_uuid("invitation", invitation_id)
    assert (response.survey_mode, response.contact_channel) == ("sms", "phone")
    assert response.inclusion_probability == 0.25
    assert response.handling == "transferred"
    assert response.invitation_id == invitation_id
    assert response.unit_id == db.session.execute(
        select(Unit.id).where(Unit.slug == "kcc")
    ).scalar_one()
    assert response.topic_id == db.session.execute(
        select(Topic.id).where(Topic.slug == "afval")
    ).scalar_one()
    assert (response.headline_score, response.satisfied) == (5, False)
    assert _invitation(invitation_id).completed_at is not None
    # A grade of 5 brings the follow-up about what went wrong (a multiple choice).
    follow = client.get(f"/s/{token}/next")
    assert "Wat ging er niet goed?" in follow.get_data(as_text=True)
    client.post(
        f"/s/{token}/next",
        data={"question": "reden", "answer": ["lang_wachten", "kastje_muur"], "send": "1"},
    )
    nxt = client.get(f"/s/{token}/next")
    assert "Hoe is uw vraag behandeld?" in nxt.get_data(as_text=True)
    skipped = client.post(f"/s/{token}/next", data={"question": "afhandeling", "skip": "1"})
    assert skipped.headers["Location"].endswith(f"/s/{token}/next?skip=afhandeling")
    client.post(
        f"/s/{token}/next?skip=afhandeling", data={"question": "in_een_keer", "answer": "no"}
    )
    last = client.post(
        f"/s/{token}/next?skip=afhandeling",
        data={"question": "toelichting", "answer": "  Twee keer doorverbonden.  "},
    )
    thanks = client.get(last.headers["Location"])
    assert "Bedankt voor uw antwoord!" in thanks.get_data(as_text=True)
    assert _answers(response.id) == [
        ("cijfer", 5, None, None),
        ("reden", None, "kastje_muur", None),
        ("reden", None, "lang_wachten", None),
        ("in_een_keer", None, "no", None),
        ("toelichting", None, None, "Twee keer doorverbonden."),
    ]
    assert count_rows()["responses"] == 1


def test_second_visit_says_already_answered_and_changes_nothing(client, demo_org):
    token, invitation_id = make_invitation()
    client.post(f"/s/{token}", data={"question": "cijfer", "answer": "9"})
    before = count_rows()
    again = client.get(f"/s/{token}")
    assert again.status_code == 200
    assert "U heeft al geantwoord. Bedankt!" in again.get_data(as_text=True)
    # A replayed or changed first answer is not stored over the first one.
    replay = client.post(f"/s/{token}", data={"question": "cijfer", "answer": "2"})
    assert replay.status_code == 303
    assert count_rows() == before
    response = db.session.execute(select(Response)).scalar_one()
    assert response.headline_score == 9
    assert _answers(response.id) == [("cijfer", 9, None, None)]


def test_english_from_the_contact_and_by_choice(client, demo_org):
    token, _ = make_invitation(language="en")
    html = client.get(f"/s/{token}").get_data(as_text=True)
    assert "What grade do you give the call?" in html
    assert 'lang="en"' in html
    assert "I don't want any more invitations" in html
    dutch = client.get(f"/s/{token}?lang=nl").get_data(as_text=True)
    assert "Welk cijfer geeft u" in dutch
    posted = client.post(f"/s/{token}?lang=nl", data={"question": "cijfer", "answer": "8"})
    assert posted.headers["Location"].endswith("/next?lang=nl")
    assert db.session.execute(select(Response.language)).scalar_one() == "nl"


def test_expired_link(client, demo_org):
    token, invitation_id = make_invitation(expires_in=timedelta(seconds=-1))
    page = client.get(f"/s/{token}")
    assert page.status_code == 410
    _no_cookie(page)
    assert "Deze link is verlopen" in page.get_data(as_text=True)
    before = count_rows()
    posted = client.post(f"/s/{token}", data={"question": "cijfer", "answer": "8"})
    assert posted.status_code == 410
    assert count_rows() == before
    assert _invitation(invitation_id).opened_at is None


@pytest.mark.parametrize(
    "token",
    [
        "short",
        secrets.token_urlsafe(16),  # well formed, never issued
        "a" * 65,
        "abc.def;ghi+jkl=mno$pqr",
        "a" * 15 + "\u00e9",
    ],
)
def test_forged_tokens_get_a_clear_page_and_change_nothing(client, demo_org, token):
    make_invitation()
    before = count_rows()
    page = client.get(f"/s/{token}")
    assert page.status_code == 404
    _no_cookie(page)
    assert "Deze link werkt niet" in page.get_data(as_text=True)
    posted = client.post(f"/s/{token}", data={"question": "cijfer", "answer": "8"})
    assert posted.status_code in (404, 400)
    assert count_rows() == before


def test_unclear_answers_are_refused_and_nothing_is_stored(client, demo_org):
    token, _ = make_invitation()
    before = count_rows()
    for data in (
        {"question": "cijfer", "answer": "11"},
        {"question": "cijfer", "answer": "goed"},
        {"question": "cijfer", "skip": "1"},  # required
        {"question": "cijfer", "answer": ["3", "4"]},
    ):
        page = client.post(f"/s/{token}", data=data)
        assert page.status_code == 422, data
        html = page.get_data(as_text=True)
        assert 'role="alert"' in html and "Welk cijfer" in html
        assert f'href="/s/{token}/next?lang=en"' in html  # the same question, in English
        _no_cookie(page)
    # A question the flow does not ask now, or one that does not exist.
    later = client.post(f"/s/{token}", data={"question": "toelichting", "answer": "x"})
    assert later.status_code == 303
    unknown = client.post(f"/s/{token}", data={"question": "nope", "answer": "x"})
    assert unknown.status_code == 422
    assert count_rows() == before


def test_a_follow_up_answered_twice_keeps_the_first(client, demo_org):
    token, _ = make_invitation()
    client.post(f"/s/{token}", data={"question": "cijfer", "answer": "8"})
    # A grade of 8 skips the two "what went wrong" questions.
    assert "Is uw vraag in" in client.get(f"/s/{token}/next").get_data(as_text=True)
    client.post(f"/s/{token}/next", data={"question": "in_een_keer", "answer": "yes"})
    client.post(f"/s/{token}/next", data={"question": "in_een_keer", "answer": "no"})
    # Not shown for this grade: refused silently, nothing stored.
    client.post(f"/s/{token}/next", data={"question": "afhandeling", "answer": "direct"})
    response_id = db.session.execute(select(Response.id)).scalar_one()
    assert _answers(response_id) == [("cijfer", 8, None, None), ("in_een_keer", None, "yes", None)]


def test_opt_out_from_the_page_once(client, demo_org):
    token, _ = make_invitation()
    confirm = client.get(f"/s/{token}/stop")
    assert confirm.status_code == 200
    assert count_rows()["opt_outs"] == 0  # a GET (a link preview) changes nothing
    first = client.post(f"/s/{token}/stop")
    _no_cookie(first)
    assert "U krijgt geen uitnodigingen meer" in first.get_data(as_text=True)
    second = client.post(f"/s/{token}/stop")
    assert "Dit had u al gevraagd" in second.get_data(as_text=True)
    rows = db.session.execute(select(OptOut)).scalars().all()
    assert len(rows) == 1
    assert rows[0].source == "survey_page" and rows[0].acknowledged_at is not None


def test_api_refuses_link_modes_without_an_import_key(client, demo_org):
    from tests.conftest import make_payload

    before = count_rows()
    for mode in ("sms", "email", "qr", "link"):
        reply = client.post(
            "/api/v1/responses",
            json=make_payload(survey_mode=mode, contact_channel="phone", id=str(uuid.uuid4())),
        )
        assert reply.status_code == 403
        assert reply.get_json()["error"] == "answer_on_link_page"
    assert count_rows() == before


def test_token_reveals_nothing(demo_org):
    token, invitation_id = make_invitation(address="+31612345678")
    stored = db.session.get(Invitation, invitation_id)
    assert len(token) >= 22  # 128 bits in URL-safe base64
    assert token not in stored.token_hash and "31612345678" not in token


def test_simultaneous_first_answers_make_one_response(app, demo_org):
    """Eight taps at once on a live server (threads): one response, one completion."""
    import threading
    import urllib.parse
    import urllib.request

    from tests.browser.conftest import LiveServer

    token, invitation_id = make_invitation()
    statuses: list[int] = []
    start = threading.Barrier(8)

    def tap(score: int) -> None:
        body = urllib.parse.urlencode({"question": "cijfer", "answer": str(score)}).encode()
        start.wait()
        with urllib.request.urlopen(f"{server.url}/s/{token}", data=body, timeout=30) as reply:
            statuses.append(reply.status)

    with LiveServer(app) as server:
        threads = [threading.Thread(target=tap, args=(score,)) for score in range(2, 10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        app.wsgi_app.settle()
    assert statuses == [200] * 8  # each followed its redirect to the next screen
    db.session.expire_all()
    responses = db.session.execute(select(Response)).scalars().all()
    assert len(responses) == 1
    assert len(_answers(responses[0].id)) == 1
    assert _invitation(invitation_id).completed_at is not None
