"""The staff dashboard's figures for a period and filters, as report data.

The dashboard is made of the same typed ``ReportData`` as the monthly report, so its tiles,
sentences (survey.reports.story) and charts (survey.reports.charts) are the report's own.
Figures come from the cached month cells (dashboard_cells): each month weighted to its own
contact volumes, the months of a period pooled, estimates from counted cells
(survey.stats.proportion_from_counts, equal to the report's estimates on expanded rows).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from survey.domain.channels import CONTACT_CHANNELS
from survey.reports import data as d
from survey.reports import texts
from survey.reports.builder import SUPPRESS_BELOW, change, channel_target, target_status
from survey.reports.dashboard_cells import MonthCells, cached_index
from survey.reports.inputs import dimension_names, month_targets
from survey.reports.periods import Period
from survey.reports.weighting import summarise
from survey.reports.window import Filters, Window
from survey.stats import compare_nps, compare_proportions

SPARK_PERIODS = 13


def build(
    org, period: Period, filters: Filters, language: str, today: date, monthly_trend=False
) -> d.ReportData:
    """The dashboard's report data for one period and filters (no comments: see
    survey.services.dashboard.comments, for analysts). With ``monthly_trend`` the trend is
    the period's own months (a year report: its 12 months) instead of 13 periods."""
    index = cached_index(org.id)
    now = Window(org.id, period, today, index)
    before = Window(org.id, period.shifted(-1), today, index)
    year = Window(org.id, period.year_before(), today, index)
    present = set()
    for cells in now.months:
        if not cells.responses.empty:
            present |= set(cells.responses["channel"])
        present |= set(cells.volumes)
    channels = [c for c in CONTACT_CHANNELS if c in present]
    if filters.channel is not None:
        channels = [c for c in channels if c == filters.channel]
    targets = [
        t
        for t in month_targets(org.id, period.last, language)
        if t.get("measure", "satisfied") == "satisfied" and t["question"] is None
    ]

    satisfied = now.estimate(filters)
    nps_now = now.scores("nps", filters)
    summary = d.Summary(
        responses=now.responses(filters),
        satisfied=summarise(satisfied),
        nps=summarise(nps_now),
        nps_channels=now.asked("nps", filters),
        satisfied_changes=d.Changes(
            previous=change(satisfied, before.estimate(filters), compare_proportions),
            last_year=change(satisfied, year.estimate(filters), compare_proportions),
        ),
        nps_changes=d.Changes(
            previous=change(nps_now, before.scores("nps", filters), compare_nps),
            last_year=change(nps_now, year.scores("nps", filters), compare_nps),
        ),
        targets=tuple(
            target_status(t, now.estimate(filters, t["channel"]))
            for t in targets
            if filters.channel is None or t["channel"] in (None, filters.channel)
        ),
    )
    rows = []
    for channel in channels:
        est = now.estimate(filters, channel)
        target = channel_target(targets, channel)
        rows.append(
            d.ChannelRow(
                channel=channel,
                name=texts.channel_name(channel, language),
                responses=now.responses(filters, channel),
                contacts=now.contacts(channel),
                satisfied=summarise(est),
                nps=summarise(now.scores("nps", filters, channel)),
                grade=summarise(now.scores("grade", filters, channel)),
                change_previous=change(est, before.estimate(filters, channel), compare_proportions),
                change_last_year=change(est, year.estimate(filters, channel), compare_proportions),
                target=None if target is None else target_status(target, est),
            )
        )
    return d.ReportData(
        meta=d.Meta(
            organisation=d.Organisation(org.slug, org.name),
            month=period.at(),
            month_name=period.label(language),
            language=language,
            weighted=now.weighted,
        ),
        summary=summary,
        channels=tuple(rows),
        trend=_trend(
            org.id, period, filters, channels, language, today, index, now, monthly_trend
        ),
        breakdowns=_breakdowns(org.id, now, filters, language),
        heatmap=d.Heatmap(
            tuple((0,) * 24 for _ in range(7)),
            tuple((None,) * 24 for _ in range(7)),
            tuple(texts.WEEKDAYS[language]),
        ),
        reasons=_reasons(now, filters, index, language),
        website=_website(now, filters),
        comments=(),
        method=d.Method(
            calibrated=now.weighted,
            trimmed=any(c.weights.trimmed for c in now.months),
            trim_factor=5.0,
            note=None,
            missing_volumes=(),
            channels=tuple(
                d.MethodChannel(
                    c, texts.channel_name(c, language), now.contacts(c), now.responses(filters, c)
                )
                for c in channels
            ),
        ),
    )


def trend_periods(period: Period, monthly_trend: bool = False) -> list[Period]:
    """The periods of a view's trend: the 13 periods up to this one, or its own months."""
    if monthly_trend:
        return [Period("month", m, m) for m in period.months()]
    return [period.shifted(k) for k in range(-SPARK_PERIODS + 1, 1)]


def _trend(org_id, period, filters, channels, language, today, index, now, monthly_trend):
    periods = trend_periods(period, monthly_trend)
    windows = [now if p == period else Window(org_id, p, today, index) for p in periods]
    # A year report's second line: the same months of the year before (cells of the
    # year before are read for its comparisons already).
    before = (
        [Window(org_id, p.year_before(), today, index) for p in periods]
        if monthly_trend and period.kind == "year"
        else []
    )

    def row(channel, name):
        return d.TrendRow(
            channel,
            name,
            tuple(summarise(w.estimate(filters, channel)) for w in windows),
            tuple(summarise(w.estimate(filters, channel)) for w in before),
        )

    rows = [row(None, texts.word("all_channels", language))]
    rows += [row(channel, texts.channel_name(channel, language)) for channel in channels]
    return d.Trend(
        months=tuple(w.period.at() for w in windows),
        labels=tuple(w.period.short(language) for w in windows),
        weighted=tuple(w.weighted for w in windows),
        rows=tuple(rows),
        legend=(period.label(language), period.year_before().label(language)) if before else (),
        month_names=tuple(texts.month_only(p.first, language) for p in periods) if before else (),
    )


def _breakdowns(org_id, now: Window, filters: Filters, language: str) -> d.Breakdowns:
    names = dimension_names(org_id, language)
    result = {}
    for dim in d.DIMENSIONS:
        column = f"{dim}_id"
        rows = [
            d.BreakdownRow(
                names.get(dim, {}).get(key, str(key)),
                now.responses(filters, None, column, key),
                summarise(now.estimate(filters, None, column, key)),
            )
            for key in now.keys(filters, column)
        ]
        result[dim] = tuple(sorted(rows, key=lambda r: r.name))
    return d.Breakdowns(**result)


def _month_reasons(cells: MonthCells, filters: Filters):
    """Counts per reason option, their questions and the base of one month (cached)."""
    key = ("reasons", filters)
    found = cells.derived.get(key)
    if found is None:
        bases = filters.apply(cells.reason_bases)
        base = int(bases["respondents"].sum()) if not bases.empty else 0
        frame = filters.apply(cells.reasons)
        counts: dict[str, int] = {}
        questions: dict[str, str] = {}
        if not frame.empty:
            grouped = frame.groupby(["option", "question"], as_index=False)["count"].sum()
            for option, question, count in grouped.itertuples(index=False):
                counts[option] = counts.get(option, 0) + int(count)
                questions.setdefault(option, question)
        found = (counts, questions, base)
        cells.derived[key] = found
    return found


def _reasons(now: Window, filters: Filters, index, language: str) -> d.Reasons:
    counts: dict[str, int] = {}
    questions: dict[str, str] = {}
    base = 0
    for cells in now.months:
        month_counts, month_questions, month_base = _month_reasons(cells, filters)
        base += month_base
        for option, count in month_counts.items():
            counts[option] = counts.get(option, 0) + count
            questions.setdefault(option, month_questions[option])
    if base < SUPPRESS_BELOW:
        return d.Reasons(respondents=base, suppressed=base > 0)

    def label(option):
        if option == "other":
            return texts.word("other", language)
        text = index.labels.get((questions[option], option), {})
        return text.get(language) or text.get("nl") or option

    rows = tuple(
        d.ReasonRow(option=o, label=label(o), count=c, share=c / base)
        for o, c in sorted(counts.items(), key=lambda kv: (-kv[1], label(kv[0])))
    )
    return d.Reasons(respondents=base, suppressed=False, rows=rows)


def _website(now: Window, filters: Filters, limit: int = 10) -> d.Website:
    if filters.channel not in (None, "website"):
        return d.Website(shown=False)
    if now.responses(filters, "website") < SUPPRESS_BELOW:
        return d.Website(shown=False)
    frames = [filters.apply(c.pages, channel=False) for c in now.months]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return d.Website(shown=True)
    pages = pd.concat(frames)
    pages["down"] = (
        np.where(pages["satisfied"].astype("boolean").fillna(True), 0, 1) * pages["count"]
    )
    grouped = pages.groupby("page").agg(responses=("count", "sum"), down=("down", "sum"))
    grouped = grouped.sort_values(["down", "responses"], ascending=False).head(limit)
    out: list[d.Page | d.SuppressedPage] = []
    for page, row in grouped.iterrows():
        if row["responses"] < SUPPRESS_BELOW:
            out.append(d.SuppressedPage(str(page)))
        else:
            out.append(d.Page(str(page), int(row["responses"]), int(row["down"])))
    return d.Website(shown=True, pages=tuple(out))
