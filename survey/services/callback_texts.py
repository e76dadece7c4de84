"""The callback request's words for citizens, shared by the kiosk and the link page: the offer,
the form in plain words (consent first), the error of each refused field and the confirmation
with the expected term ("Wij bellen u binnen 2 werkdagen terug")."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from survey.i18n import in_language

LANGUAGES = ("nl", "en")


def words() -> dict[str, str]:
    """The fixed words of the offer and the form, in the current language."""
    return {
        "offer": _("Would you like us to contact you about this?"),
        "offer_lead": _("A staff member can call or e-mail you to talk about your experience."),
        "yes": _("Yes, contact me"),
        "no": _("No, thank you"),
        "form": _("Your contact details"),
        "consent": _(
            "I agree that the municipality uses these details only to contact me about this "
            "answer. They are deleted when my question has been handled, and after 30 days "
            "at the latest. My answer itself stays anonymous."
        ),
        "name": _("Your name (how may we address you?)"),
        "phone": _("Phone number"),
        "email": _("Or your e-mail address"),
        "contact_hint": _("Give a phone number or an e-mail address."),
        "message": _("What would you like to talk about? (optional)"),
        "send": _("Send"),
        "cancel": _("Cancel"),
        "check": _("Please check your details"),
        "sent": _("Your request has been received"),
    }


def errors() -> dict[str, str]:
    """What to tell the citizen for each refused field's code, in the current language."""
    return {
        "consent_required": _("Tick the box to give your consent. Without it we cannot "
                              "contact you."),
        "contact_required": _("Give a phone number or an e-mail address."),
        "phone_malformed": _("This phone number is not correct. For example: 06 12345678."),
        "phone_not_callable": _("We cannot call this number back. Give another number."),
        "email_malformed": _("This e-mail address is not correct. For example: "
                             "naam@voorbeeld.nl."),
        "name_control_characters": _("Write your name on one line, without special "
                                     "characters."),
        "too_long": _("This text is too long."),
        "control_characters": _("This text contains characters that are not allowed."),
        "other": _("This did not work. Check your details and try again."),
    }


def error_text(code: str) -> str:
    found = errors()
    return found.get(code, found["other"])


def confirmation(norm_days: int, by_phone: bool) -> str:
    """The promise of the expected term, in the current language."""
    if by_phone:
        return ngettext("We will call you back within %(num)d working day.",
                        "We will call you back within %(num)d working days.", norm_days)
    return ngettext("We will e-mail you within %(num)d working day.",
                    "We will e-mail you within %(num)d working days.", norm_days)


def kiosk_texts(norm_days: int) -> dict[str, dict[str, str]]:
    """Everything the kiosk needs for the callback step, in both languages (it works offline)."""
    result = {}
    for language in LANGUAGES:
        with in_language(language):
            result[language] = {
                **words(),
                **{f"error_{code}": text for code, text in errors().items()},
                "confirm_phone": confirmation(norm_days, True),
                "confirm_email": confirmation(norm_days, False),
            }
    return result
