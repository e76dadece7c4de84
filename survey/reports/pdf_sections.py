"""The PDF's sections after the first page: tables of figures, trend, breakdowns, reasons,
website, method. Each returns flowables; ``pdf.render`` puts them in order."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, TableStyle

from survey import safetext
from survey.reports import charts, display, fonts, funnel, texts
from survey.reports.data import SuppressedPage
from survey.reports.pdf_layout import p as _p
from survey.reports.pdf_layout import table as _table


def weighting_note(data, s, w):
    """Why the figures are not weighted by channel, in words that fit the month: a month
    without responses says so, and does not claim its contact volumes are missing."""
    if data.summary.responses == 0:
        return [_p(w("nothing"), s["warn"])]
    if not data.meta.weighted:
        return [_p(w("unweighted_note"), s["warn"])]
    return []


def satisfied_header(data, w):
    """'Satisfied weighted', or for an unweighted month 'Satisfied (not weighted by
    channel)': never 'weighted (unweighted)'."""
    return w("satisfied_w") if data.meta.weighted else w("satisfied_design")


def summary(data, s, w, lang):
    summary = data.summary
    sat, nps_est = summary.satisfied, summary.nps
    sat_ch, nps_ch = summary.satisfied_changes, summary.nps_changes
    nps_head = w("nps") if data.meta.weighted else w("nps_design")
    rows = [
        ["", satisfied_header(data, w), nps_head + _nps_where(summary, lang)],
        [
            w("result"),
            display.percent(sat, lang),
            display.mark(display.nps(nps_est, lang), nps_est),
        ],
        [w("interval"), display.percent_interval(sat, lang), display.nps_interval(nps_est, lang)],
        [w("satisfied_u"), display.unweighted_percent(sat, lang), display.DASH],
        [w("n"), display.n(sat, lang), display.n(nps_est, lang)],
        [w("n_eff"), display.n_eff(sat, lang), display.n_eff(nps_est, lang)],
        [w("reliability"), display.flag(sat, lang), display.flag(nps_est, lang)],
        [
            w("change_prev"),
            display.change(sat_ch.previous, lang=lang),
            display.change(nps_ch.previous, share=False, lang=lang),
        ],
        [
            w("change_year"),
            display.change(sat_ch.last_year, lang=lang),
            display.change(nps_ch.last_year, share=False, lang=lang),
        ],
    ]
    out = [
        _p(w("summary"), s["h2"]),
        _table(rows, [60 * mm, 55 * mm, 55 * mm], size=8.5),
        _p(w("significant"), s["small"]),
    ]
    out += [_p(w("targets"), s["h3"])]
    target_rows = [[w("target"), w("result"), w("interval"), ""]]
    for t in summary.targets:
        shown = t.result is not None
        value = display.target_value(t, lang) if shown else display.DASH
        status = display.target(t, lang, short=False)
        interval = display.target_interval(t, lang) if shown else display.DASH
        target_rows.append([t.label, value, interval, _p(status, s["cell"])])
    out.append(_table(target_rows, [60 * mm, 20 * mm, 25 * mm, 65 * mm], size=8.5))
    return out


def _nps_where(summary, lang):
    if not summary.nps_channels:
        return ""
    names = ", ".join(texts.channel_name(c, lang) for c in summary.nps_channels)
    return f" ({names})"


def channel_table(data, lang, w):
    rows = [
        [
            w("channel"),
            w("n"),
            w("n_eff"),
            satisfied_header(data, w),
            w("interval_short"),
            w("satisfied_u"),
            w("nps"),
            w("grade"),
            w("change_prev"),
            w("target"),
            w("reliability_short"),
        ]
    ]
    cell = ParagraphStyle("tc", fontName=fonts.REGULAR, fontSize=6.8, leading=8)
    for r in data.channels:
        sat = r.satisfied
        rows.append(
            [
                r.name,
                display.n(sat, lang),
                display.n_eff(sat, lang),
                display.mark(_channel_percent(r, lang), sat),
                display.percent_interval(sat, lang),
                display.unweighted_percent(sat, lang),
                display.mark(display.nps(r.nps, lang), r.nps),
                display.mark(display.grade(r.grade, lang), r.grade),
                display.change(r.change_previous, lang=lang),
                Paragraph(safetext.markup(display.target(r.target, lang)), cell),
                display.flag(sat, lang),
            ]
        )
    bold = ParagraphStyle("hd", fontName=fonts.BOLD, fontSize=6.5, leading=7.5)
    header = [Paragraph(safetext.markup(c), bold) for c in rows[0]]
    rows[0] = header
    widths = [22, 9, 9, 16, 15, 19, 9, 10, 14, 27, 20]
    return _table(rows, [x * mm for x in widths], size=6.8)


def _channel_percent(row, lang):
    """A channel's satisfied share; against its target with the decimals that keep a miss
    from looking like a hit."""
    sat, target = row.satisfied, row.target
    if target is not None and target.result is not None and not display.suppressed(sat):
        return display.target_percent(sat.estimate, target.share, lang)
    return display.percent(sat, lang)


def _trend_cells(points, lang, w) -> list[str]:
    cells = []
    for point in points:
        if point is None:
            cells.append(display.DASH)
        elif display.suppressed(point):
            cells.append(w("less_than_10"))
        else:
            cells.append(display.percent(point, lang))
    return cells


def trend_table(data, lang, w):
    """Channels by months; a year report has a row per year and channel (the year before
    under this year)."""
    trend = data.trend
    if trend.has_before:
        this_year, year_before = trend.legend
        rows = [[w("channel"), w("col_year")] + list(trend.month_names)]
        for row in trend.rows:
            rows.append([row.name, this_year] + _trend_cells(row.points, lang, w))
            rows.append(["", year_before] + _trend_cells(row.before, lang, w))
        widths = [25 * mm, 10 * mm] + [10.4 * mm] * len(trend.month_names)
        return _table(rows, widths, size=6.2)
    rows = [[w("channel")] + list(trend.labels)]
    for row in trend.rows:
        rows.append([row.name] + _trend_cells(row.points, lang, w))
    widths = [26 * mm] + [11 * mm] * len(trend.labels)
    return _table(rows, widths, size=6.2)


def unweighted_months(data, lang):
    trend = data.trend
    overall = trend.rows[0].points if trend.rows else (None,) * len(trend.labels)
    # A month without responses is not "unweighted": it has no figures at all.
    months = [
        m
        for m, ok, point in zip(trend.labels, trend.weighted, overall, strict=True)
        if not ok and point is not None
    ]
    word, less = texts.word("unweighted_months", lang), texts.word("less_than_10", lang)
    return f"{word}: {', '.join(months)}. {less} = {texts.word('suppressed', lang)}."


def quiet_busy(data, lang):
    peak = max(map(max, data.heatmap.volume))
    return texts.word("quiet_busy", lang, peak=display.number(peak, lang))


def breakdown(data, dim, s, w, lang):
    rows = [[w(dim), w("n"), w("satisfied_w"), w("interval"), w("reliability")]]
    for r in data.breakdowns.of(dim):
        sat = r.satisfied
        rows.append(
            [
                r.name,
                display.n(sat, lang),
                display.percent(sat, lang),
                display.percent_interval(sat, lang),
                display.flag(sat, lang),
            ]
        )
    if len(rows) == 1:
        return [_p(w(dim), s["h3"]), _p(w("no_data"), s["body"])]
    return [
        KeepTogether(
            [_p(w(dim), s["h3"]), _table(rows, [60 * mm, 20 * mm, 30 * mm, 30 * mm, 30 * mm])]
        )
    ]


def reasons(data, s, w, lang):
    reasons = data.reasons
    if reasons.suppressed:
        return [_p(w("suppressed"), s["body"])]
    if not reasons.rows:
        return [_p(w("no_data"), s["body"])]
    rows = [[w("reason"), w("count"), w("share_resp")]]
    for r in reasons.rows:
        share = display.share_percent(r.share, lang)
        rows.append([r.label, display.number(r.count, lang), share])
    n = display.number(reasons.respondents, lang)
    return [
        _p(f"{w('n')} = {n}. {w('multi')}", s["small"]),
        _table(rows, [95 * mm, 20 * mm, 55 * mm]),
        Spacer(1, 6),
        charts.reasons_chart(data),
    ]


def website(data, s, w, lang):
    site = data.website
    out = [_p(w("pages"), s["h3"])]
    if not site.shown:
        return out + [_p(w("suppressed"), s["body"])]
    rows = [[w("page_path"), w("not_helped"), w("responses")]]
    for r in site.pages:
        if isinstance(r, SuppressedPage):
            rows.append([r.page, w("suppressed"), w("less_than_10")])
        else:
            number = display.number
            rows.append([r.page, number(r.not_helped, lang), number(r.responses, lang)])
    out.append(_table(rows, [100 * mm, 35 * mm, 35 * mm]))
    out.append(_p(w("searched"), s["h3"]))
    if not site.searched:
        return out + [_p(w("no_data"), s["body"])]
    rows = [[w("searched"), w("count")]]
    rows += [[r.text, display.number(r.count, lang)] for r in site.searched]
    return out + [_table(rows, [135 * mm, 35 * mm])]


def method(data, s, w, lang):
    method = data.method
    out = []
    if data.summary.responses == 0:
        out.append(_p(w("nothing"), s["warn"]))
    elif not method.calibrated:
        out.append(_p(w("unweighted_note"), s["warn"]))
        if method.missing_volumes:
            out.append(
                _p(f"{w('missing_volumes')}: {', '.join(method.missing_volumes)}.", s["body"])
            )
    else:
        out.append(_p(w("weighted_note"), s["body"]))
    values = {
        "trim": display.number(method.trim_factor, lang),
        "alpha": display.number(0.05, lang),
        "example": display.percentage(93, lang),
    }
    for line in texts.method_text(lang, **values):
        out.append(_p(line, s["body"]))
        out.append(Spacer(1, 2))
    note = texts.weight_note(method.note, lang)
    if note:
        out.append(_p(note, s["small"]))
    for line in texts.left_out_lines(data.meta.left_out, lang):
        out.append(_p(line, s["body"]))
    rows = [[w("channel"), w("contacts"), w("responses")]]
    for r in method.channels:
        contacts = display.DASH if r.contacts is None else display.number(r.contacts, lang)
        rows.append([r.name, contacts, display.count(r.responses, lang)])
    out += [Spacer(1, 6), _table(rows, [60 * mm, 40 * mm, 40 * mm])]
    return out


def not_applicable(data, s, w, lang):
    """The share of "n.v.t." answers per yes/no/n.v.t. question (not counted in its yes share)."""
    if not data.not_applicable:
        return []
    rows = [[w("question"), w("col_respondents"), w("na_count"), w("na_share")]]
    for r in data.not_applicable:
        if r.share is None:
            small = w("suppressed")
            rows.append([r.label, display.count(r.answered, lang), small, small])
        else:
            rows.append(
                [
                    r.label,
                    display.count(r.answered, lang),
                    display.number(r.na, lang),
                    display.share_percent(r.share, lang),
                ]
            )
    return [
        _p(w("na_title"), s["h3"]),
        _p(w("na_note"), s["small"]),
        _table(rows, [85 * mm, 30 * mm, 25 * mm, 30 * mm]),
    ]


def funnel_tables(data, s, lang):
    """The invitation funnel: one table per contact channel, ending in its response rate."""
    out = [_p(funnel.word("title", lang), s["h2"]), _p(funnel.word("intro", lang), s["small"])]
    headers = [funnel.word(k, lang) for k in ("step", "number", "share", "of")]
    for row in data.funnel:
        table = _table([headers, *funnel.rows(row, lang)], [70 * mm, 30 * mm, 25 * mm, 45 * mm])
        table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), fonts.BOLD, 7.5)]))
        out.append(KeepTogether([_p(texts.channel_name(row.channel, lang), s["h3"]), table]))
    return out
