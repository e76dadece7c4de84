"""The words of an alert: its title and a plain-text e-mail, in the organisation's language.

An alert carries figures only (counts, shares, minutes), never a citizen's words.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext, lazy_gettext

from survey.extensions import db
from survey.i18n import in_language
from survey.models import AlertEvent, Device, Location, Organisation

TITLES = {
    "satisfaction_drop": lazy_gettext("Many unhappy answers at a location"),
    "weekly_drop": lazy_gettext("Satisfaction fell significantly this week"),
    "kiosk_offline": lazy_gettext("Kiosk offline during opening hours"),
    "kiosk_silent": lazy_gettext("Kiosk receives no answers during opening hours"),
    "kiosk_queue": lazy_gettext("Kiosk queue of unsent answers is growing"),
    "kiosk_refused": lazy_gettext("Kiosk answers refused by the server"),
    "invitations_failing": lazy_gettext("Invitations are failing"),
}


def title(rule: str) -> str:
    return str(TITLES[rule])


def subject_name(organisation_id: int, subject: str) -> str:
    """'location:3' -> the location's name, 'device:7' -> the kiosk's name and place."""
    kind, _, rest = subject.partition(":")
    if kind == "location" and rest.isdigit():
        location = db.session.get(Location, int(rest))
        if location is not None and location.organisation_id == organisation_id:
            return location.name
    if kind == "device" and rest.isdigit():
        device = db.session.get(Device, int(rest))
        if device is not None and device.organisation_id == organisation_id:
            place = device.location.name if device.location is not None else ""
            name = device.name or gettext("Kiosk %(id)s", id=device.id)
            return f"{name} ({place})" if place else name
    if kind == "channel":
        channel, _, week = rest.partition(":")
        return f"{channel}, {week}"
    if kind == "invitations":
        return gettext("SMS and e-mail invitations")
    return subject


def _percent(share) -> str:
    return f"{round(float(share) * 100)}%"


def description(rule: str, facts: dict) -> str:
    """One sentence with the figures that made the rule fire."""
    f = facts
    if rule == "satisfaction_drop":
        return gettext(
            "%(negative)s of the last %(responses)s answers within %(minutes)s minutes were "
            "negative (%(share)s).",
            negative=f["negative"], responses=f["responses"],
            minutes=f["window_minutes"], share=_percent(f["share"]),
        )
    if rule == "weekly_drop":
        return gettext(
            "Week %(week)s: %(share)s satisfied of %(responses)s answers, against "
            "%(before)s in the %(weeks)s weeks before (%(responses_before)s answers); "
            "difference %(difference)s points, p = %(p)s (two-proportion z-test).",
            week=f["week"], share=_percent(f["share"]), responses=f["responses"],
            before=_percent(f["share_before"]), weeks=f["weeks_before"],
            responses_before=f["responses_before"],
            difference=round(f["difference"] * 100, 1), p=f"{f['p']:.4f}",
        )
    if rule == "kiosk_offline":
        return gettext(
            "No sign of life for %(minutes)s minutes of opening hours.",
            minutes=f["open_minutes"],
        )
    if rule == "kiosk_silent":
        return gettext(
            "Online, but no answers for %(minutes)s minutes of opening hours.",
            minutes=f["open_minutes"],
        )
    if rule == "kiosk_queue":
        return gettext(
            "%(queue)s answers wait on the tablet; the queue grew by %(grew)s in "
            "%(minutes)s minutes.",
            queue=f["queue"], grew=f["grew_by"], minutes=f["window_minutes"],
        )
    if rule == "kiosk_refused":
        return gettext(
            "The server refused %(refused)s answers from this tablet in the last %(minutes)s "
            "minutes.",
            refused=f["refused"], minutes=f["window_minutes"],
        )
    if rule == "invitations_failing":
        return gettext(
            "%(failures)s of %(messages)s messages failed (%(share)s) in the last %(minutes)s "
            "minutes, %(retrying)s of them waiting for a retry.",
            failures=f["failures"], messages=f["messages"], share=_percent(f["share"]),
            minutes=f["window_minutes"], retrying=f["retrying"],
        )
    return ""


def text(event: AlertEvent) -> tuple[str, str]:
    """Subject and body of the alert's e-mail."""
    organisation = db.session.get(Organisation, event.organisation_id)
    with in_language(organisation.default_language or "nl"):
        name = subject_name(organisation.id, event.subject)
        subject = gettext(
            "%(organisation)s alert: %(title)s (%(subject)s)",
            organisation=organisation.name, title=title(event.rule), subject=name,
        )
        lines = [
            f"{title(event.rule)}: {name}",
            description(event.rule, event.facts),
            "",
            gettext("The alert log and the rule's settings:") + " " + _log_url(organisation),
        ]
    return subject, "\n".join(lines) + "\n"


def _log_url(organisation: Organisation) -> str:
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    return f"{base}/staff/{organisation.slug}/alerts"
