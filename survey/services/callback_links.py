"""The website widget's way to the callback form: a signed key for one stored response.

The widget has no room for the form itself (docs/WIDGET.md), so when its response is stored and
the survey's callback rule offers a callback for it, the reply to the widget's post carries the
address of the link page's form for that response (`/s/c/<key>/callback`). The key is the
response's uuid signed with the app's secret (itsdangerous, a purpose of its own, so it is
neither a plain link's follow-up key nor usable to add answers) and expires after a day. Only
the browser that posted the answer receives it, so it proves the person is the respondent, as
the follow-up key does on the link page; the form, its consent and checks, the case and the
confirmation are the link page's own (survey.channels.link.callback).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from survey.errors import Gone, NotFound
from survey.extensions import db
from survey.i18n import in_language
from survey.models import Organisation, Response
from survey.services import callbacks

KEY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class CallbackPage:
    response_id: int
    organisation: str  # the organisation's name
    language: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="kto-widget-callback")


def key_for(response_uuid: str) -> str:
    return _serializer().dumps(str(response_uuid))


def page_for(key: str) -> CallbackPage:
    """The response a key authorises a callback request for (Gone when expired, else NotFound)."""
    try:
        response_uuid = _serializer().loads(key or "", max_age=KEY_SECONDS)
        wanted = uuid.UUID(str(response_uuid))
    except SignatureExpired:
        raise Gone("link_expired", "This link has expired.") from None
    except (BadSignature, ValueError):
        raise NotFound("unknown_link", "This link is not valid.") from None
    row = db.session.execute(
        select(Response.id, Response.language, Organisation.name)
        .join(Organisation, Organisation.id == Response.organisation_id)
        .where(Response.uuid == wanted)
    ).first()
    if row is None:
        raise NotFound("unknown_link", "This link is not valid.")
    return CallbackPage(row.id, row.name, row.language)


@dataclass(frozen=True)
class WidgetOffer:
    key: str  # for /s/c/<key>/callback
    language: str
    text: str  # the link's words


def widget_offer(
    response_id: int, response_uuid: str, language: str | None
) -> WidgetOffer | None:
    """The widget's link to the callback form for this response, or None when it is not
    offered a callback (a positive answer, a rule `never`, or a request already made)."""
    if callbacks.link_offer(response_id) != "offer":
        return None
    lang = language if language in ("nl", "en") else "nl"
    with in_language(lang):
        text = gettext("Would you like us to contact you about this?")
    return WidgetOffer(key_for(response_uuid), lang, text)
