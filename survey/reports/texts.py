"""The monthly report's fixed words, as gettext messages, looked up by the codes in its data.

The report is built outside a web request (task queue, CLI) in a chosen language, so each
lookup runs under `survey.i18n.in_language`. Months and weekdays come from Babel's locale
data. Organisation-provided texts (question texts, options, target labels) are not here:
they stay `{"nl": ..., "en": ...}` in the definitions.
"""

from __future__ import annotations

import functools
from datetime import date

from babel.dates import format_date, get_day_names
from babel.numbers import format_decimal
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

from survey.i18n import in_language

LANGUAGES = ("nl", "en")

CHANNELS = {
    "counter": _l("Counter"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "contact_form": _l("Contact form"),
    "letter": _l("Letter"),
    "whatsapp": _l("WhatsApp"),
    "website": _l("Website"),
    "social": _l("Social media"),
}

WORDS = {
    "title": _l("Customer satisfaction per channel"),
    "page": _l("Page"),
    "of": _lp("page x of y", "of"),
    "summary": _l("Summary"),
    "satisfied": _l("Satisfied"),
    "satisfied_w": _l("Satisfied weighted"),
    "satisfied_u": _l("Satisfied unweighted"),
    "nps": _l("NPS"),
    "grade": _l("Mean grade"),
    "grade_long": _l("Average grade"),
    "interval": _l("95%% interval"),
    "n": _l("n"),
    "n_eff": _l("n_eff"),
    "channel": _l("Channel"),
    "all_channels": _l("All channels"),
    "change_prev": _l("vs previous month"),
    "change_year": _l("vs same month last year"),
    "change": _l("Change vs last month"),
    "result": _l("Result"),
    "interval_short": _l("95%% int."),
    "reliability_short": _lp("abbreviation", "Reliability"),
    "target": _l("Target"),
    "targets": _l("Targets"),
    "met": _l("met"),
    "not_met": _l("not met"),
    "uncertain": _l("(uncertain: target inside interval)"),
    "uncertain_short": _l("(uncertain)"),
    "reliability": _l("Reliability"),
    "suppressed": _l("too few responses"),
    "indicative": _l("indicative"),
    "ok": _l("reliable"),
    "significant": _l("* = significant difference (p < 0.05)"),
    "no_data": _l("no data"),
    "per_channel": _l("Per contact channel"),
    "trend": _l("Trend: the last 13 months"),
    "trend_periods": _l("Trend: the last 13 periods"),
    "trend_months": _l("Trend: month by month"),
    "breakdowns": _l("Breakdowns"),
    "location": _l("Location"),
    "unit": _l("Unit"),
    "topic": _l("Topic"),
    "when": _l("When: volume and satisfaction by hour and day"),
    "volume": _lp("number of", "Responses"),
    "hour": _l("Hour"),
    "why": _l("Why: reasons after a negative answer"),
    "reason": _l("Reason"),
    "count": _l("Count"),
    "share_resp": _l("%% of those who answered"),
    "multi": _l("Several answers possible: shares may add up to more than 100%%."),
    "pages": _l("Website pages with the most thumbs down"),
    "page_path": _l("Page"),
    "not_helped": _l("Not found"),
    "responses": _l("Responses"),
    "searched": _l("What were visitors looking for?"),
    "words": _l("In their words: recent comments"),
    "scrubbed": _l("E-mail addresses, phone numbers and addresses have been removed."),
    "method": _l("Method"),
    "weighted_note": _l("Weighted to the number of contacts per channel in this month."),
    "unweighted_note": _l(
        "UNWEIGHTED: no (complete) contact volumes for this month. Figures are corrected "
        "only for the chance of being asked, not weighted by channel."
    ),
    "unweighted_short": _l("unweighted"),
    "unweighted_months": _l("Unweighted months"),
    "missing_volumes": _l("No contact volume for"),
    "contacts": _l("Contacts"),
    "period": _l("Period"),
    "nothing": _l("No responses this month."),
    "quiet_busy": _l(
        "Colour: responses per hour (darkest = %(peak)s). Number: %% satisfied, only where "
        "there are at least 10 responses. Times in Dutch local time."
    ),
    "other": _l("Other"),
    "none_known": _l("unknown"),
    "less_than_10": _l("<10"),
    "range_to": _lp("from x to y", "to"),
    "points": _lp("percentage points", "pt"),
    "yes": _lp("spreadsheet value", "yes"),
    "no": _lp("spreadsheet value", "no"),
    "weighted": _l("weighted"),
    "satisfied_design": _l("Satisfied (not weighted by channel)"),
    "nps_design": _l("NPS (not weighted by channel)"),
    "indicative_mark": _l(
        "° = indicative: fewer than 30 responses, n_eff below 30 or a wide interval (each "
        "figure has its own)."
    ),
    "question": _l("Question"),
    "na_title": _l("Answered 'not applicable'"),
    "na_note": _l(
        "Those who answered 'not applicable' do not count in the question's yes share. "
        "Unweighted counts of this month."
    ),
    "na_count": _lp("number of answers", "n/a"),
    "na_share": _l("%% n/a"),
    "story_weighted": _l(
        "Weighted by the number of contacts per channel; the largest channel, %(channel)s, "
        "has %(share)s of the contacts."
    ),
    "story_unweighted": _l(
        "Not weighted by channel (no complete contact volumes): each response counts by its "
        "chance of being asked."
    ),
    "story_overall": _l("Satisfied, all channels"),
    "story_changes": _l("Largest significant changes"),
    "story_no_changes": _l("No significant changes."),
    "story_up_prev": _l("%(channel)s: %(points)s percentage points higher than last month."),
    "story_down_prev": _l("%(channel)s: %(points)s percentage points lower than last month."),
    "story_up_year": _l(
        "%(channel)s: %(points)s percentage points higher than the same month last year."
    ),
    "story_down_year": _l(
        "%(channel)s: %(points)s percentage points lower than the same month last year."
    ),
    "story_up_prev_period": _l(
        "%(channel)s: %(points)s percentage points higher than the previous period."
    ),
    "story_down_prev_period": _l(
        "%(channel)s: %(points)s percentage points lower than the previous period."
    ),
    "story_up_year_period": _l(
        "%(channel)s: %(points)s percentage points higher than the same period a year earlier."
    ),
    "story_down_year_period": _l(
        "%(channel)s: %(points)s percentage points lower than the same period a year earlier."
    ),
    "story_nps": _l("NPS, asked only via %(channels)s: %(value)s (n = %(n)s)."),
    "story_reasons": _l("Top reasons after a negative answer"),
    "story_neff": _l(
        "n_eff: the effective number of responses after weighting. Unequal weights make a "
        "sample count as a smaller one; intervals and reliability are based on n_eff."
    ),
    "trend_short": _l("satisfied over the last 13 periods"),
    "trend_scale": _l("Satisfied (weighted), each chart from 0 to 100%%"),
    "col_nps_reliability": _l("NPS reliability"),
    "col_grade_reliability": _l("Grade reliability"),
    # Column headers of the spreadsheet and CSV tables.
    "col_measure": _l("Measure"),
    "col_estimate": _l("Estimate"),
    "col_low": _l("Lower bound 95%%"),
    "col_high": _l("Upper bound 95%%"),
    "col_unweighted": _l("Unweighted"),
    "col_change_previous": _l("Change vs previous month"),
    "col_significant_previous": _l("Significant vs previous month"),
    "col_change_last_year": _l("Change vs same month last year"),
    "col_significant_last_year": _l("Significant vs same month last year"),
    "col_weighted": _l("Weighted"),
    "col_share": _l("Target (%%)"),
    "col_satisfied_weighted": _l("Satisfied weighted (%%)"),
    "col_satisfied_unweighted": _l("Satisfied unweighted (%%)"),
    "col_satisfied": _l("Satisfied (%%)"),
    "col_significant": _l("Significant"),
    "col_weekday": _l("Day"),
    "col_year": _l("Year"),
    "col_respondents": _l("Answered by"),
    "col_search": _l("Search term"),
    "col_date": _l("Date"),
    "col_comment": _l("Comment"),
}

# The comparison words of a quarter, a year or a range (a month uses the plain key).
PERIOD_WORDS = {
    "change_prev.quarter": _l("vs previous quarter"),
    "change_prev.year": _l("vs previous year"),
    "change_prev.range": _l("vs previous period"),
    "change_year.quarter": _l("vs same quarter last year"),
    "change_year.year": _l("vs the year before"),
    "change_year.range": _l("vs same period last year"),
    "col_change_previous.quarter": _l("Change vs previous quarter"),
    "col_change_previous.year": _l("Change vs previous year"),
    "col_change_previous.range": _l("Change vs previous period"),
    "col_significant_previous.quarter": _l("Significant vs previous quarter"),
    "col_significant_previous.year": _l("Significant vs previous year"),
    "col_significant_previous.range": _l("Significant vs previous period"),
    "col_change_last_year.quarter": _l("Change vs same quarter last year"),
    "col_change_last_year.year": _l("Change vs the year before"),
    "col_change_last_year.range": _l("Change vs same period last year"),
    "col_significant_last_year.quarter": _l("Significant vs same quarter last year"),
    "col_significant_last_year.year": _l("Significant vs the year before"),
    "col_significant_last_year.range": _l("Significant vs same period last year"),
}
WORDS.update(PERIOD_WORDS)


def period_kind(code: str) -> str:
    """'month', 'quarter', 'year' or 'range' of a report's period code (meta.month:
    '2026-10', '2026-Q4', '2026', '2026-01..2026-06')."""
    if ".." in code:
        return "range"
    if "-Q" in code:
        return "quarter"
    return "year" if code.isdigit() else "month"


def period_key(key: str, code: str) -> str:
    """The word key that names a comparison for this period: 'change_prev' of a quarter is
    'vs previous quarter', never 'vs previous month'."""
    kind = period_kind(code)
    found = f"{key}.{kind}"
    return found if found in WORDS else key


# Sheet names (at most 31 characters) and CSV file titles of the report's tables.
SHEETS = {
    "summary": _l("Summary"),
    "targets": _l("Targets"),
    "channels": _l("Channels"),
    "trend": _l("Trend"),
    "location": _l("Locations"),
    "unit": _l("Units"),
    "topic": _l("Topics"),
    "hours": _l("Hours"),
    "reasons": _l("Reasons"),
    "pages": _l("Website pages"),
    "searched": _l("Search terms"),
    "comments": _l("Comments"),
    "method": _l("Method"),
    "not_applicable": _l("Not applicable"),
    "funnel": _l("Invitation funnel"),
    "referrals": _l("Complaint referrals"),
    "callbacks": _l("Callback requests"),
    "callback_outcomes": _l("Callback outcomes"),
}

# The charts of the staff report page, named for their alternative text.
CHARTS = {
    "channels": _l("Satisfied per contact channel"),
    "trend": _l("Trend: the last 13 months"),
    "trend_periods": _l("Trend: the last 13 periods"),
    "trend_months": _l("Trend: month by month"),
    "heatmap": _l("When: volume and satisfaction by hour and day"),
    "reasons": _l("Why: reasons after a negative answer"),
    "mix": _l("Contacts per channel"),
}

METHOD_TEXT = [
    _l(
        "Respondents are not the people who had contact: dissatisfied people answer more "
        "readily and some channels give more responses than others. So we weight."
    ),
    _l(
        "1. Design weight: a sampled respondent (a share of callers, a share of website "
        "visitors) counts 1/p, p being the chance of being asked."
    ),
    _l("2. Calibration (raking) to the number of contacts per channel in the month."),
    _l("3. Trimming: weights above %(trim)s × the median weight are capped, then raked again."),
    _l(
        "Satisfied: thumbs up, 'yes' or a grade of 7 or more. NPS: %% promoters (9-10) minus "
        "%% detractors (0-6), from -100 to 100. Blank answers leave the denominator."
    ),
    _l(
        "Intervals (95%%): Wilson for shares on the effective sample size n_eff (Kish), t "
        "interval for means, normal for NPS. Differences: Newcombe for shares; * means "
        "p < %(alpha)s (two-sided)."
    ),
    _l(
        "Reliability: fewer than 10 responses is not shown ('too few responses'); fewer than "
        "30 (or n_eff < 30, or too wide an interval) is 'indicative'."
    ),
    _l("Rounding: percentages half up (37/40 = %(example)s)."),
    _l("Suspect responses (e.g. repeated tapping on the kiosk) are left out."),
]

# Why the weighting fell back (survey.reports.data.WeightNote codes).
WEIGHT_NOTES = {
    "not_trimmed": _l(
        "The weights could not be capped at %(trim)s × the median weight. They are weighted "
        "to the number of contacts per channel without that cap."
    ),
    "design_weights": _l(
        "Weighting to the number of contacts per channel was not possible for this month. "
        "The figures are corrected only for the chance of being asked."
    ),
}

WEEKDAYS = {
    language: [get_day_names("abbreviated", locale=language)[day] for day in range(7)]
    for language in LANGUAGES
}


def _language(language: str) -> str:
    return language if language in LANGUAGES else LANGUAGES[0]


def _fill(message, values: dict) -> str:
    """The translated message with its %(name)s placeholders filled. Every report word is
    a python-format string (gettext's convention): a literal percent sign is written %%."""
    return str(message) % values


def word(key: str, language: str, **values) -> str:
    """A fixed word of the report in language; `values` fill its %(name)s placeholders."""
    if not values:
        return _plain_word(key, _language(language))
    with in_language(_language(language)):
        return _fill(WORDS[key], values)


@functools.lru_cache(maxsize=1024)
def _plain_word(key: str, language: str) -> str:
    # The catalogues are compiled at start and do not change while the process runs, so a
    # word without placeholders is looked up once per language (a dashboard view uses
    # hundreds).
    with in_language(language):
        return _fill(WORDS[key], {})


def channel_name(code: str, language: str) -> str:
    message = CHANNELS.get(code)
    if message is None:
        return code
    with in_language(_language(language)):
        return str(message)


def sheet_name(table: str, language: str) -> str:
    with in_language(_language(language)):
        return str(SHEETS[table])


def chart_title(name: str, language: str) -> str:
    with in_language(_language(language)):
        return str(CHARTS[name])


def method_text(language: str, **values) -> list[str]:
    with in_language(_language(language)):
        return [_fill(message, values) for message in METHOD_TEXT]


def month_name(month: date, language: str) -> str:
    """'oktober 2026' / 'October 2026'."""
    return format_date(month, "LLLL y", locale=_language(language))


def month_short(month: date, language: str) -> str:
    """'okt 26' / 'Oct 26'."""
    return format_date(month, "LLL yy", locale=_language(language))


def month_only(month: date, language: str) -> str:
    """'okt' / 'Oct' (a month in a table that names its year elsewhere)."""
    return format_date(month, "LLL", locale=_language(language))


def weight_note(note, language: str) -> str | None:
    """The sentence for a WeightNote in language; None for no note or an unknown code."""
    if note is None or note.code not in WEIGHT_NOTES:
        return None
    values = dict(note.params)
    if "trim" in values:
        values["trim"] = format_decimal(values["trim"], locale=_language(language))
    with in_language(_language(language)):
        return _fill(WEIGHT_NOTES[note.code], values)


def left_out_lines(left_out, language: str | None = None) -> list[str]:
    """Sentences about stored rows the build could not use (survey.reports.data.LeftOut),
    one per kind whose count is above zero; none for a clean report. Without a language,
    in the current one (a staff page speaks its reader's language)."""
    language = _language(str(get_locale()) if language is None else language)
    lines = []
    with in_language(language):
        if left_out.responses:
            lines.append(
                ngettext(
                    "%(count)s response was left out of the weighted figures, because its data "
                    "was not valid.",
                    "%(count)s responses were left out of the weighted figures, because their "
                    "data was not valid.",
                    left_out.responses,
                    count=format_decimal(left_out.responses, locale=language),
                )
            )
        if left_out.earlier_responses:
            lines.append(
                ngettext(
                    "%(count)s response of earlier months was left out of the trend, because "
                    "its data was not valid.",
                    "%(count)s responses of earlier months were left out of the trend, because "
                    "their data was not valid.",
                    left_out.earlier_responses,
                    count=format_decimal(left_out.earlier_responses, locale=language),
                )
            )
        if left_out.answers:
            lines.append(
                ngettext(
                    "%(count)s score was left out, because it was outside the scale.",
                    "%(count)s scores were left out, because they were outside the scale.",
                    left_out.answers,
                    count=format_decimal(left_out.answers, locale=language),
                )
            )
    return lines
