"""The link page on a phone (Chromium at 360 x 640): answer, thanks, second visit, expired,
opt-out and plain QR links, in Dutch and English, with axe-core and without any cookie."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, Invitation, OptOut, Response
from tests.browser.conftest import axe_violations
from tests.link.helpers import make_invitation

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 360, 640


@pytest.fixture
def phone(browser, app):
    context = browser.new_context(
        locale="nl-NL",
        viewport={"width": WIDTH, "height": HEIGHT},
        has_touch=True,
        bypass_csp=True,  # axe-core is injected; tests/browser/test_csp.py checks the policy
    )
    page = context.new_page()
    set_cookies: list[str] = []
    page.on(
        "response",
        lambda r: set_cookies.extend(
            h["value"] for h in r.headers_array() if h["name"].lower() == "set-cookie"
        ),
    )
    yield page
    assert set_cookies == []  # no response of the link page sets a cookie
    assert context.cookies() == []
    context.close()


def _no_violations(page) -> None:
    assert axe_violations(page) == []


def _above_the_fold(page) -> None:
    """The question and every answer button of the first screen fit without scrolling."""
    assert page.evaluate("window.scrollY") == 0
    heading = page.locator("h1").bounding_box()
    assert heading["y"] >= 0 and heading["y"] + heading["height"] <= HEIGHT
    buttons = page.locator("form.ask fieldset button")
    assert buttons.count() >= 2
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
        assert box["y"] + box["height"] <= HEIGHT, buttons.nth(i).inner_text()
        assert box["height"] >= 44 and box["width"] >= 44  # a thumb's target


def test_answer_follow_ups_and_thanks_in_dutch(phone, live_server, demo_org):
    token, invitation_id = make_invitation(survey="telefoon")
    phone.goto(f"{live_server.url}/s/{token}")
    assert phone.locator("html").get_attribute("lang") == "nl"
    assert phone.get_by_role("heading", level=1).inner_text().startswith("Welk cijfer")
    _above_the_fold(phone)
    _no_violations(phone)
    phone.get_by_role("button", name="5", exact=True).tap()  # one tap answers
    phone.wait_for_url(f"**/s/{token}/next")
    assert phone.get_by_role("heading", level=1).inner_text() == "Wat ging er niet goed?"
    _no_violations(phone)
    phone.get_by_label("Ik moest lang wachten").check()
    phone.get_by_role("button", name="Volgende").tap()
    phone.wait_for_selector("text=Hoe is uw vraag behandeld?")
    _no_violations(phone)
    phone.get_by_role("button", name="Deze vraag overslaan").tap()
    phone.wait_for_selector("text=Is uw vraag in één keer beantwoord?")
    phone.get_by_role("button", name="Nee", exact=True).tap()
    phone.wait_for_selector("text=Wilt u nog iets zeggen?")
    _no_violations(phone)
    phone.get_by_label("Uw antwoord").fill("Ik werd drie keer doorverbonden.")
    phone.get_by_role("button", name="Versturen").tap()
    phone.wait_for_selector("text=Bedankt voor uw antwoord!")
    _no_violations(phone)
    db.session.expire_all()
    response = db.session.execute(select(Response)).scalar_one()
    assert (response.headline_score, response.survey_mode) == (5, "sms")
    assert db.session.execute(
        select(Answer.question_key).where(Answer.response_id == response.id).order_by(Answer.id)
    ).scalars().all() == ["cijfer", "reden", "in_een_keer", "toelichting"]
    invitation = db.session.get(Invitation, invitation_id)
    assert invitation.opened_at is not None and invitation.completed_at is not None


def test_second_visit_says_already_answered(phone, live_server, demo_org):
    token, _ = make_invitation(survey="telefoon")
    phone.goto(f"{live_server.url}/s/{token}")
    phone.get_by_role("button", name="9", exact=True).tap()
    phone.wait_for_url("**/next")
    phone.goto(f"{live_server.url}/s/{token}")
    assert phone.get_by_role("heading", level=1).inner_text() == "U heeft al geantwoord. Bedankt!"
    _no_violations(phone)
    db.session.expire_all()
    assert db.session.execute(select(Response.headline_score)).scalars().all() == [9]


def test_english_invitation_answered_and_visited_again(phone, live_server, demo_org):
    token, _ = make_invitation(survey="balie", mode="email", channel="email", language="en")
    phone.goto(f"{live_server.url}/s/{token}")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", level=1).inner_text() == (
        "Are you satisfied with your visit?"
    )
    _above_the_fold(phone)
    _no_violations(phone)
    phone.get_by_role("button", name="Yes, satisfied").tap()
    phone.wait_for_selector("text=What was your visit about?")
    _no_violations(phone)
    phone.get_by_role("button", name="Driving licence").tap()
    phone.wait_for_selector("text=Thank you for your answer!")
    _no_violations(phone)
    phone.goto(f"{live_server.url}/s/{token}")
    heading = phone.get_by_role("heading", level=1).inner_text()
    assert heading == "You have already answered. Thank you!"
    _no_violations(phone)


@pytest.mark.parametrize("lang, heading", [("nl", "Deze link is verlopen"),
                                            ("en", "This link has expired")])
def test_expired_link(phone, live_server, demo_org, lang, heading):
    token, _ = make_invitation(expires_in=timedelta(minutes=-5), language=lang)
    reply = phone.goto(f"{live_server.url}/s/{token}")
    assert reply.status == 410
    assert phone.get_by_role("heading", level=1).inner_text() == heading
    _no_violations(phone)
    db.session.expire_all()
    assert db.session.execute(select(Response.id)).first() is None


def test_unknown_link(phone, live_server, demo_org):
    reply = phone.goto(f"{live_server.url}/s/AAAAAAAAAAAAAAAAAAAAAA")
    assert reply.status == 404
    assert phone.get_by_role("heading", level=1).inner_text() == "Deze link werkt niet"
    _no_violations(phone)


@pytest.mark.parametrize(
    "lang, link, confirm, done",
    [
        ("nl", "Ik wil geen uitnodigingen meer", "Ja, geen uitnodigingen meer",
         "U krijgt geen uitnodigingen meer"),
        ("en", "I don't want any more invitations", "Yes, no more invitations",
         "You will not get any more invitations"),
    ],
)
def test_opt_out_from_the_page(phone, live_server, demo_org, lang, link, confirm, done):
    token, _ = make_invitation(language=lang)
    phone.goto(f"{live_server.url}/s/{token}")
    phone.get_by_role("link", name=link).tap()
    phone.wait_for_url(f"**/s/{token}/stop*")
    _no_violations(phone)
    phone.get_by_role("button", name=confirm).tap()
    phone.wait_for_selector(f"text={done}")
    _no_violations(phone)
    db.session.expire_all()
    assert db.session.execute(select(OptOut.source)).scalars().all() == ["survey_page"]


@pytest.mark.parametrize("survey", ["balie", "telefoon", "website", "whatsapp", "contact"])
def test_first_question_of_every_demo_survey_fits_a_small_phone(
    phone, live_server, demo_org, survey
):
    phone.goto(f"{live_server.url}/s/q/demo/{survey}")
    _above_the_fold(phone)
    _no_violations(phone)


def test_qr_link_with_the_widget_repeat_flag_in_english(phone, live_server, demo_org):
    for _ in range(2):
        phone.goto(f"{live_server.url}/s/q/demo/balie/stadhuis?lang=en")
        assert phone.locator("html").get_attribute("lang") == "en"
        phone.get_by_role("button", name="No, not satisfied").tap()
        phone.wait_for_selector("text=What went wrong?")
        _no_violations(phone)
    stored = phone.evaluate("localStorage.getItem('kto-link-visitor')")
    assert stored and len(stored) == 32
    db.session.expire_all()
    rows = db.session.execute(
        select(Response.survey_mode, Response.visitor_hash, Response.suspect_reason)
        .order_by(Response.id)
    ).all()
    assert [r.survey_mode for r in rows] == ["qr", "qr"]
    assert rows[0].visitor_hash and rows[0].visitor_hash == rows[1].visitor_hash
    assert stored not in rows[0].visitor_hash  # only a keyed hash is kept
    assert [r.suspect_reason for r in rows] == [None, "duplicate_visitor"]


def test_link_pages_keep_the_content_security_policy(browser, live_server, demo_org):
    from tests.browser.test_csp import visit

    token, _ = make_invitation(survey="balie")

    def answer(page):
        page.get_by_role("button", name="Nee, niet tevreden").click()
        page.wait_for_selector("text=Wat ging er niet goed?")

    assert visit(browser, f"{live_server.url}/s/{token}", answer) == []
    assert visit(browser, f"{live_server.url}/s/q/demo/balie/stadhuis", answer) == []
    db.session.expire_all()
    # The visitor script ran under the policy: the QR answer carries the browser's id hash.
    hashes = db.session.execute(
        select(Response.visitor_hash).where(Response.survey_mode == "qr")
    ).scalars().all()
    assert len(hashes) == 1 and hashes[0]
