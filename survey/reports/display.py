"""How report figures are written: half-up rounding, intervals, flags, changes.

Numbers are rounded first (half up, survey.stats.rounding), then written with Babel's
number and percentage formats for the report's language (7,5 and 93% in Dutch).
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal, format_percent

from survey.reports import texts
from survey.reports.data import Change, Figure, Suppressed, Target, TargetResult
from survey.stats import round_half_up, round_percent

DASH = "–"


def number(value, language: str) -> str:
    """An already rounded number in the language's notation ('1.234' / '1,234')."""
    return format_decimal(value, locale=language)


def percentage(rounded: int, language: str) -> str:
    """A rounded percentage (93) as '93%' in the language's notation."""
    return format_percent(Decimal(rounded) / 100, locale=language)


def suppressed(est) -> bool:
    return isinstance(est, Suppressed)


def percent(est: Figure, lang: str) -> str:
    if est is None:
        return DASH
    if suppressed(est):
        return texts.word("suppressed", lang)
    return percentage(round_percent(est.estimate), lang)


def unweighted_percent(est: Figure, lang: str) -> str:
    if est is None:
        return DASH
    if suppressed(est):
        return texts.word("suppressed", lang)
    return percentage(round_percent(est.unweighted), lang)


def percent_interval(est: Figure | TargetResult, lang: str = "nl") -> str:
    if est is None or suppressed(est):
        return DASH
    low = number(round_percent(est.low), lang)
    return f"{low}{DASH}{percentage(round_percent(est.high), lang)}"


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


def target_value(row: Target, lang: str) -> str:
    """The figure a target is judged on: '88%', or '+12' for an NPS target."""
    if row.is_nps:
        return points(row.result.estimate, lang)
    return percentage(round_half_up(100 * row.result.estimate), lang)


def target_interval(row: Target, lang: str) -> str:
    if row.is_nps:
        return f"{points(row.result.low, lang)}{DASH}{points(row.result.high, lang)}"
    return percent_interval(row.result, lang)


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
