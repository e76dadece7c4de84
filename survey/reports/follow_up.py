"""The "closing the loop" section's words and table rows, shared by every renderer (PDF,
spreadsheet and CSV, staff page): complaint referrals and callback requests per channel and
unit (survey/reports/follow_up_data.py holds the data, follow_up_build.py how it is counted)."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l

from survey.i18n import in_language
from survey.reports import display, texts
from survey.reports.data import ReportData
from survey.reports.follow_up_build import OUTCOME_KEYS
from survey.stats import round_half_up, round_percent

WORDS = {
    "title": _l("Closing the loop: complaint referrals and callback requests"),
    "referrals": _l("Complaint referrals"),
    "referrals_intro": _l(
        "Responses that chose the complaint reason (\u201cI want to make a complaint\u201d): "
        "their thank-you screen pointed to the complaint page. The share is of the responses "
        "to surveys that offer a complaint reason."
    ),
    "callbacks": _l("Callback requests"),
    "callbacks_intro": _l(
        "Requests received this month. Within the norm: the first contact came by the "
        "deadline (the norm is now %(days)s working days). A request without contact whose "
        "deadline had not passed when the report was made is pending and not in the share. "
        "Time to first contact in working days: weekends and public holidays do not count."
    ),
    "callbacks_intro_period": _l(
        "Requests received in this period. Within the norm: the first contact came by the "
        "deadline (the norm is now %(days)s working days). A request without contact whose "
        "deadline had not passed when the report was made is pending and not in the share. "
        "Time to first contact in working days: weekends and public holidays do not count."
    ),
    "outcomes": _l("Outcomes of the closed cases"),
    "group": _l("All, channel or unit"),
    "responses": _l("Responses"),
    "referred": _l("Referred to the complaint page"),
    "share": _l("Share"),
    "received": _l("Requests received"),
    "pending": _l("Pending"),
    "decided": _l("Due or contacted"),
    "within_norm": _l("Within the norm"),
    "low": _l("Interval from"),
    "high": _l("Interval to"),
    "reliability": _l("Reliability"),
    "median": _l("Median days to first contact"),
    "p90": _l("90th percentile days to first contact"),
    "contacted": _l("Contacted"),
    "closed": _l("Closed"),
    "none": _l("No callback requests this month."),
    "none_period": _l("No callback requests in this period."),
    "no_referrals": _l("No survey offers a complaint reason."),
}
OUTCOME_WORDS = {
    "solved": _l("Solved"),
    "explained": _l("Explained"),
    "referred": _l("Referred elsewhere"),
    "complaint": _l("Turned into a complaint"),
    "other": _l("Other"),
    "unreachable": _l("Could not reach"),
    "not_recorded": _l("No outcome recorded"),
}


def word(key: str, language: str, **values) -> str:
    with in_language(language):
        text = str(WORDS[key])
    return text % values if values else text.replace("%%", "%")


def period_word(key: str, data: ReportData, **values) -> str:
    """A word that names the report's period: "this month" in a monthly report, "this
    period" in a quarter, year or range report."""
    if texts.period_kind(data.meta.month) != "month":
        key = f"{key}_period"
    return word(key, data.meta.language, **values)


def outcome_name(key: str, language: str) -> str:
    with in_language(language):
        return str(OUTCOME_WORDS[key])


def _suppressed(language: str) -> str:
    return texts.word("suppressed", language)


def referral_headers(language: str) -> list[str]:
    return [word(k, language) for k in ("group", "responses", "referred", "share")]


def referral_rows(data: ReportData, language: str, formatted: bool = True) -> list[list]:
    """[name, responses, referrals, share]; a suppressed cell says so in words. `formatted`:
    numbers in the language's notation (PDF, page), else plain numbers (XLSX, CSV)."""
    out = []
    for r in data.follow_up.referrals:
        if r.referrals is None:
            cells = [_suppressed(language), _suppressed(language)]
        elif formatted:
            cells = [display.number(r.referrals, language),
                     display.percentage(round_percent(r.share), language)]  # fmt: skip
        else:
            cells = [r.referrals, round_percent(r.share)]
        count = display.number(r.responses, language) if formatted else r.responses
        out.append([r.name, count, *cells])
    return out


def callback_headers(language: str) -> list[str]:
    keys = ("group", "received", "pending", "within_norm", "low", "high", "reliability",
            "median", "p90", "closed")  # fmt: skip
    return [word(k, language) for k in keys]


def _days(value: float | None, language: str, formatted: bool, shown: bool):
    if not shown:
        return _suppressed(language)
    if value is None:
        return display.DASH if formatted else None
    rounded = round_half_up(value, 1)
    return format_decimal(rounded, format="0.0", locale=language) if formatted else rounded


def callback_rows(data: ReportData, language: str, formatted: bool = True) -> list[list]:
    """[name, received, pending, within norm %, low %, high %, reliability, median, P90,
    closed] per row."""
    out = []
    for r in data.follow_up.callbacks:
        est = r.within_norm
        if est is None:
            share = [display.DASH if formatted else None] * 3 + [None]
        elif display.suppressed(est):
            blank = "" if formatted else None
            share = [_suppressed(language), blank, blank, texts.word("suppressed", language)]
        else:
            values = [round_percent(getattr(est, k)) for k in ("estimate", "low", "high")]
            if formatted:
                values = [display.percentage(v, language) for v in values]
            share = [*values, texts.word(est.reliability, language)]
        if formatted and share[-1] is None:
            share[-1] = ""
        times_shown = r.contacted >= display.SUPPRESS_BELOW
        number = (lambda n: display.number(n, language)) if formatted else (lambda n: n)
        out.append(
            [
                r.name,
                number(r.received),
                number(r.pending),
                *share,
                _days(r.median_days, language, formatted, times_shown or r.contacted == 0),
                _days(r.p90_days, language, formatted, times_shown or r.contacted == 0),
                number(r.closed),
            ]
        )
    return out


def outcome_headers(language: str) -> list[str]:
    return [word("group", language), word("closed", language)] + [
        outcome_name(k, language) for k in OUTCOME_KEYS
    ]


def outcome_rows(data: ReportData, language: str, formatted: bool = True) -> list[list]:
    out = []
    for r in data.follow_up.callbacks:
        number = (lambda n: display.number(n, language)) if formatted else (lambda n: n)
        if r.outcomes is None:
            cells = [_suppressed(language)] * len(OUTCOME_KEYS)
        else:
            cells = [number(r.outcomes.get(k, 0)) for k in OUTCOME_KEYS]
        out.append([r.name, number(r.closed), *cells])
    return out
