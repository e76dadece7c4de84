"""The link page: one question per screen, server-rendered, no cookies, no JavaScript needed.

Every screen is a form that posts to its own address; the answer is stored and the browser is
redirected (303) to the next screen, so reloading never posts twice. The page's language is
`?lang=` when given, else the invited contact's language, else the browser's; it travels in
the addresses, as do the optional questions passed (`?skip=`), so nothing is kept in a
cookie. Views parse, call one service and render. The invitation's views are here; the
plain links' in plain.py, the screens in pages.py.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for

from survey.channels.link.pages import (
    asked_language,
    message,
    posted,
    query,
    question_page,
    refused,
    render,
)
from survey.domain import ValidationError
from survey.errors import Invalid, NotFound, ServiceError
from survey.models.types import utcnow
from survey.services import invitation_link
from survey.services.link_answers import parse_skipped

bp = Blueprint("link", __name__, url_prefix="/s")


@bp.after_request
def _private(response: Response) -> Response:
    """Pages and redirects with a token stay out of shared caches and search engines.

    The app's Referrer-Policy (same-origin) already keeps the token out of the Referer sent to
    other sites; the pages say no-referrer too (a meta tag)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# ---- invitations: /s/<token> ----------------------------------------------------------------


@bp.get("/<token>")
def invitation(token: str):
    """The first question of an invitation, or 'already answered', or 'expired'."""
    language = asked_language()
    try:
        page = invitation_link.open_link(token, utcnow(), record=request.method == "GET")
    except NotFound:
        return message("invalid", language, 404)
    language = language or page.language
    if page.state == "expired":
        return message("expired", language, 410, organisation=page.organisation, token=token)
    if page.state == "answered":
        return message("answered", language, organisation=page.organisation, token=token)
    return question_page(page.definition, page.question, page.organisation, language, token=token)


@bp.get("/<token>/next")
def invitation_next(token: str):
    """The next follow-up question of an invitation, or thanks when none is left."""
    language = asked_language()
    try:
        page = invitation_link.follow_up(token, request.args.get("skip"), utcnow())
    except NotFound:
        return message("invalid", language, 404)
    language = language or page.language
    if page.state == "expired":
        return message("expired", language, 410, organisation=page.organisation, token=token)
    if page.state == "done":
        from survey.channels.link.callback import offer_url

        return message(
            "thanks",
            language,
            organisation=page.organisation,
            token=token,
            complaint_url=page.complaint_url,
            callback_url=offer_url("invitation", token, invitation_link.response_of(token)),
        )
    skips = parse_skipped(request.args.get("skip"), page.definition)
    return question_page(
        page.definition, page.question, page.organisation, language, token=token, skips=skips
    )


@bp.post("/<token>")
@bp.post("/<token>/next")
def invitation_answer(token: str):
    """Store one screen's answer; the token in the address is what authorises it."""
    language = asked_language()
    key, values, other = posted()
    try:
        skips = invitation_link.answer(
            token, key, values, other, request.args.get("skip"), language, utcnow()
        )
    except ValidationError as error:
        return _invitation_error(token, key, language, error)
    except ServiceError as error:
        return refused(error, language)
    return redirect(
        url_for("link.invitation_next", token=token, **query(language, skips)), code=303
    )


def _invitation_error(token: str, key: str, language: str | None, error) -> Response:
    try:
        page = invitation_link.follow_up(token, request.args.get("skip"), utcnow())
    except NotFound:
        return message("invalid", language, 404)
    language = language or page.language
    if page.state != "ask":
        return message("thanks", language, organisation=page.organisation, token=token)
    skips = parse_skipped(request.args.get("skip"), page.definition)
    return question_page(
        page.definition,
        page.question,
        page.organisation,
        language,
        token=token,
        skips=skips,
        error=error if key == page.question else None,
        status=422,
    )


@bp.get("/<token>/stop")
def stop(token: str):
    """Ask to confirm: no more invitations from this organisation."""
    language = asked_language()
    try:
        organisation, contact_language = invitation_link.sender(token)
    except NotFound:
        return message("invalid", language, 404)
    return render(
        "stop.html",
        language or contact_language,
        organisation=organisation,
        token=token,
        lang=language,
    )


@bp.post("/<token>/stop")
def stop_confirmed(token: str):
    """Put the person on the opt-out list; say so once, or that it was done already."""
    language = asked_language()
    try:
        organisation, contact_language = invitation_link.sender(token)
        language = language or contact_language
        added = invitation_link.opt_out(token, utcnow())
    except NotFound:
        return message("invalid", language, 404)
    except Invalid:
        return message("invalid", language, 400)
    kind = "opted_out" if added else "opted_out_before"
    return message(kind, language, organisation=organisation)

from survey.channels.link import callback, plain  # noqa: E402,F401  (plain links, callbacks)
