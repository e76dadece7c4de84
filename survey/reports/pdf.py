"""The monthly report as PDF bytes: platypus flowables, vector charts, embedded DejaVu."""

from __future__ import annotations

import functools
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from survey import safetext
from survey.reports import charts, display, fonts, funnel, texts
from survey.reports.data import ReportData, SuppressedPage
from survey.stats import round_half_up

MARGIN = 18 * mm


def _styles():
    base = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9, leading=12)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=fonts.BOLD, fontSize=18, leading=22, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=fonts.BOLD,
            fontSize=13,
            leading=16,
            spaceBefore=8,
            spaceAfter=6,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=fonts.BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=6,
            spaceAfter=3,
        ),
        "warn": ParagraphStyle(
            "warn", parent=base, fontName=fonts.BOLD, textColor=colors.HexColor("#b3261e")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
    }


def _table(rows, widths=None, size=7.5, header=True):
    rows = [[safetext.clean(c) if isinstance(c, str) else c for c in row] for row in rows]
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, size),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8cdd2")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style += [
            ("FONT", (0, 0), (-1, 0), fonts.BOLD, size),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
        ]
    table.setStyle(TableStyle(style))
    return table


class _NumberedCanvas(pdfcanvas.Canvas):
    """Draws 'page x of y' with the organisation and period once the page count is known.

    The per-report texts are arguments of each canvas (see ``functools.partial`` in
    ``render``), never class state: two reports rendered at once in two worker threads
    each keep their own header and footer.
    """

    def __init__(self, *args, header: str, page_word: str, of_word: str, **kwargs):
        kwargs["initialFontName"] = fonts.REGULAR
        super().__init__(*args, **kwargs)
        self._header = safetext.clean(header)
        self._page_word, self._of_word = page_word, of_word
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(fonts.REGULAR, 7.5)
            self.setFillColor(colors.HexColor("#5f6b76"))
            width, height = A4
            self.drawString(MARGIN, height - 12 * mm, self._header)
            self.drawRightString(
                width - MARGIN,
                10 * mm,
                f"{self._page_word} {self._pageNumber} {self._of_word} {total}",
            )
            super().showPage()
        super().save()


def _p(text, style):
    return Paragraph(safetext.markup(text), style)


@fonts.one_at_a_time
def render(data: ReportData) -> bytes:
    """The report as PDF bytes."""
    fonts.register()
    lang = data.meta.language
    s = _styles()
    w = lambda key: texts.word(key, lang)  # noqa: E731
    meta = data.meta
    org = meta.organisation.name
    story = [
        _p(org, s["h3"]),
        _p(w("title"), s["h1"]),
        _p(f"{w('period')}: {meta.month_name}", s["body"]),
        Spacer(1, 6),
    ]
    if not meta.weighted:
        story.append(_p(w("unweighted_note"), s["warn"]))
    story += _summary(data, s, w, lang)
    story += [PageBreak(), _p(w("per_channel"), s["h2"])]
    if not meta.weighted:
        story.append(_p(w("unweighted_note"), s["warn"]))
    story += [
        _channel_table(data, lang, w),
        Spacer(1, 8),
        charts.channel_chart(data),
        _p(w("significant"), s["small"]),
    ]
    story += [
        PageBreak(),
        _p(w("trend"), s["h2"]),
        charts.trend_chart(data),
        Spacer(1, 6),
        _trend_table(data, lang, w),
    ]
    if not all(data.trend.weighted):
        story.append(_p(_unweighted_months(data, lang), s["small"]))
    story += [PageBreak(), _p(w("breakdowns"), s["h2"])]
    for dim in ("location", "unit", "topic"):
        story += _breakdown(data, dim, s, w, lang)
    story += [
        CondPageBreak(80 * mm),
        _p(w("when"), s["h2"]),
        charts.heatmap_chart(data),
        _p(_quiet_busy(data, lang), s["small"]),
    ]
    story += [PageBreak(), _p(w("why"), s["h2"])] + _reasons(data, s, w, lang)
    story += _website(data, s, w, lang)
    story += [CondPageBreak(60 * mm), _p(w("words"), s["h2"]), _p(w("scrubbed"), s["small"])]
    story.append(Spacer(1, 4))
    for row in data.comments:
        story.append(_p(f"“{row.text}” ({row.name}, {row.date})", s["body"]))
        story.append(Spacer(1, 4))
    if not data.comments:
        story.append(_p(w("no_data"), s["body"]))
    if data.funnel:
        story += [PageBreak()] + _funnel(data, s, lang)
    story += [PageBreak(), _p(w("method"), s["h2"])] + _method(data, s, w, lang)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN,
        title=f"{w('title')} {meta.month_name}",
        author=org,
    )
    canvasmaker = functools.partial(
        _NumberedCanvas,
        header=f"{org} · {w('title')} · {meta.month_name}",
        page_word=w("page"),
        of_word=w("of"),
    )
    doc.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue()


def _summary(data, s, w, lang):
    summary = data.summary
    sat, nps_est = summary.satisfied, summary.nps
    sat_ch, nps_ch = summary.satisfied_changes, summary.nps_changes
    unweighted = "" if data.meta.weighted else f" ({w('unweighted_short')})"
    rows = [
        ["", w("satisfied_w") + unweighted, w("nps") + unweighted],
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
    big = ParagraphStyle("big", parent=s["h1"], fontSize=26, leading=30)
    headline = Table(
        [
            [_p(display.percent(sat, lang), big), _p(display.nps(nps_est, lang), big)],
            [_p(w("satisfied"), s["body"]), _p(w("nps") + _nps_where(summary, lang), s["body"])],
        ],
        colWidths=[80 * mm, 80 * mm],
    )
    out = [
        _p(w("summary"), s["h2"]),
        headline,
        Spacer(1, 6),
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


def _channel_table(data, lang, w):
    rows = [
        [
            w("channel"),
            w("n"),
            w("n_eff"),
            w("satisfied_w"),
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
                display.percent(sat, lang),
                display.percent_interval(sat, lang),
                display.unweighted_percent(sat, lang),
                display.nps(r.nps, lang),
                display.grade(r.grade, lang),
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


def _trend_table(data, lang, w):
    trend = data.trend
    rows = [[w("channel")] + list(trend.labels)]
    for row in trend.rows:
        cells = []
        for point in row.points:
            if point is None:
                cells.append(display.DASH)
            elif display.suppressed(point):
                cells.append(w("less_than_10"))
            else:
                cells.append(display.percent(point, lang))
        rows.append([row.name] + cells)
    widths = [26 * mm] + [11 * mm] * len(trend.labels)
    return _table(rows, widths, size=6.2)


def _unweighted_months(data, lang):
    trend = data.trend
    months = [m for m, ok in zip(trend.labels, trend.weighted, strict=True) if not ok]
    word, less = texts.word("unweighted_months", lang), texts.word("less_than_10", lang)
    return f"{word}: {', '.join(months)}. {less} = {texts.word('suppressed', lang)}."


def _quiet_busy(data, lang):
    peak = max(map(max, data.heatmap.volume))
    return texts.word("quiet_busy", lang, peak=display.number(peak, lang))


def _breakdown(data, dim, s, w, lang):
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


def _reasons(data, s, w, lang):
    reasons = data.reasons
    if reasons.suppressed:
        return [_p(w("suppressed"), s["body"])]
    if not reasons.rows:
        return [_p(w("no_data"), s["body"])]
    rows = [[w("reason"), w("count"), w("share_resp")]]
    for r in reasons.rows:
        share = display.percentage(round_half_up(100 * r.share), lang)
        rows.append([r.label, display.number(r.count, lang), share])
    n = display.number(reasons.respondents, lang)
    return [
        _p(f"{w('n')} = {n}. {w('multi')}", s["small"]),
        _table(rows, [95 * mm, 20 * mm, 55 * mm]),
        Spacer(1, 6),
        charts.reasons_chart(data),
    ]


def _website(data, s, w, lang):
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


def _method(data, s, w, lang):
    method = data.method
    out = []
    if not method.calibrated:
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
        rows.append([r.name, contacts, display.number(r.responses, lang)])
    out += [Spacer(1, 6), _table(rows, [60 * mm, 40 * mm, 40 * mm])]
    return out


def _funnel(data, s, lang):
    """The invitation funnel: one table per contact channel, ending in its response rate."""
    out = [_p(funnel.word("title", lang), s["h2"]), _p(funnel.word("intro", lang), s["small"])]
    headers = [funnel.word(k, lang) for k in ("step", "number", "share", "of")]
    for row in data.funnel:
        table = _table([headers, *funnel.rows(row, lang)], [70 * mm, 30 * mm, 25 * mm, 45 * mm])
        table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), fonts.BOLD, 7.5)]))
        out.append(KeepTogether([_p(texts.channel_name(row.channel, lang), s["h3"]), table]))
    return out
