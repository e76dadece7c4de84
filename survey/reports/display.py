"""How report figures are written: half-up rounding, intervals, flags, changes."""

from __future__ import annotations

from survey.reports import texts
from survey.reports.data import Change, Figure, Suppressed, Target, TargetResult
from survey.stats import round_half_up, round_percent

DASH = "–"


def suppressed(est) -> bool:
    return isinstance(est, Suppressed)


def percent(est: Figure, lang: str) -> str:
    if est is None:
        return DASH
    if suppressed(est):
        return texts.word("suppressed", lang)
    return f"{round_percent(est.estimate)}%"


def unweighted_percent(est: Figure, lang: str) -> str:
    if est is None:
        return DASH
    if suppressed(est):
        return texts.word("suppressed", lang)
    return f"{round_percent(est.unweighted)}%"


def percent_interval(est: Figure | TargetResult) -> str:
    if est is None or suppressed(est):
        return DASH
    return f"{round_percent(est.low)}{DASH}{round_percent(est.high)}%"


def points(value: float) -> str:
    number = round_half_up(value)
    return f"+{number}" if number > 0 else f"{number}"


def nps(est: Figure, lang: str) -> str:
    if est is None:
        return DASH
    if suppressed(est):
        return texts.word("suppressed", lang)
    return points(est.estimate)


def nps_interval(est: Figure, lang: str) -> str:
    if est is None or suppressed(est) or est.low is None:
        return DASH
    to = "to" if lang == "en" else "tot"
    return f"{points(est.low)} {to} {points(est.high)}"


def grade(est: Figure, lang: str) -> str:
    if est is None:
        return DASH
    if suppressed(est):
        return texts.word("suppressed", lang)
    text = f"{round_half_up(est.estimate, 1):.1f}"
    return text.replace(".", ",") if lang == "nl" else text


def n_eff(est: Figure) -> str:
    if est is None or suppressed(est):
        return DASH
    return f"{round_half_up(est.n_eff)}"


def n(est: Figure, lang: str) -> str:
    if est is None:
        return "0"
    if suppressed(est):
        return texts.word("less_than_10", lang)
    return f"{est.n}"


def flag(est: Figure, lang: str) -> str:
    if est is None:
        return texts.word("no_data", lang)
    return texts.word(est.reliability, lang)


def change(delta: Change | None, share: bool = True) -> str:
    """'+3 pt *' for shares (points of percentage), '+5 *' for NPS; '–' when not shown."""
    if delta is None:
        return DASH
    value = 100 * delta.difference if share else delta.difference
    text = points(value) + (" pt" if share else "")
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
