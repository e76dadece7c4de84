"""The website widget's callback request in real Chromium: a "Nee" in the inline widget, the
thanks shows a link to the callback form, which opens in a new tab on the link page; the
request filed there becomes a case for the survey's unit. axe-core on the widget's thanks and
on the form and its confirmation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import CallbackCase, CallbackRequest, Survey, Unit
from tests.browser.conftest import axe_violations
from tests.browser.widget_host import (  # noqa: F401
    configure,
    host_fixture,
    site_fixture,
    wait_for_responses,
    widget_started,
)

pytestmark = pytest.mark.browser

LINK = "Wilt u dat wij contact met u opnemen?"


def _offer(offer: str) -> None:
    survey = db.session.execute(select(Survey).where(Survey.slug == "website")).scalar_one()
    survey.settings = {**survey.settings, "callback": {"offer": offer, "unit": "kcc"}}
    db.session.commit()


def _answer(page, headline: str) -> None:
    page.get_by_role("button", name=headline, exact=True).click()
    for _ in range(6):
        if page.get_by_text("Bedankt voor uw antwoord!").count():
            return
        go = page.get_by_role("button", name=re.compile("^(Volgende|Versturen)$"))
        go.click()
    expect(page.get_by_text("Bedankt voor uw antwoord!")).to_be_visible()


def _inline(site, page) -> None:
    configure(origins=[site.url], presentations=["inline"])
    _offer("negative")
    site.body = "<div data-kto-inline></div>"
    page.goto(site.url + "/afval")
    widget_started(page)


def test_a_no_in_the_widget_leads_to_a_callback_case(site, page, context):
    _inline(site, page)
    _answer(page, "Nee")
    link = page.get_by_role("link", name=LINK)
    expect(link).to_be_visible()
    expect(link).to_have_attribute("target", "_blank")
    assert link.get_attribute("href").startswith(site.app_url + "/s/c/")
    assert axe_violations(page) == []

    with context.expect_page() as opened:
        link.click()
    form = opened.value
    form.wait_for_load_state()
    expect(form.get_by_label(re.compile("Ik vind het goed"))).to_be_visible()
    assert axe_violations(form) == []
    form.get_by_label(re.compile("Ik vind het goed")).check()
    form.get_by_label(re.compile("Uw naam")).fill("Mevrouw Jansen")
    form.get_by_label("Telefoonnummer").fill("06 1234 5678")
    form.get_by_label(re.compile("Waarover wilt u praten")).fill("De afvalpagina klopt niet.")
    form.get_by_role("button", name="Versturen").click()
    expect(form.get_by_text("Wij bellen u binnen 2 werkdagen terug.")).to_be_visible()
    assert axe_violations(form) == []

    (response,) = wait_for_responses(1)
    db.session.rollback()
    request = db.session.execute(select(CallbackRequest)).scalar_one()
    assert request.response_id == response.id
    assert (request.phone, request.contact_channel) == ("+31612345678", "website")
    case = db.session.execute(select(CallbackCase)).scalar_one()
    assert db.session.get(Unit, case.unit_id).slug == "kcc"


def test_a_yes_in_the_widget_shows_no_callback_link(site, page):
    _inline(site, page)
    posted = lambda r: r.url.endswith("/api/v1/responses") and r.request.method == "POST"  # noqa: E731
    with page.expect_response(posted) as reply:
        _answer(page, "Ja")
    assert reply.value.status == 201 and "callback" not in reply.value.json()
    expect(page.get_by_text("Bedankt voor uw antwoord!")).to_be_visible()
    expect(page.get_by_role("link", name=LINK)).to_have_count(0)
