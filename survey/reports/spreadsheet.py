"""The report's tables as XLSX (one sheet per table) and CSV; raw responses as CSV.

The tables speak the report's language: sheet names, column headers and flags are words
("indicatief", "ja"), never the builder's codes. Numbers stay numbers in the XLSX (the
spreadsheet program shows them in its own notation); in the CSV they are written in the
report's notation, and a Dutch CSV opens in Dutch Excel: `;` between fields, decimal comma,
UTF-8 with a byte order mark. The machine-readable CSV (comma, dot, codes) is the API's.
Every text cell passes `survey.safetext` (no control characters, no live formulas).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from babel.numbers import format_decimal, get_decimal_symbol
from openpyxl import Workbook
from openpyxl.styles import Font

from survey import safetext
from survey.reports import display, follow_up, funnel, texts
from survey.reports.data import Change, Figure, ReportData, SuppressedPage, Target
from survey.stats import round_half_up, round_percent

Table = tuple[list[str], list[list]]
BOM = "\ufeff"


def _pct(est, key: str, lang: str):
    if est is None:
        return None
    if display.suppressed(est):
        return texts.word("suppressed", lang)
    value = getattr(est, key)
    return None if value is None else round_percent(value)


def _nps(est, key: str, lang: str):
    """An NPS target's figure in points (shown only when the target's result is)."""
    if est is None:
        return None
    value = getattr(est, key)
    return None if value is None else round_half_up(value)


def _num(est: Figure, key: str, lang: str, digits: int = 0):
    if est is None:
        return None
    if display.suppressed(est):
        return texts.word("suppressed", lang)
    value = getattr(est, key)
    return None if value is None else round_half_up(value, digits)


def _change(delta: Change | None, scale: float):
    return None if delta is None else round_half_up(scale * delta.difference)


def _yes_no(value: bool | None, lang: str):
    return None if value is None else texts.word("yes" if value else "no", lang)


def _flag(est: Figure, lang: str):
    """The reliability of an estimate as a word ('betrouwbaar', 'indicatief', ...)."""
    return None if est is None else texts.word(est.reliability, lang)


def _status(row: Target | None, lang: str):
    """A target's outcome as a word ('gehaald', 'niet gehaald', ...)."""
    return None if row is None else texts.word(row.status, lang)


def _significant(delta: Change | None, lang: str):
    return None if delta is None else _yes_no(delta.significant, lang)


def tables(data: ReportData) -> dict[str, Table]:
    """Every table of the report as (headers, rows), numbers rounded as in the PDF.

    Keys are the tables' codes (used in download addresses); headers and values are
    words in the report's language.
    """
    lang = data.meta.language
    w = lambda key: texts.word(texts.period_key(key, data.meta.month), lang)  # noqa: E731
    s = data.summary
    result: dict[str, Table] = {}
    headers = [
        w("col_measure"),
        w("col_estimate"),
        w("col_low"),
        w("col_high"),
        w("n"),
        w("n_eff"),
        w("col_unweighted"),
        w("reliability"),
        w("col_change_previous"),
        w("col_significant_previous"),
        w("col_change_last_year"),
        w("col_significant_last_year"),
        w("col_weighted"),
    ]
    rows = []
    for key, scale, fmt in (("satisfied", 100, _pct), ("nps", 1, _num)):
        est, changes = s.measure(key)
        prev, year = changes.previous, changes.last_year
        rows.append(
            [
                w(key),
                fmt(est, "estimate", lang),
                fmt(est, "low", lang),
                fmt(est, "high", lang),
                None if est is None else display.count_value(est.n, lang),
                _num(est, "n_eff", lang),
                fmt(est, "unweighted", lang),
                _flag(est, lang),
                _change(prev, scale),
                _significant(prev, lang),
                _change(year, scale),
                _significant(year, lang),
                _yes_no(data.meta.weighted, lang),
            ]
        )
    result["summary"] = (headers, rows)
    result["targets"] = (
        [w("target"), w("col_share"), w("col_estimate"), w("col_low"), w("col_high"), w("result")],
        [
            [
                t.label,
                round_half_up(t.share) if t.is_nps else round_percent(t.share),
                *(
                    (_nps(t.result, k, lang) if t.is_nps else _pct(t.result, k, lang))
                    for k in ("estimate", "low", "high")
                ),
                _status(t, lang),
            ]
            for t in s.targets
        ],
    )
    result["channels"] = (
        [
            w("channel"),
            w("responses"),
            w("contacts"),
            w("n_eff"),
            w("col_satisfied_weighted"),
            w("col_low"),
            w("col_high"),
            w("col_satisfied_unweighted"),
            w("nps"),
            w("grade"),
            w("col_change_previous"),
            w("col_significant"),
            w("target"),
            w("reliability"),
            w("col_nps_reliability"),
            w("col_grade_reliability"),
        ],
        [
            [
                r.name,
                display.count_value(r.responses, lang),
                r.contacts,
                _num(r.satisfied, "n_eff", lang),
                _pct(r.satisfied, "estimate", lang),
                _pct(r.satisfied, "low", lang),
                _pct(r.satisfied, "high", lang),
                _pct(r.satisfied, "unweighted", lang),
                _num(r.nps, "estimate", lang),
                _num(r.grade, "estimate", lang, 1),
                _change(r.change_previous, 100),
                _significant(r.change_previous, lang),
                _status(r.target, lang),
                _flag(r.satisfied, lang),
                _flag(r.nps, lang),
                _flag(r.grade, lang),
            ]
            for r in data.channels
        ],
    )
    result["trend"] = _trend(data, w)
    for dim in ("location", "unit", "topic"):
        result[dim] = (
            [
                w(dim),
                w("responses"),
                w("col_satisfied_weighted"),
                w("col_low"),
                w("col_high"),
                w("reliability"),
            ],
            [
                [
                    r.name,
                    display.count_value(r.responses, lang),
                    _pct(r.satisfied, "estimate", lang),
                    _pct(r.satisfied, "low", lang),
                    _pct(r.satisfied, "high", lang),
                    _flag(r.satisfied, lang),
                ]
                for r in data.breakdowns.of(dim)
            ],
        )
    heat = data.heatmap
    result["hours"] = (
        [w("col_weekday"), w("hour"), w("responses"), w("col_satisfied")],
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
        [w("reason"), w("count"), w("share_resp"), w("col_respondents")],
        [[r.label, r.count, round_percent(r.share), reasons.respondents] for r in reasons.rows],
    )
    site = data.website
    result["pages"] = (
        [w("page_path"), w("not_helped"), w("responses")],
        [
            [p.page, w("suppressed"), None]
            if isinstance(p, SuppressedPage)
            else [p.page, p.not_helped, p.responses]
            for p in site.pages
        ],
    )
    result["searched"] = (
        [w("col_search"), w("count")],
        [[r.text, r.count] for r in site.searched],
    )
    result["comments"] = (
        [w("channel"), w("col_date"), w("col_comment")],
        [[c.name, c.date, c.text] for c in data.comments],
    )
    result["method"] = (
        [w("channel"), w("contacts"), w("responses")],
        [
            [r.name, r.contacts, display.count_value(r.responses, lang)]
            for r in data.method.channels
        ],
    )
    result["not_applicable"] = (
        [w("question"), w("col_respondents"), w("na_count"), w("na_share")],
        [
            [
                r.label,
                display.count_value(r.answered, lang),
                w("suppressed") if r.na is None else r.na,
                w("suppressed") if r.share is None else round_percent(r.share),
            ]
            for r in data.not_applicable
        ],
    )
    if data.funnel:
        result["funnel"] = (
            [funnel.word(k, lang) for k in ("channel", "step", "number", "share", "of")],
            [
                [texts.channel_name(r.channel, lang), *cells]
                for r in data.funnel
                for cells in funnel.rows(r, lang, formatted=False)
            ],
        )
    if data.follow_up.referrals:
        result["referrals"] = (
            follow_up.referral_headers(lang), follow_up.referral_rows(data, lang, False)
        )
    if data.follow_up.callbacks:
        result["callbacks"] = (
            follow_up.callback_headers(lang), follow_up.callback_rows(data, lang, False)
        )
        result["callback_outcomes"] = (
            follow_up.outcome_headers(lang), follow_up.outcome_rows(data, lang, False)
        )
    return result


def _trend(data: ReportData, w) -> Table:
    """Channels by months; a year report has a row for each year per channel (this year,
    then the year before) with a year column. A month without figures stays empty."""
    lang = data.meta.language
    trend = data.trend

    def values(points) -> list:
        return [_pct(p, "estimate", lang) for p in points]

    if not trend.has_before:
        return (
            [w("channel")] + list(trend.labels),
            [[r.name] + values(r.points) for r in trend.rows],
        )
    this_year, year_before = trend.legend
    rows = []
    for r in trend.rows:
        rows.append([r.name, this_year] + values(r.points))
        rows.append([r.name, year_before] + values(r.before))
    return [w("channel"), w("col_year")] + list(trend.month_names), rows


def xlsx(data: ReportData) -> bytes:
    """One sheet per table, named in the report's language. Text cells are always stored
    as text (never a formula)."""
    lang = data.meta.language
    book = Workbook()
    book.remove(book.active)
    for name, (headers, rows) in tables(data).items():
        sheet = book.create_sheet(texts.sheet_name(name, lang)[:31])
        for row in [headers, *rows]:
            sheet.append([safetext.spreadsheet_value(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _delimiter(lang: str) -> str:
    """';' where the decimal sign is a comma (as Excel's list separator is there)."""
    return ";" if get_decimal_symbol(lang) == "," else ","


def _csv_value(value, lang: str | None):
    """A cell for a CSV file: text made safe; in a report's language numbers and yes/no
    in its notation, without the machine format's True/False or decimal point."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safetext.spreadsheet_text(value)
    if lang is None:
        return value
    if isinstance(value, bool):
        return texts.word("yes" if value else "no", lang)
    if isinstance(value, float):
        return format_decimal(value, format="0.##########", locale=lang)
    return value


def csv_lines(headers: list[str], rows: Iterable[list], lang: str | None = None) -> Iterator[str]:
    """A CSV file line by line (the header first).

    With a report language: its spreadsheet dialect (Dutch: `;`, decimal comma) and a
    byte order mark so Excel reads UTF-8. Without: comma, dot, no byte order mark.
    """
    out = io.StringIO()
    if lang is None:
        writer = csv.writer(out)
    else:
        writer = csv.writer(out, delimiter=_delimiter(lang), quoting=csv.QUOTE_ALL)
        out.write(BOM)

    def take() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow([_csv_value(v, lang) for v in headers])
    yield take()
    for row in rows:
        writer.writerow([_csv_value(v, lang) for v in row])
        yield take()


def csv_text(headers: list[str], rows: Iterable[list], lang: str | None = None) -> str:
    return "".join(csv_lines(headers, rows, lang))


def table_csv(data: ReportData, name: str) -> str:
    """One table of the report as CSV in its language; KeyError for an unknown table."""
    headers, rows = tables(data)[name]
    return csv_text(headers, rows, data.meta.language)
