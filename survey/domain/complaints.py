"""Complaint referral: a reason option flagged ``complaint`` ("I want to make a complaint").

When a person chooses such an option, the thank-you screen points to the organisation's
complaint page: a link on the website widget and the link page, a short address and a QR code
on the kiosk. The report counts these responses as referrals. The same rule runs in the
browser (``complaintChosen`` in static/js/flow.js) for the kiosk and the widget, which decide
offline.
"""

from __future__ import annotations

from collections.abc import Mapping

from survey.domain.definition import SurveyDefinition

# A complaint page address shown on the kiosk as it is when it is at most this long (without
# its scheme); a longer one is replaced by the platform's short link (/k/<organisation>).
SHORT_ADDRESS_MAX = 40


def complaint_options(definition: SurveyDefinition) -> frozenset[tuple[str, str]]:
    """(question key, option code) of every option flagged as the complaint reason."""
    return frozenset(
        (q.key, o.code) for q in definition.questions for o in q.options if o.complaint
    )


def complaint_options_in(data: Mapping) -> frozenset[tuple[str, str]]:
    """The same from a stored definition dict (reports read many versions; no parsing)."""
    return frozenset(
        (q.get("key"), str(o.get("code")))
        for q in data.get("questions") or []
        for o in q.get("options") or []
        if isinstance(o, Mapping) and o.get("complaint") is True
    )


def complaint_chosen(definition: SurveyDefinition, answers: Mapping[str, object]) -> bool:
    """Did these answers choose a complaint reason? (A multiple choice holds a list.)"""
    for key, code in complaint_options(definition):
        given = answers.get(key)
        values = given if isinstance(given, list | tuple) else [given]
        if code in values:
            return True
    return False


def without_scheme(url: str) -> str:
    """An address as a person types it: no https://, no trailing slash."""
    for scheme in ("https://", "http://"):
        if url.lower().startswith(scheme):
            url = url[len(scheme) :]
            break
    return url.rstrip("/")


def short_address(complaint_url: str, short_link: str) -> tuple[str, str]:
    """(the address the QR code holds, the address shown) on the kiosk.

    The complaint page itself when it is short enough to read and type; otherwise the
    platform's short link, which redirects to it."""
    shown = without_scheme(complaint_url)
    if len(shown) <= SHORT_ADDRESS_MAX:
        return complaint_url, shown
    return short_link, without_scheme(short_link)
