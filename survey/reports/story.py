"""The report's first page in words: what the overall figure is, the channels, the largest
significant changes, targets and top reasons. Renderer-neutral: the PDF's first page and the
staff dashboard read the same sentences and tiles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from survey.reports import display, texts
from survey.reports.data import ChannelRow, Estimate, ReportData

TOP = 3


@dataclass(frozen=True)
class Tile:
    """One channel's headline: its satisfied share as written, interval, n, n_eff, flag."""

    channel: str
    name: str
    value: str
    interval: str
    n: str
    n_eff: str
    reliability: str  # the code: ok, indicative, suppressed, none
    flag: str  # the word
    target: str  # "" or the target's outcome in words
    # The NPS and average grade of the channel, only when the channel asked them, each with
    # its own n and reliability: ("NPS +40° (n = 20, indicatief)", ...).
    scores: tuple[str, ...] = ()


def score_lines(row: ChannelRow, lang: str) -> tuple[str, ...]:
    out = []
    for est, key, written in (
        (row.nps, "nps", display.nps),
        (row.grade, "grade_long", display.grade),
    ):
        if est is None:
            continue
        value = display.mark(written(est, lang), est)
        flag = display.flag(est, lang)
        out.append(f"{texts.word(key, lang)} {value} (n = {display.n(est, lang)}, {flag})")
    return tuple(out)


def _channel_value(row: ChannelRow, lang: str) -> str:
    sat, target = row.satisfied, row.target
    if isinstance(sat, Estimate) and target is not None and target.result is not None:
        return display.target_percent(sat.estimate, target.share, lang)
    return display.percent(sat, lang)


def tiles(data: ReportData) -> list[Tile]:
    lang = data.meta.language
    out = []
    for row in data.channels:
        sat = row.satisfied
        out.append(
            Tile(
                channel=row.channel,
                name=row.name,
                value=_channel_value(row, lang),
                interval=display.percent_interval(sat, lang),
                n=display.count(row.responses, lang),
                n_eff=display.n_eff(sat, lang),
                reliability="none" if sat is None else sat.reliability,
                flag=display.flag(sat, lang),
                target="" if row.target is None else display.target(row.target, lang),
                scores=score_lines(row, lang),
            )
        )
    return out


def overall_sentence(data: ReportData) -> str:
    """What the overall figure is: "Gewogen naar het aantal contacten per kanaal; de website
    is 74% van de contacten." (the channel with the most contacts)."""
    lang = data.meta.language
    if data.summary.responses == 0:
        return texts.word("nothing", lang)
    if not data.meta.weighted:
        return texts.word("story_unweighted", lang)
    counted = [(c.contacts, c.name) for c in data.method.channels if c.contacts]
    total = sum(n for n, _ in counted)
    if not total:
        return texts.word("weighted_note", lang)
    contacts, name = max(counted)
    return texts.word(
        "story_weighted", lang, channel=name, share=display.share_percent(contacts / total, lang)
    )


def mix(data: ReportData) -> list[tuple[str, str, int, float]]:
    """The channel mix behind the overall figure: (channel, name, contacts, share)."""
    counted = [(c.channel, c.name, c.contacts) for c in data.method.channels if c.contacts]
    total = sum(n for _, _, n in counted) or 1
    return [(code, name, n, n / total) for code, name, n in counted]


def monthly(data: ReportData) -> bool:
    """Whether the data is one calendar month (the monthly report, or a month's dashboard);
    else a quarter, a year or a range, whose comparisons are with periods."""
    return re.fullmatch(r"\d{4}-\d{2}", data.meta.month) is not None


def changes(data: ReportData, top: int = TOP) -> list[str]:
    """The largest significant changes of the satisfied share, in words, largest first."""
    lang = data.meta.language
    found = []
    summary = data.summary
    rows = [(texts.word("all_channels", lang), summary.satisfied_changes.previous, "prev")]
    rows.append((texts.word("all_channels", lang), summary.satisfied_changes.last_year, "year"))
    for row in data.channels:
        rows += [(row.name, row.change_previous, "prev"), (row.name, row.change_last_year, "year")]
    for name, change, when in rows:
        if change is None or not change.significant or change.difference is None:
            continue
        found.append((abs(change.difference), name, change.difference, when))
    found.sort(key=lambda item: (-item[0], item[1]))
    # A monthly report compares with last month; a dashboard period with the period before.
    is_monthly = monthly(data)
    out = []
    for _, name, difference, when in found[:top]:
        direction = "up" if difference > 0 else "down"
        points = display.number(abs(display.round_half_up(100 * difference)), lang)
        key = f"story_{direction}_{when}" + ("" if is_monthly else "_period")
        out.append(texts.word(key, lang, channel=name, points=points))
    return out


def targets(data: ReportData) -> list[str]:
    lang = data.meta.language
    out = []
    for t in data.summary.targets:
        value = display.target_value(t, lang) if t.result is not None else display.DASH
        out.append(f"{t.label}: {value}, {display.target(t, lang, short=False)}")
    return out


def reasons(data: ReportData, top: int = TOP) -> list[str]:
    lang = data.meta.language
    if data.reasons.suppressed or not data.reasons.rows:
        return []
    return [f"{r.label} ({display.share_percent(r.share, lang)})" for r in data.reasons.rows[:top]]


def nps_line(data: ReportData) -> str | None:
    """NPS only labelled with the channels that asked it, never a second headline."""
    lang = data.meta.language
    nps = data.summary.nps
    if nps is None or not data.summary.nps_channels:
        return None
    names = ", ".join(texts.channel_name(c, lang) for c in data.summary.nps_channels)
    value = display.mark(display.nps(nps, lang), nps)
    return texts.word("story_nps", lang, channels=names, value=value, n=display.n(nps, lang))
