"""The kiosk's own words in both languages, so the tablet can switch language offline."""

from __future__ import annotations

from flask_babel import force_locale, gettext

LANGUAGES = ("nl", "en")


def _texts() -> dict[str, str]:
    return {
        "yes_satisfied": gettext("Yes, satisfied"),
        "no_not_satisfied": gettext("No, not satisfied"),
        "yes": gettext("Yes"),
        "no": gettext("No"),
        "na": gettext("Does not apply"),
        "next": gettext("Continue"),
        "skip": gettext("Skip"),
        "choose_more": gettext("Choose one or more answers. Then tap Next."),
        "thanks": gettext("Thank you!"),
        "thanks_lead": gettext("Your answer helps us to improve our service."),
        "complaint": gettext("Do you want to make a complaint?"),
        "complaint_lead": gettext("Scan the QR code with your phone, or go to this address:"),
        "complaint_qr": gettext("QR code for the complaint page"),
        "done": gettext("Back to the start"),
        "out_of_order": gettext("Out of order"),
        "out_of_order_lead": gettext("This screen does not work right now."),
        "not_linked": gettext("This tablet is not linked yet"),
        "not_linked_lead": gettext("Open the link for this tablet that staff received."),
    }


def kiosk_texts() -> dict[str, dict[str, str]]:
    """Every kiosk text per language, Dutch first."""
    result = {}
    for language in LANGUAGES:
        with force_locale(language):
            result[language] = _texts()
    return result


def title() -> str:
    with force_locale("nl"):
        return gettext("Customer satisfaction")
