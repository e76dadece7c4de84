"""The invitation funnel in the monthly report: its steps, their words and the table rows
every renderer (PDF, spreadsheet, staff page) shows per contact channel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.i18n import in_language
from survey.reports import display
from survey.reports.data import FunnelRow
from survey.stats import round_percent

# (step, its words, the step its share is taken of)
STEPS = (
    ("contacts", _l("Contacts"), None),
    ("eligible", _l("Eligible for an invitation"), "contacts"),
    ("sampled", _l("Sampled"), "eligible"),
    ("no_address", _l("No address for the invitation"), "sampled"),
    ("opted_out", _l("Opted out"), "sampled"),
    ("throttled", _l("Invited recently (throttled)"), "sampled"),
    ("capped", _l("Daily cap reached"), "sampled"),
    ("invited", _l("Invited"), "sampled"),
    ("quiet_delayed", _l("of which delayed by quiet hours"), "invited"),
    ("sent", _l("Sent"), "invited"),
    ("delivered", _l("Delivered"), "sent"),
    ("opened", _l("Opened"), "sent"),
    ("completed", _l("Completed"), "opened"),
)
WORDS = {
    "title": _l("Invitations after a contact: the funnel"),
    "intro": _l(
        "Contacts that ended this month, per channel, and how far their invitation (SMS or "
        "e-mail) got. A share is of the step named in the last column."
    ),
    "step": _l("Step"),
    "number": _l("Number"),
    "share": _l("Share"),
    "of": _l("of"),
    "response_rate": _l("Response rate (completed of sent)"),
    "channel": _l("Channel"),
}
_LABELS = {step: label for step, label, _ in STEPS}


def word(key: str, language: str) -> str:
    with in_language(language):
        return str(WORDS[key])


def step_name(step: str, language: str) -> str:
    with in_language(language):
        return str(_LABELS[step])


def rows(row: FunnelRow, language: str, formatted: bool = True) -> list[list]:
    """[step, number, share, of step] per step, then the response rate. `formatted`: shares
    as '37%' in the language's notation; else rounded whole percentages (None: no base)."""
    out = []
    for step, _, base in STEPS:
        count = getattr(row, step)
        whole = getattr(row, base) if base else 0
        share = round_percent(count / whole) if base and whole else None
        if formatted:
            share_text = display.DASH if share is None else display.percentage(share, language)
            out.append(
                [
                    step_name(step, language),
                    display.number(count, language),
                    share_text if base else "",
                    step_name(base, language) if base else "",
                ]
            )
        else:
            of = step_name(base, language) if base else None
            out.append([step_name(step, language), count, share, of])
    response = row.rates["response"]
    share = None if response is None else round_percent(response)
    if formatted:
        text = display.DASH if share is None else display.percentage(share, language)
        out.append([word("response_rate", language), "", text, step_name("sent", language)])
    else:
        out.append([word("response_rate", language), None, share, step_name("sent", language)])
    return out
