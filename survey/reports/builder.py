"""Weighting and estimates: cell tables in, the typed report data out (no database).

Every figure comes from survey.stats. Suppressed cells become ``data.Suppressed``, which
holds only n and the flag, so no renderer can show a number from them.
"""

from __future__ import annotations

import math

import pandas as pd
from babel.dates import format_date

from survey.domain.channels import CONTACT_CHANNELS
from survey.domain.scrub import scrub
from survey.reports import data as d
from survey.reports import display, follow_up_build, texts
from survey.reports.inputs import COMMENTS, ReportInput
from survey.reports.period import AMSTERDAM, label
from survey.reports.weighting import (
    TRIM_FACTOR,
    MonthWeights,
    mean,
    month_weights,
    nps,
    share,
    summarise,
)
from survey.stats import at_least, below, compare_nps, compare_proportions, reliability_of

SIGNIFICANCE = 0.05
SUPPRESS_BELOW = display.SUPPRESS_BELOW


def _shown(estimate) -> bool:
    return estimate is not None and reliability_of(estimate) != "suppressed"


def change(a, b, compare) -> d.Change | None:
    """a - b with its interval and significance, only when both may be shown."""
    if not (_shown(a) and _shown(b)):
        return None
    result = compare(a, b)
    significant = bool(below(result.p, SIGNIFICANCE)) if not math.isnan(result.p) else False
    return d.Change(
        difference=d.number(result.difference),
        low=d.number(result.low),
        high=d.number(result.high),
        p=d.number(result.p),
        significant=significant,
    )


def target_status(target: dict, estimate) -> d.Target:
    fields = dict(
        question=target["question"],
        channel=target["channel"],
        share=float(target["share"]),
        label=target["label"],
        measure=target.get("measure", "satisfied"),
    )
    if estimate is None:
        return d.Target(**fields, status="no_data")
    if reliability_of(estimate) == "suppressed":
        return d.Target(**fields, status="suppressed")
    result = d.TargetResult(
        estimate=d.number(estimate.estimate),
        low=d.number(estimate.low),
        high=d.number(estimate.high),
        n=int(estimate.n),
        certain=bool(
            at_least(estimate.low, target["share"]) or below(estimate.high, target["share"])
        ),
        reliability=reliability_of(estimate),
    )
    status = "met" if at_least(estimate.estimate, target["share"]) else "not_met"
    return d.Target(**fields, status=status, result=result)


def channel_target(targets: list[dict], channel: str) -> dict | None:
    """The satisfied-share target that applies to a channel: its own target wins over an
    all-channels one, whatever order they were created in (the newest of each kind). NPS
    and yes-share targets are judged in the summary only."""
    satisfied = [
        t for t in targets if t.get("measure", "satisfied") == "satisfied" and not t["question"]
    ]
    own = [t for t in satisfied if t["channel"] == channel]
    general = [t for t in satisfied if t["channel"] is None]
    return (own or general or [None])[-1]


class _Month:
    """The estimates of one month of the window."""

    def __init__(self, inp: ReportInput, index: int):
        self.sat = inp.satisfaction[inp.satisfaction["month_index"] == index]
        self.nps = inp.nps[inp.nps["month_index"] == index] if not inp.nps.empty else inp.nps
        self.grades = (
            inp.grades[inp.grades["month_index"] == index] if not inp.grades.empty else inp.grades
        )
        self.weights: MonthWeights = month_weights(self.sat, inp.volumes[index])

    def _of(self, frame: pd.DataFrame, channel: str | None) -> pd.DataFrame:
        return frame if channel is None or frame.empty else frame[frame["channel"] == channel]

    def satisfied(self, channel=None):
        return share(self._of(self.sat, channel), self.weights)

    def nps_estimate(self, channel=None):
        return nps(self._of(self.nps, channel), self.weights)

    def grade(self, channel=None):
        return mean(self._of(self.grades, channel), self.weights)

    def responses(self, channel=None) -> int:
        return int(self._of(self.sat, channel)["count"].sum())


def _yes_share(inp: ReportInput, weights: MonthWeights, question: str, channel: str | None):
    frame = inp.yes_no[inp.yes_no["question"] == question] if not inp.yes_no.empty else inp.yes_no
    if channel is not None and not frame.empty:
        frame = frame[frame["channel"] == channel]
    if frame.empty:
        return None
    frame = frame.assign(yes=frame["option"].map({"yes": 1.0, "no": 0.0}))
    return share(frame, weights, "yes")


def _channels(inp: ReportInput, months: list[_Month]) -> list[str]:
    present = set(months[-1].sat["channel"]) | set(inp.volumes[-1])
    return [c for c in CONTACT_CHANNELS if c in present]


def build(inp: ReportInput) -> d.ReportData:
    """The whole monthly report as typed data (survey.reports.data)."""
    lang = inp.language
    months = [_Month(inp, i) for i in range(len(inp.months))]
    cur, prev, year = months[-1], months[-2], months[0]
    channels = _channels(inp, months)

    def target_estimate(target):
        if target.get("measure") == "nps":
            return cur.nps_estimate(target["channel"])
        if target["question"]:
            return _yes_share(inp, cur.weights, target["question"], target["channel"])
        return cur.satisfied(target["channel"])

    satisfied = cur.satisfied()
    nps_now = cur.nps_estimate()
    summary = d.Summary(
        responses=cur.responses(),
        satisfied=summarise(satisfied),
        nps=summarise(nps_now),
        nps_channels=tuple(sorted(set(cur.nps["channel"]))) if not cur.nps.empty else (),
        satisfied_changes=d.Changes(
            previous=change(satisfied, prev.satisfied(), compare_proportions),
            last_year=change(satisfied, year.satisfied(), compare_proportions),
        ),
        nps_changes=d.Changes(
            previous=change(nps_now, prev.nps_estimate(), compare_nps),
            last_year=change(nps_now, year.nps_estimate(), compare_nps),
        ),
        targets=tuple(target_status(t, target_estimate(t)) for t in inp.targets),
    )
    channel_rows = []
    for channel in channels:
        est = cur.satisfied(channel)
        target = channel_target(inp.targets, channel)
        contacts = inp.volumes[-1].get(channel)
        channel_rows.append(
            d.ChannelRow(
                channel=channel,
                name=texts.channel_name(channel, lang),
                responses=cur.responses(channel),
                contacts=None if contacts is None else int(contacts),
                satisfied=summarise(est),
                nps=summarise(cur.nps_estimate(channel)),
                grade=summarise(cur.grade(channel)),
                change_previous=change(est, prev.satisfied(channel), compare_proportions),
                change_last_year=change(est, year.satisfied(channel), compare_proportions),
                target=None if target is None else target_status(target, est),
            )
        )
    return d.ReportData(
        meta=d.Meta(
            organisation=d.Organisation(inp.organisation["slug"], inp.organisation["name"]),
            month=label(inp.month),
            month_name=texts.month_name(inp.month, lang),
            language=lang,
            weighted=cur.weights.calibrated,
            left_out=inp.left_out,
        ),
        summary=summary,
        channels=tuple(channel_rows),
        trend=_trend(inp, months, channels),
        breakdowns=_breakdowns(inp, cur.weights),
        heatmap=_heatmap(inp, cur.weights),
        reasons=_reasons(inp),
        website=_website(inp, cur),
        comments=_comments(inp, cur),
        method=_method(inp, cur, channels),
        funnel=inp.funnel,
        not_applicable=_not_applicable(inp),
        follow_up=follow_up_build.build(inp.follow_up, lang, inp.names.get("unit", {})),
    )


def _not_applicable(inp: ReportInput) -> tuple[d.NotApplicableRow, ...]:
    """Per yes/no/n.v.t. question: how many answered and how many of them said n.v.t.
    (respondents, unweighted; counts of a cell below the threshold are not shown)."""
    frame = inp.yes_no
    if frame.empty:
        return ()
    rows = []
    for question, group in frame.groupby("question"):
        answered = int(group["count"].sum())
        na = int(group.loc[group["option"] == "na", "count"].sum())
        small = answered < SUPPRESS_BELOW
        text = inp.labels.get(("question", question), {})
        rows.append(
            d.NotApplicableRow(
                question=str(question),
                label=text.get(inp.language) or text.get("nl") or str(question),
                answered=answered,
                na=None if small else na,
                share=None if small else na / answered,
            )
        )
    return tuple(rows)


def _trend(inp: ReportInput, months: list[_Month], channels: list[str]) -> d.Trend:
    lang = inp.language
    rows = [
        d.TrendRow(
            channel=None,
            name=texts.word("all_channels", lang),
            points=tuple(summarise(m.satisfied()) for m in months),
        )
    ]
    for channel in channels:
        rows.append(
            d.TrendRow(
                channel=channel,
                name=texts.channel_name(channel, lang),
                points=tuple(summarise(m.satisfied(channel)) for m in months),
            )
        )
    return d.Trend(
        months=tuple(label(m) for m in inp.months),
        labels=tuple(texts.month_short(m, lang) for m in inp.months),
        weighted=tuple(m.weights.calibrated for m in months),
        rows=tuple(rows),
    )


def _breakdowns(inp: ReportInput, weights: MonthWeights) -> d.Breakdowns:
    result = {}
    frame = inp.breakdown
    for dim in d.DIMENSIONS:
        column = f"{dim}_id"
        rows = []
        part = frame[frame[column].notna()] if not frame.empty else frame
        for key, group in part.groupby(column) if not part.empty else []:
            rows.append(
                d.BreakdownRow(
                    name=inp.names.get(dim, {}).get(int(key), str(key)),
                    responses=int(group["count"].sum()),
                    satisfied=summarise(share(group, weights)),
                )
            )
        result[dim] = tuple(sorted(rows, key=lambda r: r.name))
    return d.Breakdowns(**result)


def _heatmap(inp: ReportInput, weights: MonthWeights) -> d.Heatmap:
    volume = [[0] * 24 for _ in range(7)]
    satisfied: list[list[float | None]] = [[None] * 24 for _ in range(7)]
    frame = inp.hours
    if not frame.empty:
        for (day, hour), group in frame.groupby(["weekday", "hour"]):
            volume[int(day)][int(hour)] = int(group["count"].sum())
            est = summarise(share(group, weights))
            if isinstance(est, d.Estimate):
                satisfied[int(day)][int(hour)] = est.estimate
    return d.Heatmap(
        volume=tuple(tuple(r) for r in volume),
        satisfied=tuple(tuple(r) for r in satisfied),
        days=tuple(texts.WEEKDAYS[inp.language]),
    )


def _label(inp: ReportInput, question: str, option: str) -> str:
    if option == "other":
        return texts.word("other", inp.language)
    text = inp.labels.get((question, option), {})
    return text.get(inp.language) or text.get("nl") or option


def _reasons(inp: ReportInput) -> d.Reasons:
    base = int(inp.reason_bases["respondents"].sum()) if not inp.reason_bases.empty else 0
    if base < SUPPRESS_BELOW:
        return d.Reasons(respondents=base, suppressed=base > 0)
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for row in inp.reasons.itertuples():
        counts[row.option] = counts.get(row.option, 0) + int(row.count)
        labels.setdefault(row.option, _label(inp, row.question, row.option))
    rows = tuple(
        d.ReasonRow(option=o, label=labels[o], count=c, share=c / base)
        for o, c in sorted(counts.items(), key=lambda kv: (-kv[1], labels[kv[0]]))
    )
    return d.Reasons(respondents=base, suppressed=False, rows=rows)


def _website(inp: ReportInput, cur: _Month) -> d.Website:
    shown = cur.responses("website") >= SUPPRESS_BELOW
    pages: list[d.Page | d.SuppressedPage] = []
    for row in inp.pages.itertuples() if shown else []:
        if row.responses < SUPPRESS_BELOW:
            pages.append(d.SuppressedPage(page=str(row.page)))
        else:
            pages.append(
                d.Page(
                    page=str(row.page),
                    responses=int(row.responses),
                    not_helped=int(row.not_helped),
                )
            )
    searched = tuple(
        d.Searched(text=scrub(str(r.text), inp.language), count=int(r.count))
        for r in (inp.searched.itertuples() if shown else [])
    )
    return d.Website(shown=shown, pages=tuple(pages), searched=searched)


def _comments(inp: ReportInput, cur: _Month) -> tuple[d.Comment, ...]:
    rows = []
    for row in inp.comments.itertuples():
        if cur.responses(row.channel) < SUPPRESS_BELOW:
            continue  # nothing from a suppressed cell
        moment = pd.Timestamp(row.submitted_at)
        moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment
        rows.append(
            d.Comment(
                channel=row.channel,
                name=texts.channel_name(row.channel, inp.language),
                date=format_date(moment.tz_convert(AMSTERDAM).date(), locale=inp.language),
                text=scrub(str(row.text), inp.language),
            )
        )
        if len(rows) == COMMENTS:
            break
    return tuple(rows)


def _method(inp: ReportInput, cur: _Month, channels: list[str]) -> d.Method:
    weights = cur.weights
    return d.Method(
        calibrated=weights.calibrated,
        trimmed=weights.trimmed,
        trim_factor=TRIM_FACTOR,
        note=weights.note,
        missing_volumes=tuple(texts.channel_name(c, inp.language) for c in weights.missing_volumes),
        channels=tuple(
            d.MethodChannel(
                channel=c,
                name=texts.channel_name(c, inp.language),
                contacts=None if inp.volumes[-1].get(c) is None else int(inp.volumes[-1][c]),
                responses=cur.responses(c),
            )
            for c in channels
        ),
    )
