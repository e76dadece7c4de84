"""The report's tables as XLSX (one sheet per table) and CSV; raw responses as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

from survey.reports import display, texts
from survey.reports.data import Change, Figure, ReportData, SuppressedPage
from survey.stats import round_half_up, round_percent

Table = tuple[list[str], list[list]]


def _pct(est, key: str, lang: str):
    if est is None:
        return None
    if display.suppressed(est):
        return texts.word("suppressed", lang)
    value = getattr(est, key)
    return None if value is None else round_percent(value)


def _num(est: Figure, key: str, lang: str, digits: int = 0):
    if est is None:
        return None
    if display.suppressed(est):
        return texts.word("suppressed", lang)
    value = getattr(est, key)
    return None if value is None else round_half_up(value, digits)


def _change(delta: Change | None, scale: float):
    return None if delta is None else round_half_up(scale * delta.difference)


def _reliability(est: Figure):
    return None if est is None else est.reliability


def tables(data: ReportData) -> dict[str, Table]:
    """Every table of the report as (headers, rows), numbers rounded as in the PDF."""
    lang = data.meta.language
    w = lambda key: texts.word(key, lang)  # noqa: E731
    s = data.summary
    result: dict[str, Table] = {}
    headers = [
        "measure",
        "estimate",
        "low",
        "high",
        "n",
        "n_eff",
        "unweighted",
        "reliability",
        "change_previous",
        "significant_previous",
        "change_last_year",
        "significant_last_year",
        "weighted",
    ]
    rows = []
    for key, scale, fmt in (("satisfied", 100, _pct), ("nps", 1, _num)):
        est, changes = s.measure(key)
        prev, year = changes.previous, changes.last_year
        rows.append(
            [
                key,
                fmt(est, "estimate", lang),
                fmt(est, "low", lang),
                fmt(est, "high", lang),
                None if est is None else est.n,
                _num(est, "n_eff", lang),
                fmt(est, "unweighted", lang),
                _reliability(est),
                _change(prev, scale),
                None if prev is None else prev.significant,
                _change(year, scale),
                None if year is None else year.significant,
                data.meta.weighted,
            ]
        )
    result["summary"] = (headers, rows)
    result["targets"] = (
        ["target", "share", "estimate", "low", "high", "status"],
        [
            [
                t.label,
                round_percent(t.share),
                _pct(t.result, "estimate", lang),
                _pct(t.result, "low", lang),
                _pct(t.result, "high", lang),
                t.status,
            ]
            for t in s.targets
        ],
    )
    result["channels"] = (
        [
            "channel",
            "responses",
            "contacts",
            "n_eff",
            "satisfied_weighted",
            "low",
            "high",
            "satisfied_unweighted",
            "nps",
            "mean_grade",
            "change_previous",
            "significant",
            "target",
            "reliability",
        ],
        [
            [
                r.name,
                r.responses,
                r.contacts,
                _num(r.satisfied, "n_eff", lang),
                _pct(r.satisfied, "estimate", lang),
                _pct(r.satisfied, "low", lang),
                _pct(r.satisfied, "high", lang),
                _pct(r.satisfied, "unweighted", lang),
                _num(r.nps, "estimate", lang),
                _num(r.grade, "estimate", lang, 1),
                _change(r.change_previous, 100),
                None if r.change_previous is None else r.change_previous.significant,
                None if r.target is None else r.target.status,
                _reliability(r.satisfied),
            ]
            for r in data.channels
        ],
    )
    trend = data.trend
    result["trend"] = (
        ["channel"] + list(trend.months),
        [[r.name] + [_pct(p, "estimate", lang) for p in r.points] for r in trend.rows],
    )
    for dim in ("location", "unit", "topic"):
        result[dim] = (
            [dim, "responses", "satisfied_weighted", "low", "high", "reliability"],
            [
                [
                    r.name,
                    r.responses,
                    _pct(r.satisfied, "estimate", lang),
                    _pct(r.satisfied, "low", lang),
                    _pct(r.satisfied, "high", lang),
                    _reliability(r.satisfied),
                ]
                for r in data.breakdowns.of(dim)
            ],
        )
    heat = data.heatmap
    result["hours"] = (
        ["weekday", "hour", "responses", "satisfied"],
        [
            [
                heat.days[d],
                h,
                heat.volume[d][h],
                None if heat.satisfied[d][h] is None else round_percent(heat.satisfied[d][h]),
            ]
            for d in range(7)
            for h in range(24)
            if heat.volume[d][h]
        ],
    )
    reasons = data.reasons
    result["reasons"] = (
        ["reason", "count", "share_of_respondents", "respondents"],
        [[r.label, r.count, round_percent(r.share), reasons.respondents] for r in reasons.rows],
    )
    site = data.website
    result["pages"] = (
        ["page", "not_helped", "responses"],
        [
            [p.page, w("suppressed"), None]
            if isinstance(p, SuppressedPage)
            else [p.page, p.not_helped, p.responses]
            for p in site.pages
        ],
    )
    result["searched"] = (["text", "count"], [[r.text, r.count] for r in site.searched])
    result["comments"] = (
        ["channel", "date", "text"],
        [[c.name, c.date, c.text] for c in data.comments],
    )
    result["method"] = (
        ["channel", "contacts", "responses"],
        [[r.name, r.contacts, r.responses] for r in data.method.channels],
    )
    return result


def xlsx(data: ReportData) -> bytes:
    """One sheet per table."""
    book = Workbook()
    book.remove(book.active)
    for name, (headers, rows) in tables(data).items():
        sheet = book.create_sheet(name[:31])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(headers: list[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def table_csv(data: ReportData, name: str) -> str:
    """One table of the report as CSV; KeyError for an unknown table."""
    headers, rows = tables(data)[name]
    return csv_text(headers, rows)
