"""The callback request on the link page: after a negative answer the thanks screen offers it
(survey.services.callbacks.link_offer); `/s/<token>/callback` (invitations) and
`/s/r/<key>/callback` (plain links) and `/s/c/<key>/callback` (the website widget's reply,
survey.services.callback_links) show the form and store it; `.../callback/sent` confirms it
with the expected term. The invitation token or the signed follow-up key in the address is the
proof that the person is the respondent, as for the answers themselves (no cookies)."""

from __future__ import annotations

from flask import Response, redirect, request, url_for

from survey.channels.link.pages import asked_language, message, query, render
from survey.channels.link.routes import bp
from survey.domain import ValidationError
from survey.errors import Conflict, Gone, ServiceError
from survey.models.types import utcnow
from survey.services import (
    callback_links,
    callback_texts,
    callbacks,
    invitation_link,
    plain_links,
)

FIELDS = ("name", "phone", "email", "message")


def _posted(language: str) -> dict:
    data = {name: request.form.get(name, "") for name in FIELDS}
    data["consent"] = request.form.get("consent") == "yes"
    data["language"] = language
    return data


def _form(organisation: str, language: str | None, action: str, values=None, error=None,
          status: int = 200) -> Response:
    return render(
        "callback.html", language, status, organisation=organisation, action=action,
        values=values or {}, error=error,
        error_text=callback_texts.error_text(error.code) if error else None,
    )


def _sent(organisation: str, language: str | None, response_id: int | None) -> Response:
    done = callbacks.requested_for(response_id)
    if done is None:
        return message("invalid", language, 404)
    return render("callback_sent.html", language, organisation=organisation,
                  norm_days=done.norm_days, by_phone=done.by_phone)


def _callback(response_id, organisation: str, language: str | None, action: str, sent_url: str):
    state = callbacks.link_offer(response_id)
    if state == "requested":
        return redirect(sent_url, code=303)
    if state != "offer":
        return message("invalid", language, 404)
    if request.method == "GET":
        return _form(organisation, language, action)
    values = _posted(language or "nl")
    try:
        callbacks.link_request(response_id, values, utcnow())
    except (ValidationError, ServiceError) as error:
        if isinstance(error, Conflict):
            return redirect(sent_url, code=303)
        return _form(organisation, language, action, values, error, 422)
    return redirect(sent_url, code=303)


def _invitation_context(token: str):
    """(response id, organisation, language, None) or (None, None, language, refusal page)."""
    language = asked_language()
    try:
        page = invitation_link.follow_up(token, None, utcnow())
        response_id = invitation_link.response_of(token)
    except ServiceError:
        return None, None, language, message("invalid", language, 404)
    return response_id, page.organisation, language or page.language, None


def _plain_context(key: str):
    language = asked_language()
    try:
        page = plain_links.follow_up(key, None)
        response_id = plain_links.response_of(key)
    except ServiceError:
        return None, None, language, message("expired", language, 410)
    return response_id, page.organisation, language or page.language, None


def _widget_context(key: str):
    language = asked_language()
    try:
        page = callback_links.page_for(key)
    except Gone:
        return None, None, language, message("expired", language, 410)
    except ServiceError:
        return None, None, language, message("invalid", language, 404)
    return page.response_id, page.organisation, language or page.language, None


def _register(kind: str, rule: str, context, doc: str) -> None:
    """One pair of routes: the form at `<rule>/callback` (endpoint `link.<kind>_callback`) and
    its confirmation at `<rule>/callback/sent` (`link.<kind>_callback_sent`). `context` reads
    the address's one token or key (see `_invitation_context`)."""
    form_name, sent_name = f"{kind}_callback", f"{kind}_callback_sent"

    def form(**address):
        response_id, organisation, language, refused = context(*address.values())
        if refused is not None:
            return refused
        args = query(asked_language())
        return _callback(
            response_id, organisation, language,
            url_for(f"link.{form_name}", **address, **args),
            url_for(f"link.{sent_name}", **address, **args),
        )

    def sent(**address):
        response_id, organisation, language, refused = context(*address.values())
        if refused is not None:
            return refused
        return _sent(organisation, language, response_id)

    for view, name in ((form, form_name), (sent, sent_name)):
        view.__name__ = view.__qualname__ = name
    form.__doc__ = doc
    bp.add_url_rule(f"{rule}/callback", form_name, form, methods=["GET", "POST"])
    bp.add_url_rule(f"{rule}/callback/sent", sent_name, sent, methods=["GET"])


_register("invitation", "/<token>", _invitation_context,
          "The callback form after an invitation's answers.")
_register("plain", "/r/<key>", _plain_context,
          "The callback form after answers given through a plain link or QR code.")
_register("widget", "/c/<key>", _widget_context,
          "The callback form for an answer given in the website widget (its reply's link).")


def offer_url(kind: str, value: str, response_id: int | None) -> str | None:
    """The thanks screen's link to the form, when this response may ask for a callback."""
    if callbacks.link_offer(response_id) != "offer":
        return None
    args = query(asked_language())
    if kind == "invitation":
        return url_for("link.invitation_callback", token=value, **args)
    return url_for("link.plain_callback", key=value, **args)
