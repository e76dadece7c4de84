"""The link page's screens: one question, a message (thanks, answered, expired ...), the
language, and the reading of a posted screen. Shared by the invitation and plain-link views."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Response, render_template, request, url_for
from flask_babel import get_locale

from survey.domain.flow import allowed_values
from survey.errors import Gone, NotFound, ServiceError
from survey.i18n import in_language

LANGUAGES = ("nl", "en")


def asked_language() -> str | None:
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else None


def render(template: str, language: str | None, status: int = 200, **context) -> Response:
    with in_language(language or str(get_locale())):
        body = render_template(f"link/{template}", **context)
    return Response(body, status=status)


def message(kind: str, language: str | None, status: int = 200, **context) -> Response:
    return render("message.html", language, status, kind=kind, **context)


def query(language: str | None, skips: frozenset[str] = frozenset()) -> dict:
    args = {}
    if language:
        args["lang"] = language
    if skips:
        args["skip"] = ",".join(sorted(skips))
    return args


def posted() -> tuple[str, list[str], str]:
    """The question key, its submitted values and any 'other' text of a posted screen."""
    if request.form.get("skip"):
        return request.form.get("question", ""), [], ""
    return (
        request.form.get("question", ""),
        request.form.getlist("answer"),
        request.form.get("other", ""),
    )


def refused(error: ServiceError, language: str | None) -> Response:
    """The page for a refused request: expired link, unknown link, or a form we did not make
    (or one open too long)."""
    if isinstance(error, Gone) and error.code != "form_expired":
        return message("expired", language, 410)
    if isinstance(error, NotFound):
        return message("invalid", language, 404)
    return message("invalid_form", language, 400)


# ---- one question ----------------------------------------------------------------------------


def question_page(
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
    language = language or str(get_locale())
    question = definition.question(key)
    if action is None:
        action = url_for(
            "link.invitation_next" if skips or request.endpoint != "link.invitation"
            else "link.invitation",
            token=token,
            **query(asked_language(), skips),
        )
    other_language = "en" if language == "nl" else "nl"
    return render(
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
        switch_url=switch_url(other_language, action),
        other_language=other_language,
        lang=asked_language(),
    )


def switch_url(language: str, action: str) -> str:
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
