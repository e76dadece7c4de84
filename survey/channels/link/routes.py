"""The link page: one question per screen, server-rendered, no cookies, no JavaScript needed.

Every screen is a form that posts to its own address; the answer is stored and the browser is
redirected (303) to the next screen, so reloading never posts twice. The page's language is
`?lang=` when given, else the invited contact's language, else the browser's; it travels in
the addresses, as do the optional questions passed (`?skip=`), so nothing is kept in a
cookie. Views parse, call one service and render.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import get_locale

from survey.domain import ValidationError
from survey.errors import Gone, Invalid, NotFound, ServiceError
from survey.i18n import in_language
from survey.models.types import utcnow
from survey.services import invitation_link, plain_links
from survey.services.link_answers import parse_skipped

bp = Blueprint("link", __name__, url_prefix="/s")

LANGUAGES = ("nl", "en")


def _asked_language() -> str | None:
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else None


def _render(template: str, language: str | None, status: int = 200, **context) -> Response:
    with in_language(language or str(get_locale())):
        body = render_template(f"link/{template}", **context)
    return Response(body, status=status)


@bp.after_request
def _private(response: Response) -> Response:
    """Pages and redirects with a token stay out of shared caches and search engines.

    The app's Referrer-Policy (same-origin) already keeps the token out of the Referer sent to
    other sites; the pages say no-referrer too (a meta tag)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _message(kind: str, language: str | None, status: int = 200, **context) -> Response:
    return _render("message.html", language, status, kind=kind, **context)


def _query(language: str | None, skips: frozenset[str] = frozenset()) -> dict:
    query = {}
    if language:
        query["lang"] = language
    if skips:
        query["skip"] = ",".join(sorted(skips))
    return query


def _posted() -> tuple[str, list[str], str]:
    """The question key, its submitted values and any 'other' text of a posted screen."""
    if request.form.get("skip"):
        return request.form.get("question", ""), [], ""
    return (
        request.form.get("question", ""),
        request.form.getlist("answer"),
        request.form.get("other", ""),
    )


def _refused(error: ServiceError, language: str | None) -> Response:
    if isinstance(error, Gone):
        return _message("expired", language, 410)
    if isinstance(error, NotFound):
        return _message("invalid", language, 404)
    return _message("invalid_form", language, 400)


# ---- invitations: /s/<token> ----------------------------------------------------------------


@bp.get("/<token>")
def invitation(token: str):
    """The first question of an invitation, or 'already answered', or 'expired'."""
    language = _asked_language()
    try:
        page = invitation_link.open_link(token, utcnow(), record=request.method == "GET")
    except NotFound:
        return _message("invalid", language, 404)
    language = language or page.language
    if page.state == "expired":
        return _message("expired", language, 410, organisation=page.organisation, token=token)
    if page.state == "answered":
        return _message("answered", language, organisation=page.organisation, token=token)
    return _question_page(page.definition, page.question, page.organisation, language, token=token)


@bp.get("/<token>/next")
def invitation_next(token: str):
    """The next follow-up question of an invitation, or thanks when none is left."""
    language = _asked_language()
    try:
        page = invitation_link.follow_up(token, request.args.get("skip"), utcnow())
    except NotFound:
        return _message("invalid", language, 404)
    language = language or page.language
    if page.state == "expired":
        return _message("expired", language, 410, organisation=page.organisation, token=token)
    if page.state == "done":
        return _message("thanks", language, organisation=page.organisation, token=token)
    skips = parse_skipped(request.args.get("skip"), page.definition)
    return _question_page(
        page.definition, page.question, page.organisation, language, token=token, skips=skips
    )


@bp.post("/<token>")
@bp.post("/<token>/next")
def invitation_answer(token: str):
    """Store one screen's answer; the token in the address is what authorises it."""
    language = _asked_language()
    key, values, other = _posted()
    try:
        skips = invitation_link.answer(
            token, key, values, other, request.args.get("skip"), language or "nl", utcnow()
        )
    except ValidationError as error:
        return _invitation_error(token, key, language, error)
    except ServiceError as error:
        return _refused(error, language)
    return redirect(
        url_for("link.invitation_next", token=token, **_query(language, skips)), code=303
    )


def _invitation_error(token: str, key: str, language: str | None, error) -> Response:
    try:
        page = invitation_link.follow_up(token, request.args.get("skip"), utcnow())
    except NotFound:
        return _message("invalid", language, 404)
    language = language or page.language
    if page.state != "ask":
        return _message("thanks", language, organisation=page.organisation, token=token)
    skips = parse_skipped(request.args.get("skip"), page.definition)
    return _question_page(
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
    language = _asked_language()
    try:
        organisation, contact_language = invitation_link.sender(token)
    except NotFound:
        return _message("invalid", language, 404)
    return _render(
        "stop.html",
        language or contact_language,
        organisation=organisation,
        token=token,
        lang=language,
    )


@bp.post("/<token>/stop")
def stop_confirmed(token: str):
    """Put the person on the opt-out list; say so once, or that it was done already."""
    language = _asked_language()
    try:
        organisation, contact_language = invitation_link.sender(token)
        language = language or contact_language
        added = invitation_link.opt_out(token, utcnow())
    except NotFound:
        return _message("invalid", language, 404)
    except Invalid:
        return _message("invalid", language, 400)
    kind = "opted_out" if added else "opted_out_before"
    return _message(kind, language, organisation=organisation)


# ---- plain links: /s/q/<org>/<survey>[/<location>] and /s/l/... ----------------------------


def _plain(mode: str, org: str, survey: str, location: str | None):
    language = _asked_language()
    try:
        plain = plain_links.plain_survey(org, survey, location, mode)
    except NotFound:
        return _message("invalid", language, 404)
    skips = parse_skipped(request.args.get("skip"), plain.definition)
    if request.method == "GET":
        return _plain_question(plain, language, skips)
    key, values, other = _posted()
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
        return _refused(error, language)
    if follow_key is None:  # an optional first question passed: ask the next one
        return redirect(_plain_url(plain, **_query(language, skips)), code=303)
    return redirect(
        url_for("link.plain_next", key=follow_key, **_query(language, skips)), code=303
    )


def _plain_url(plain, **query) -> str:
    endpoint = "link.qr" if plain.mode == "qr" else "link.plain_link"
    if plain.location:
        endpoint += "_at"
        query["location"] = plain.location
    return url_for(endpoint, org=plain.org, survey=plain.survey, **query)


def _plain_question(plain, language, skips, error=None, status=200) -> Response:
    from survey.services.link_answers import next_key

    question = next_key(plain.definition, {}, skips)
    if question is None:
        return _message("thanks", language, organisation=plain.organisation)
    return _question_page(
        plain.definition,
        question,
        plain.organisation,
        language,
        action=_plain_url(plain, **_query(language, skips)),
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
    language = _asked_language()
    if request.method == "POST":
        question, values, other = _posted()
        try:
            skips = plain_links.answer_follow_up(
                key, question, values, other, request.args.get("skip")
            )
        except ValidationError as error:
            return _plain_follow_up(key, language, error=error, status=422)
        except ServiceError as error:
            return _refused(error, language)
        return redirect(url_for("link.plain_next", key=key, **_query(language, skips)), code=303)
    return _plain_follow_up(key, language)


def _plain_follow_up(key: str, language, error=None, status=200) -> Response:
    try:
        page = plain_links.follow_up(key, request.args.get("skip"))
    except ServiceError as error_:
        return _refused(error_, language)
    language = language or page.language
    if page.question is None:
        return _message("thanks", language, organisation=page.organisation)
    skips = parse_skipped(request.args.get("skip"), page.definition)
    return _question_page(
        page.definition,
        page.question,
        page.organisation,
        language,
        action=url_for("link.plain_next", key=key, **_query(_asked_language(), skips)),
        error=error,
        status=status,
    )


# ---- one question ----------------------------------------------------------------------------


def _question_page(
    definition,
    key: str,
    organisation: str,
    language: str | None,
    token: str | None = None,
    skips: frozenset[str] = frozenset(),
    action: str | None = None,
    form_key: str | None = None,
    visitor: bool = False,
    error=None,
    status: int = 200,
) -> Response:
    from survey.domain.flow import allowed_values

    language = language or str(get_locale())
    question = definition.question(key)
    if action is None:
        action = url_for(
            "link.invitation_next" if skips or request.endpoint != "link.invitation"
            else "link.invitation",
            token=token,
            **_query(_asked_language(), skips),
        )
    other_language = "en" if language == "nl" else "nl"
    return _render(
        "question.html",
        language,
        status,
        organisation=organisation,
        title=definition.title.get(language) or definition.title.get("nl") or "",
        question=question,
        label=question.text.get(language) or question.label(),
        values=allowed_values(question),
        option_texts={
            o.code: o.text.get(language) or o.text.get("nl") for o in question.options
        },
        action=action,
        form_key=form_key,
        visitor=visitor,
        token=token,
        error=error,
        switch_url=_switch_url(other_language, action),
        other_language=other_language,
        lang=_asked_language(),
    )


def _switch_url(language: str, action: str) -> str:
    """This screen in the other language: the address itself, or after a refused post the
    screen's form address (every one of them answers a GET with the same question)."""
    if request.method == "GET":
        args = request.args.to_dict()
        args["lang"] = language
        return url_for(request.endpoint, **(request.view_args or {}), **args)
    parts = urlsplit(action)
    query = dict(parse_qsl(parts.query))
    query["lang"] = language
    return f"{parts.path}?{urlencode(query)}"
