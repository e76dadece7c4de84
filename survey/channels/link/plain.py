"""Plain links and QR codes: `/s/q/<org>/<survey>[/<location>]` (mode qr), `/s/l/...` (mode
link) and the follow-ups of an answer begun there, `/s/r/<key>` (survey.services.plain_links)."""

from __future__ import annotations

from flask import Response, redirect, request, url_for
from flask_babel import get_locale

from survey.channels.link.pages import (
    asked_language,
    message,
    posted,
    query,
    question_page,
    refused,
)
from survey.channels.link.routes import bp
from survey.domain import ValidationError
from survey.errors import NotFound, ServiceError
from survey.models.types import utcnow
from survey.services import plain_links
from survey.services.link_answers import next_key, parse_skipped


def _plain(mode: str, org: str, survey: str, location: str | None):
    language = asked_language()
    try:
        plain = plain_links.plain_survey(org, survey, location, mode)
    except NotFound:
        return message("invalid", language, 404)
    skips = parse_skipped(request.args.get("skip"), plain.definition)
    if request.method == "GET":
        return _plain_question(plain, language, skips)
    key, values, other = posted()
    try:
        follow_key, skips = plain_links.answer_first(
            plain,
            request.form.get("form", ""),
            key,
            values,
            other,
            request.args.get("skip"),
            request.form.get("visitor") or None,
            language or str(get_locale()),
            utcnow(),
        )
    except ValidationError as error:
        return _plain_question(plain, language, skips, error=error, status=422)
    except ServiceError as error:
        return refused(error, language)
    if follow_key is None:  # an optional first question passed: ask the next one
        return redirect(_plain_url(plain, **query(language, skips)), code=303)
    return redirect(
        url_for("link.plain_next", key=follow_key, **query(language, skips)), code=303
    )


def _plain_url(plain, **args) -> str:
    endpoint = "link.qr" if plain.mode == "qr" else "link.plain_link"
    if plain.location:
        endpoint += "_at"
        args["location"] = plain.location
    return url_for(endpoint, org=plain.org, survey=plain.survey, **args)


def _plain_question(plain, language, skips, error=None, status=200) -> Response:
    question = next_key(plain.definition, {}, skips)
    if question is None:
        return message("thanks", language, organisation=plain.organisation)
    return question_page(
        plain.definition,
        question,
        plain.organisation,
        language,
        action=_plain_url(plain, **query(language, skips)),
        form_key=plain_links.form_key(plain, utcnow()),
        visitor=True,
        error=error,
        status=status,
    )


@bp.route("/q/<org>/<survey>", methods=["GET", "POST"])
def qr(org: str, survey: str):
    """A survey's QR-code link (mode qr)."""
    return _plain("qr", org, survey, None)


@bp.route("/q/<org>/<survey>/<location>", methods=["GET", "POST"])
def qr_at(org: str, survey: str, location: str):
    """A survey's QR-code link at one location (mode qr)."""
    return _plain("qr", org, survey, location)


@bp.route("/l/<org>/<survey>", methods=["GET", "POST"])
def plain_link(org: str, survey: str):
    """A survey's plain web link (mode link)."""
    return _plain("link", org, survey, None)


@bp.route("/l/<org>/<survey>/<location>", methods=["GET", "POST"])
def plain_link_at(org: str, survey: str, location: str):
    """A survey's plain web link at one location (mode link)."""
    return _plain("link", org, survey, location)


@bp.route("/r/<key>", methods=["GET", "POST"])
def plain_next(key: str):
    """The follow-up questions of an answer given through a plain link."""
    language = asked_language()
    if request.method == "POST":
        question, values, other = posted()
        try:
            skips = plain_links.answer_follow_up(
                key, question, values, other, request.args.get("skip")
            )
        except ValidationError as error:
            return _plain_follow_up(key, language, error=error, status=422)
        except ServiceError as error:
            return refused(error, language)
        return redirect(url_for("link.plain_next", key=key, **query(language, skips)), code=303)
    return _plain_follow_up(key, language)


def _plain_follow_up(key: str, language, error=None, status=200) -> Response:
    try:
        page = plain_links.follow_up(key, request.args.get("skip"))
    except ServiceError as error_:
        return refused(error_, language)
    language = language or page.language
    if page.question is None:
        from survey.channels.link.callback import offer_url

        return message(
            "thanks",
            language,
            organisation=page.organisation,
            complaint_url=page.complaint_url,
            callback_url=offer_url("plain", key, plain_links.response_of(key)),
        )
    skips = parse_skipped(request.args.get("skip"), page.definition)
    return question_page(
        page.definition,
        page.question,
        page.organisation,
        language,
        action=url_for("link.plain_next", key=key, **query(asked_language(), skips)),
        error=error,
        status=status,
    )
