"""Weighting and estimates: cell tables in, a plain report data structure out (no database).

Every figure comes from survey.stats. Suppressed cells keep only their n and the flag
"suppressed", so no renderer can show a number from them.
"""

from __future__ import annotations

import math

import pandas as pd
from babel.dates import format_date

from survey.domain.channels import CONTACT_CHANNELS
from survey.domain.scrub import scrub
from survey.reports import texts
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
from survey.stats import compare_nps, compare_proportions, reliability_of

SIGNIFICANCE = 0.05
SUPPRESS_BELOW = 10


def _shown(estimate) -> bool:
    return estimate is not None and reliability_of(estimate) != "suppressed"


def change(a, b, compare) -> dict | None:
    """a - b with its interval and significance, only when both may be shown."""
    if not (_shown(a) and _shown(b)):
        return None
    result = compare(a, b)
    significant = bool(result.p < SIGNIFICANCE) if not math.isnan(result.p) else False
    return {
        "difference": result.difference,
        "low": result.low,
        "high": result.high,
        "p": result.p,
        "significant": significant,
    }


def _target_status(target: dict, estimate) -> dict:
    row = dict(target)
    if estimate is None:
        row["status"] = "no_data"
    elif reliability_of(estimate) == "suppressed":
        row["status"] = "suppressed"
    else:
        row.update(
            status="met" if estimate.estimate >= target["share"] else "not_met",
            estimate=estimate.estimate,
            low=estimate.low,
            high=estimate.high,
            n=estimate.n,
            certain=bool(estimate.low >= target["share"] or estimate.high < target["share"]),
            reliability=reliability_of(estimate),
        )
    return row


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


def build(inp: ReportInput) -> dict:
    """The whole monthly report as plain, JSON-ready data."""
    lang = inp.language
    months = [_Month(inp, i) for i in range(len(inp.months))]
    cur, prev, year = months[-1], months[-2], months[0]
    channels = _channels(inp, months)

    def target_estimate(target):
        if target["question"]:
            return _yes_share(inp, cur.weights, target["question"], target["channel"])
        return cur.satisfied(target["channel"])

    satisfied = cur.satisfied()
    nps_now = cur.nps_estimate()
    summary = {
        "responses": cur.responses(),
        "satisfied": summarise(satisfied),
        "nps": summarise(nps_now),
        "nps_channels": sorted(set(cur.nps["channel"])) if not cur.nps.empty else [],
        "changes": {
            "satisfied": {
                "previous": change(satisfied, prev.satisfied(), compare_proportions),
                "last_year": change(satisfied, year.satisfied(), compare_proportions),
            },
            "nps": {
                "previous": change(nps_now, prev.nps_estimate(), compare_nps),
                "last_year": change(nps_now, year.nps_estimate(), compare_nps),
            },
        },
        "targets": [_target_status(t, target_estimate(t)) for t in inp.targets],
    }
    channel_rows = []
    for channel in channels:
        est = cur.satisfied(channel)
        applicable = [
            t for t in inp.targets if t["question"] is None and t["channel"] in (None, channel)
        ]
        channel_rows.append(
            {
                "channel": channel,
                "name": texts.channel_name(channel, lang),
                "responses": cur.responses(channel),
                "contacts": inp.volumes[-1].get(channel),
                "satisfied": summarise(est),
                "nps": summarise(cur.nps_estimate(channel)),
                "grade": summarise(cur.grade(channel)),
                "change_previous": change(est, prev.satisfied(channel), compare_proportions),
                "change_last_year": change(est, year.satisfied(channel), compare_proportions),
                "target": _target_status(applicable[-1], est) if applicable else None,
            }
        )
    data = {
        "meta": {
            "organisation": inp.organisation,
            "month": label(inp.month),
            "month_name": texts.month_name(inp.month, lang),
            "language": lang,
            "weighted": cur.weights.calibrated,
        },
        "summary": summary,
        "channels": channel_rows,
        "trend": _trend(inp, months, channels),
        "breakdowns": _breakdowns(inp, cur.weights),
        "heatmap": _heatmap(inp, cur.weights),
        "reasons": _reasons(inp),
        "website": _website(inp, cur),
        "comments": _comments(inp, cur),
        "method": _method(inp, cur, channels),
    }
    return clean(data)


def _trend(inp: ReportInput, months: list[_Month], channels: list[str]) -> dict:
    lang = inp.language
    rows = [
        {
            "channel": None,
            "name": texts.word("all_channels", lang),
            "points": [summarise(m.satisfied()) for m in months],
        }
    ]
    for channel in channels:
        rows.append(
            {
                "channel": channel,
                "name": texts.channel_name(channel, lang),
                "points": [summarise(m.satisfied(channel)) for m in months],
            }
        )
    return {
        "months": [label(m) for m in inp.months],
        "labels": [texts.month_short(m, lang) for m in inp.months],
        "weighted": [m.weights.calibrated for m in months],
        "rows": rows,
    }


def _breakdowns(inp: ReportInput, weights: MonthWeights) -> dict:
    result = {}
    frame = inp.breakdown
    for dim in ("location", "unit", "topic"):
        column = f"{dim}_id"
        rows = []
        part = frame[frame[column].notna()] if not frame.empty else frame
        for key, group in part.groupby(column) if not part.empty else []:
            rows.append(
                {
                    "name": inp.names.get(dim, {}).get(int(key), str(key)),
                    "responses": int(group["count"].sum()),
                    "satisfied": summarise(share(group, weights)),
                }
            )
        result[dim] = sorted(rows, key=lambda r: r["name"])
    return result


def _heatmap(inp: ReportInput, weights: MonthWeights) -> dict:
    volume = [[0] * 24 for _ in range(7)]
    satisfied: list[list[float | None]] = [[None] * 24 for _ in range(7)]
    frame = inp.hours
    if not frame.empty:
        for (day, hour), group in frame.groupby(["weekday", "hour"]):
            volume[int(day)][int(hour)] = int(group["count"].sum())
            est = summarise(share(group, weights))
            if est is not None and est["reliability"] != "suppressed":
                satisfied[int(day)][int(hour)] = est["estimate"]
    return {"volume": volume, "satisfied": satisfied, "days": texts.WEEKDAYS[inp.language]}


def _label(inp: ReportInput, question: str, option: str) -> str:
    if option == "other":
        return texts.word("other", inp.language)
    text = inp.labels.get((question, option), {})
    return text.get(inp.language) or text.get("nl") or option


def _reasons(inp: ReportInput) -> dict:
    base = int(inp.reason_bases["respondents"].sum()) if not inp.reason_bases.empty else 0
    if base < SUPPRESS_BELOW:
        return {"respondents": base, "suppressed": base > 0, "rows": []}
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for row in inp.reasons.itertuples():
        counts[row.option] = counts.get(row.option, 0) + int(row.count)
        labels.setdefault(row.option, _label(inp, row.question, row.option))
    rows = [
        {"option": o, "label": labels[o], "count": c, "share": c / base}
        for o, c in sorted(counts.items(), key=lambda kv: (-kv[1], labels[kv[0]]))
    ]
    return {"respondents": base, "suppressed": False, "rows": rows}


def _website(inp: ReportInput, cur: _Month) -> dict:
    shown = cur.responses("website") >= SUPPRESS_BELOW
    pages = []
    for row in inp.pages.itertuples() if shown else []:
        if row.responses < SUPPRESS_BELOW:
            pages.append({"page": row.page, "suppressed": True})
        else:
            pages.append(
                {
                    "page": row.page,
                    "suppressed": False,
                    "responses": int(row.responses),
                    "not_helped": int(row.not_helped),
                }
            )
    searched = [
        {"text": scrub(str(r.text), inp.language), "count": int(r.count)}
        for r in (inp.searched.itertuples() if shown else [])
    ]
    return {"shown": shown, "pages": pages, "searched": searched}


def _comments(inp: ReportInput, cur: _Month) -> list[dict]:
    rows = []
    for row in inp.comments.itertuples():
        if cur.responses(row.channel) < SUPPRESS_BELOW:
            continue  # nothing from a suppressed cell
        moment = pd.Timestamp(row.submitted_at)
        moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment
        rows.append(
            {
                "channel": row.channel,
                "name": texts.channel_name(row.channel, inp.language),
                "date": format_date(moment.tz_convert(AMSTERDAM).date(), locale=inp.language),
                "text": scrub(str(row.text), inp.language),
            }
        )
        if len(rows) == COMMENTS:
            break
    return rows


def _method(inp: ReportInput, cur: _Month, channels: list[str]) -> dict:
    weights = cur.weights
    return {
        "calibrated": weights.calibrated,
        "trimmed": weights.trimmed,
        "trim_factor": TRIM_FACTOR,
        "note": weights.note,
        "missing_volumes": [texts.channel_name(c, inp.language) for c in weights.missing_volumes],
        "channels": [
            {
                "channel": c,
                "name": texts.channel_name(c, inp.language),
                "contacts": inp.volumes[-1].get(c),
                "responses": cur.responses(c),
            }
            for c in channels
        ],
    }


def clean(value):
    """JSON-ready: numpy scalars to Python numbers, NaN and infinities to None."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
