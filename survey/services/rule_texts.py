"""An organisation's own invitation texts per rule and language, and their SMS segment count.

`InvitationRule.texts` holds `{name: {language: text}}` for the names below (read by
survey/services/invitation_texts.py); a text left out, or set to "default", is the built-in
gettext text. `{organisation}` and `{link}` are filled in when a message is written. The segment
count (survey/domain/sms.py) is measured on the text as it will be sent: the organisation's
name and a link of the real length (`{PUBLIC_URL}/s/` and a 22-character token) filled in.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from survey.database import unit_of_work
from survey.domain.sms import SmsLength, sms_length
from survey.errors import Invalid
from survey.extensions import db
from survey.i18n import in_language
from survey.models import InvitationRule
from survey.services import catalogue
from survey.services.invitation_texts import defaults, fill

NAMES = ("sms", "sms_reminder", "email_subject", "email_body")
SMS_NAMES = ("sms", "sms_reminder")
LANGUAGES = ("nl", "en")
MAX_LENGTH = {"sms": 480, "sms_reminder": 480, "email_subject": 150, "email_body": 2000}
TOKEN_LENGTH = 22  # secrets.token_urlsafe(16)


@dataclass(frozen=True)
class SmsText:
    name: str
    language: str
    own: bool  # the organisation's text, not the built-in one
    text: str  # as sent, with a sample link
    length: SmsLength


def _check(name: str, text: str) -> str:
    if name not in NAMES:
        raise Invalid(
            "unknown_field", f"Unknown text '{name}'; use one of {', '.join(NAMES)}.", name
        )
    text = text.strip()
    if not text:
        raise Invalid("missing_field", f"The text '{name}' is empty.", name)
    if len(text) > MAX_LENGTH[name]:
        raise Invalid(
            "too_long", f"The text '{name}' is longer than {MAX_LENGTH[name]} characters.", name
        )
    if name != "email_body" and ("\r" in text or "\n" in text):
        raise Invalid("line_break", f"The text '{name}' must be one line.", name)
    if name in SMS_NAMES and "{link}" not in text:
        raise Invalid("missing_link", f"The text '{name}' needs the placeholder {{link}}.", name)
    return text


def checked_texts(language: str, texts: dict[str, str]) -> dict[str, str | None]:
    """The texts trimmed and checked (None: back to the default), or Invalid."""
    if language not in LANGUAGES:
        raise Invalid(
            "unknown_language", f"Unknown language '{language}'; use nl or en.", "language"
        )
    return {
        name: None if text.strip().lower() == "default" else _check(name, text)
        for name, text in texts.items()
    }


def set_texts(org_slug: str, channel: str, language: str, texts: dict[str, str]) -> None:
    """Set (or with "default" reset) texts of an existing rule in one language."""
    checked = checked_texts(language, texts)
    with unit_of_work() as session:
        org = catalogue.organisation(org_slug)
        rule = session.execute(
            select(InvitationRule).where(
                InvitationRule.organisation_id == org.id, InvitationRule.contact_channel == channel
            )
        ).scalar_one_or_none()
        if rule is None:
            raise Invalid(
                "unknown_rule",
                f"No rule for '{channel}' yet: set its survey first.",
                "contact_channel",
            )
        stored = {name: dict(by_language) for name, by_language in (rule.texts or {}).items()}
        for name, text in checked.items():
            if text is None:
                stored.get(name, {}).pop(language, None)
            else:
                stored.setdefault(name, {})[language] = text
        rule.texts = {name: value for name, value in stored.items() if value}  # a new object


def sms_texts(org_slug: str, channel: str, language: str) -> list[SmsText]:
    """The rule's SMS texts (own or built-in) as sent, each with its length and segments."""
    org = catalogue.organisation(org_slug)
    rule = catalogue_rule(org.id, channel)
    own = (rule.texts or {}) if rule else {}
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/s/{'x' * TOKEN_LENGTH}"
    found = []
    for name in SMS_NAMES:
        template = (own.get(name) or {}).get(language)
        if template is None:
            with in_language(language):
                template = defaults("reminder" if name == "sms_reminder" else "invitation")["sms"]
        text = fill(template, org.name, link)
        found.append(
            SmsText(name, language, name in own and language in own[name], text, sms_length(text))
        )
    return found


def catalogue_rule(organisation_id: int, channel: str) -> InvitationRule | None:
    return db.session.execute(
        select(InvitationRule).where(
            InvitationRule.organisation_id == organisation_id,
            InvitationRule.contact_channel == channel,
        )
    ).scalar_one_or_none()
