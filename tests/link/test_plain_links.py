"""Plain links and QR links: a form per person, follow-ups, the repeat-visitor flag."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, Location, Response
from tests.conftest import count_rows


def _form(html: str) -> dict:
    return {
        "form": re.search(r'name="form" value="([^"]+)"', html).group(1),
        "action": re.search(r'<form method="post" action="([^"]+)"', html).group(1),
    }


def test_qr_link_records_mode_location_and_follow_ups(client, demo_org):
    page = client.get("/s/q/demo/balie/stadhuis")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers
    html = page.get_data(as_text=True)
    assert "Bent u tevreden over uw bezoek?" in html
    form = _form(html)
    assert form["action"] == "/s/q/demo/balie/stadhuis"
    posted = client.post(
        form["action"],
        data={"question": "oordeel", "answer": "down", "form": form["form"], "visitor": ""},
    )
    assert posted.status_code == 303
    assert "Set-Cookie" not in posted.headers
    response = db.session.execute(select(Response)).scalar_one()
    assert (response.survey_mode, response.contact_channel) == ("qr", "counter")
    assert response.inclusion_probability == 1.0
    assert response.location_id == db.session.execute(
        select(Location.id).where(Location.slug == "stadhuis")
    ).scalar_one()
    assert response.satisfied is False and response.invitation_id is None
    follow = posted.headers["Location"]
    assert follow.startswith("/s/r/")
    html = client.get(follow).get_data(as_text=True)
    assert "Wat ging er niet goed?" in html
    client.post(follow, data={"question": "reden", "answer": ["lang_wachten"], "send": "1"})
    html = client.get(follow).get_data(as_text=True)
    assert "Waar ging uw bezoek over?" in html
    done = client.post(follow, data={"question": "onderwerp", "answer": "rijbewijs"})
    assert "Bedankt voor uw antwoord!" in client.get(done.headers["Location"]).get_data(
        as_text=True
    )
    rows = db.session.execute(
        select(Answer.question_key, Answer.option).order_by(Answer.id)
    ).all()
    assert rows == [("oordeel", "down"), ("reden", "lang_wachten"), ("onderwerp", "rijbewijs")]


def test_double_post_of_one_form_stores_one_response(client, demo_org):
    form = _form(client.get("/s/l/demo/balie").get_data(as_text=True))
    for answer in ("up", "up", "down"):
        reply = client.post(
            form["action"], data={"question": "oordeel", "answer": answer, "form": form["form"]}
        )
        assert reply.status_code == 303
    response = db.session.execute(select(Response)).scalar_one()
    assert (response.survey_mode, response.satisfied) == ("link", True)


def test_repeat_visitor_is_flagged_not_dropped(client, demo_org):
    visitor = "v" * 20
    for _ in range(2):
        form = _form(client.get("/s/q/demo/balie").get_data(as_text=True))
        client.post(
            form["action"],
            data={"question": "oordeel", "answer": "up", "form": form["form"], "visitor": visitor},
        )
    flags = db.session.execute(
        select(Response.suspect_reason).order_by(Response.id)
    ).scalars().all()
    assert flags == [None, "duplicate_visitor"]
    # Another browser (or none at all: no JavaScript) is not flagged.
    form = _form(client.get("/s/q/demo/balie").get_data(as_text=True))
    client.post(form["action"], data={"question": "oordeel", "answer": "up", "form": form["form"]})
    assert db.session.execute(
        select(Response.suspect_reason).order_by(Response.id.desc())
    ).scalars().first() is None


def test_forged_or_foreign_forms_change_nothing(client, demo_org):
    other = _form(client.get("/s/q/demo/balie/stadskantoor").get_data(as_text=True))
    before = count_rows()
    for data in (
        {"question": "oordeel", "answer": "up"},  # no form
        {"question": "oordeel", "answer": "up", "form": "forged.value.sig"},
        {"question": "oordeel", "answer": "up", "form": other["form"]},  # another location's
    ):
        reply = client.post("/s/q/demo/balie/stadhuis", data=data)
        assert reply.status_code == 400
        assert "Er ging iets mis" in reply.get_data(as_text=True)
    assert client.get("/s/r/forged-key").status_code == 404
    assert client.post("/s/r/forged-key", data={"question": "reden"}).status_code == 404
    assert count_rows() == before


def test_unknown_survey_location_or_mode(client, demo_org):
    for path in ("/s/q/demo/nope", "/s/q/demo/balie/maan", "/s/q/nope/balie", "/s/x/demo/balie"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "Set-Cookie" not in page.headers


def test_english_page(client, demo_org):
    html = client.get("/s/q/demo/balie?lang=en").get_data(as_text=True)
    assert "Are you satisfied with your visit?" in html and 'lang="en"' in html
    form = _form(html)
    assert form["action"] == "/s/q/demo/balie?lang=en"
    reply = client.post(form["action"], data={"question": "oordeel", "answer": "up", **form})
    assert reply.headers["Location"].endswith("?lang=en")
    assert db.session.execute(select(Response.language)).scalar_one() == "en"


def test_a_form_open_too_long_and_an_old_follow_up_key(client, demo_org, monkeypatch):
    from survey.services import plain_links

    form = _form(client.get("/s/q/demo/balie").get_data(as_text=True))
    posted = client.post(
        form["action"], data={"question": "oordeel", "answer": "down", "form": form["form"]}
    )
    follow = posted.headers["Location"]
    monkeypatch.setattr(plain_links, "FORM_SECONDS", -1)
    monkeypatch.setattr(plain_links, "FOLLOW_UP_SECONDS", -1)
    before = count_rows()
    fresh = _form(client.get("/s/q/demo/balie").get_data(as_text=True))
    late = client.post(
        fresh["action"], data={"question": "oordeel", "answer": "up", "form": fresh["form"]}
    )
    assert late.status_code == 400
    assert "Deze pagina stond te lang open" in late.get_data(as_text=True)
    old = client.post(follow, data={"question": "reden", "answer": ["lang_wachten"]})
    assert old.status_code == 410
    assert "Deze link is verlopen" in old.get_data(as_text=True)
    assert count_rows() == before
