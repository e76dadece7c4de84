"""The words of invitation messages: SMS text, e-mail subject, text and HTML parts.

An organisation's rule may replace a text per language (`InvitationRule.texts`, keys
`sms`, `sms_reminder`, `email_subject`, `email_body`) with `{organisation}` and `{link}`
as placeholders; otherwise the gettext default applies. The default Dutch SMS with its link
fits one 160-character GSM-7 segment with a PUBLIC_URL of up to 33 characters
(tests/invitations/test_rule_texts.py); `flask kto rules set --sms-text` sets own texts
(survey/services/rule_texts.py) and shows the segment count of each.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from survey.i18n import in_language


@dataclass(frozen=True)
class Words:
    sms: str
    subject: str
    body: str
    html: str | None


def defaults(kind: str) -> dict[str, str]:
    """The built-in texts (in the current language) with {organisation} and {link}."""
    if kind == "reminder":
        return {
            "sms": _("{organisation}: a reminder: give your opinion in 1 minute: {link} "
                     "No more texts? Reply STOP"),
            "email_subject": _("Reminder: how was your contact with {organisation}?"),
            "email_body": _("You recently had contact with {organisation}. We would still "
                            "like to hear how it went. It takes 1 minute:"),
        }
    return {
        "sms": _("{organisation}: how was your contact with us? Give your opinion in 1 minute: "
                 "{link} No more texts? Reply STOP"),
        "email_subject": _("How was your contact with {organisation}?"),
        "email_body": _("You recently had contact with {organisation}. Would you tell us how "
                        "it went? It takes 1 minute:"),
    }


def fill(template: str, organisation: str, link: str) -> str:
    # Plain replacement: an organisation's text cannot reach attributes as str.format could.
    return template.replace("{organisation}", organisation).replace("{link}", link)


class Composer:
    """Texts per (organisation, language, kind, mode), rendered once per batch and filled in."""

    def __init__(self):
        self._templates: dict[tuple, dict] = {}

    def templates(self, language: str, kind: str, custom: dict | None) -> dict[str, str]:
        key = (language, kind, repr(sorted((custom or {}).items())))
        if key not in self._templates:
            with in_language(language):
                texts = defaults(kind)
                texts["link_label"] = _("Give your opinion")
                texts["unsubscribe"] = _("No more invitations from us? Unsubscribe:")
                texts["ignore"] = _("This link is personal and works once. If you do not "
                                    "want to take part, you can ignore this message.")
            suffix = "_reminder" if kind == "reminder" else ""
            for name in ("sms", "email_subject", "email_body"):
                own = (custom or {}).get(name + suffix if name == "sms" else name) or {}
                if isinstance(own, dict) and own.get(language):
                    texts[name] = own[language]
            texts["language"] = language
            self._templates[key] = texts
        return self._templates[key]

    def words(self, *, mode: str, language: str, kind: str, custom: dict | None,
              organisation: str, link: str, unsubscribe: str) -> Words:
        t = self.templates(language, kind, custom)
        sms = fill(t["sms"], organisation, link)
        if mode != "email":
            return Words(sms=sms, subject="", body="", html=None)
        intro = fill(t["email_body"], organisation, link)
        subject = fill(t["email_subject"], organisation, link)
        body = (f"{intro}\n\n{link}\n\n{t['ignore']}\n\n{t['unsubscribe']} {unsubscribe}\n\n"
                f"{organisation}\n")
        # The template alone, without the request's context processors (the worker has none).
        html = current_app.jinja_env.get_template("messages/invitation_email.html").render(
            intro=intro, link=link, texts=t, unsubscribe=unsubscribe,
            organisation=organisation, subject=subject,
        )
        return Words(sms=sms, subject=subject, body=body, html=html)


@dataclass(frozen=True)
class SmsTextLength:
    channel: str
    kind: str  # "invitation" or "reminder"
    language: str
    text: str  # with the organisation's name and a link of full length
    encoding: str
    segments: int


def sms_text_lengths(org_slug: str) -> list[SmsTextLength]:
    """Every SMS text the organisation's rules would send (their own or the default), per
    language and kind, measured with a link of full length (PUBLIC_URL, a 22-character token)."""
    from survey.domain.invitation_rules import invitation_mode
    from survey.domain.sms import sms_length
    from survey.services import catalogue
    from survey.services.rules import list_rules

    org = catalogue.organisation(org_slug)
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/s/{'x' * 22}"
    composer = Composer()
    found = []
    for rule, _survey in list_rules(org_slug):
        mode = invitation_mode(rule.contact_channel, rule.survey_mode)
        if mode is None or mode[0] != "sms":
            continue
        for kind in ("invitation", "reminder"):
            for language in current_app.config["BABEL_SUPPORTED_LOCALES"]:
                text = composer.words(mode="sms", language=language, kind=kind,
                                      custom=rule.texts, organisation=org.name, link=link,
                                      unsubscribe="").sms
                length = sms_length(text)
                found.append(SmsTextLength(rule.contact_channel, kind, language, text,
                                           length.encoding, length.segments))
    return found
