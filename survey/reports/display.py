"""How report figures are written: half-up rounding, intervals, flags, changes.

Numbers are rounded first (half up, survey.stats.rounding), then written with Babel's
number and percentage formats for the report's language (7,5 and 93% in Dutch).
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal, format_percent

from survey.reports import texts
from survey.reports.data import Change, Estimate, Figure, Suppressed, Target, TargetResult
from survey.stats import at_least, round_half_up, round_percent
from survey.stats.reliability import PROPORTION

DASH = "–"
SUPPRESS_BELOW = PROPORTION.suppress_below  # 10: one threshold for every table
INDICATIVE_MARK = "°"  # after a figure that is indicative (texts: "indicative_mark")


def number(value, language: str) -> str:
    """An already rounded number in the language's notation ('1.234' / '1,234')."""
    return format_decimal(value, locale=language)


def percentage(rounded, language: str, digits: int = 0) -> str:
    """A rounded percentage (93, or 89.5 with digits=1) as '93%' / '89,5%' in the
    language's notation."""
    pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
    return format_percent(Decimal(repr(rounded)) / 100, format=pattern, locale=language)


def share_percent(value: float, language: str, digits: int = 0) -> str:
    """A share 0..1 as a percentage: the one rounding (half up after snapping,
    survey.stats.round_percent) of every renderer: tables, charts, PDF, pages."""
    return percentage(round_percent(value, digits), language, digits)


def small_share(value: float, language: str) -> str:
    """A share of a mix: '<1%' for a part that would round to 0% but is not nothing."""
    if value > 0 and round_percent(value) == 0:
        return "<" + percentage(1, language)
    return share_percent(value, language)


def target_percent(value: float, target_share: float, language: str) -> str:
    """A share judged against a target: whole percentages, unless rounding would make a
    miss look like a hit (89.5% against 90% is "89,5%", not "90%")."""
    if at_least(value, target_share):
        return share_percent(value, language)
    for digits in (0, 1, 2):
        if round_percent(value, digits) < round_percent(target_share, digits):
            return share_percent(value, language, digits)
    return share_percent(value, language, 3)


def count(value: int | None, language: str) -> str:
    """A count of responses: below the suppression threshold (but not 0) it is '<10',
    the same in every table, so a small cell cannot be read from another table."""
    if value is None:
        return DASH
    if 0 < value < SUPPRESS_BELOW:
        return texts.word("less_than_10", language)
    return number(value, language)


def count_value(value: int | None, language: str):
    """``count`` for spreadsheets: a number, or the '<10' word for a small cell."""
    if value is not None and 0 < value < SUPPRESS_BELOW:
        return texts.word("less_than_10", language)
    return value


def mark(text: str, est: Figure) -> str:
    """A figure's text with the indicative mark when that figure itself is indicative:
    every figure carries its own reliability (an NPS from 15 answers is indicative even
    when the share beside it, from 40, is reliable)."""
    if isinstance(est, Estimate) and est.reliability == "indicative":
        return f"{text}{INDICATIVE_MARK}"
    return text


def suppressed(est) -> bool:
    return isinstance(est, Suppressed)


def percent(est: Figure, lang: str) -> str:
    if est is None:
        return DASH
    if suppressed(est):
        return texts.word("suppressed", lang)
    return share_percent(est.estimate, lang)


def unweighted_percent(est: Figure, lang: str) -> str:
    if est is None:
        return DASH
    if suppressed(est):
        return texts.word("suppressed", lang)
    return share_percent(est.unweighted, lang)


def percent_interval(est: Figure | TargetResult, lang: str = "nl") -> str:
    if est is None or suppressed(est):
        return DASH
    low = number(round_percent(est.low), lang)
    return f"{low}{DASH}{share_percent(est.high, lang)}"


def points(value: float, lang: str = "nl") -> str:
    rounded = round_half_up(value)
    text = number(rounded, lang)
    return f"+{text}" if rounded > 0 else text


def nps(est: Figure, lang: str) -> str:
    if est is None:
        return DASH
    if suppressed(est):
        return texts.word("suppressed", lang)
    return points(est.estimate, lang)


def nps_interval(est: Figure, lang: str) -> str:
    if est is None or suppressed(est) or est.low is None:
        return DASH
    low, high = points(est.low, lang), points(est.high, lang)
    return f"{low} {texts.word('range_to', lang)} {high}"


def grade(est: Figure, lang: str) -> str:
    if est is None:
        return DASH
    if suppressed(est):
        return texts.word("suppressed", lang)
    return format_decimal(round_half_up(est.estimate, 1), format="0.0", locale=lang)


def n_eff(est: Figure, lang: str = "nl") -> str:
    if est is None or suppressed(est):
        return DASH
    return number(round_half_up(est.n_eff), lang)


def n(est: Figure, lang: str) -> str:
    if est is None:
        return "0"
    if suppressed(est):
        return texts.word("less_than_10", lang)
    return number(est.n, lang)


def flag(est: Figure, lang: str) -> str:
    if est is None:
        return texts.word("no_data", lang)
    return texts.word(est.reliability, lang)


def change(delta: Change | None, share: bool = True, lang: str = "nl") -> str:
    """'+3 pt *' for shares (points of percentage), '+5 *' for NPS; '–' when not shown."""
    if delta is None:
        return DASH
    value = 100 * delta.difference if share else delta.difference
    text = points(value, lang) + (" " + texts.word("points", lang) if share else "")
    return text + (" *" if delta.significant else "")


def target(row: Target | None, lang: str, short: bool = True) -> str:
    """Met / not met, marked uncertain when the target lies inside the 95% interval."""
    if row is None:
        return DASH
    status = row.status
    if status in ("suppressed", "no_data"):
        return texts.word(status, lang)
    text = texts.word(status, lang)
    if row.result is None or not row.result.certain:
        text += " " + texts.word("uncertain_short" if short else "uncertain", lang)
    return text


def cell(value, lang: str) -> str:
    """A table value (survey.reports.spreadsheet.tables) as text in the language."""
    if value is None:
        return DASH
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return texts.word("yes" if value else "no", lang)
    return format_decimal(value, locale=lang)
