"""The monthly report as PDF bytes: platypus flowables, vector charts, embedded DejaVu.

The first page tells the story (``pdf_first``); the sections after it are in
``pdf_sections``; styles and wrapping tables in ``pdf_layout``.
"""

from __future__ import annotations

import functools
import io
import re

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import CondPageBreak, PageBreak, Spacer

from survey import safetext
from survey.reports import charts, fonts, pdf_first, pdf_follow_up, pdf_layout, texts
from survey.reports import pdf_sections as sections
from survey.reports import story as story_module
from survey.reports.data import ReportData
from survey.reports.pdf_layout import MARGIN, styles
from survey.reports.pdf_layout import p as _p


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


@fonts.one_at_a_time
def render(data: ReportData) -> bytes:
    """The report as PDF bytes."""
    fonts.register()
    lang = data.meta.language
    s = styles()
    w = lambda key: texts.word(texts.period_key(key, data.meta.month), lang)  # noqa: E731
    meta = data.meta
    org = meta.organisation.name
    story = [
        _p(org, s["h3"]),
        _p(w("title"), s["h1"]),
        _p(f"{w('period')}: {meta.month_name}", s["body"]),
        Spacer(1, 6),
    ]
    story += pdf_first.first_page(data, s, w)
    story += [PageBreak()] + sections.weighting_note(data, s, w)
    story += sections.summary(data, s, w, lang)
    story += [Spacer(1, 8), _p(w("per_channel"), s["h2"])]
    story += sections.weighting_note(data, s, w)
    story += [
        sections.channel_table(data, lang, w),
        _p(f"{w('significant')} {w('indicative_mark')}", s["small"]),
        Spacer(1, 8),
        charts.channel_chart(data),
    ]
    story += [
        PageBreak(),
        _p(w(_trend_title(data)), s["h2"]),
        charts.trend_chart(data),
        Spacer(1, 6),
        sections.trend_table(data, lang, w),
    ]
    if not all(data.trend.weighted):
        story.append(_p(sections.unweighted_months(data, lang), s["small"]))
    story += [PageBreak(), _p(w("breakdowns"), s["h2"])]
    for dim in ("location", "unit", "topic"):
        story += sections.breakdown(data, dim, s, w, lang)
    if any(map(any, data.heatmap.volume)):  # a period report from the dashboard has none
        story += [
            CondPageBreak(80 * mm),
            _p(w("when"), s["h2"]),
            charts.heatmap_chart(data),
            _p(sections.quiet_busy(data, lang), s["small"]),
        ]
    story += [PageBreak(), _p(w("why"), s["h2"])] + sections.reasons(data, s, w, lang)
    story += sections.not_applicable(data, s, w, lang)
    story += sections.website(data, s, w, lang)
    story += [CondPageBreak(60 * mm), _p(w("words"), s["h2"]), _p(w("scrubbed"), s["small"])]
    story.append(Spacer(1, 4))
    for row in data.comments:
        story.append(_p(f"“{row.text}” ({row.name}, {row.date})", s["body"]))
        story.append(Spacer(1, 4))
    if not data.comments:
        story.append(_p(w("no_data"), s["body"]))
    if data.funnel:
        story += [PageBreak()] + sections.funnel_tables(data, s, lang)
    if data.follow_up.shown:
        story += [PageBreak()] + pdf_follow_up.follow_up_tables(data, s, lang)
    story += [PageBreak(), _p(w("method"), s["h2"])] + sections.method(data, s, w, lang)

    buffer = io.BytesIO()
    doc = pdf_layout.document(buffer, f"{w('title')} {meta.month_name}", org)
    canvasmaker = functools.partial(
        _NumberedCanvas,
        header=f"{org} · {w('title')} · {meta.month_name}",
        page_word=w("page"),
        of_word=w("of"),
    )
    doc.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue()


def _trend_title(data: ReportData) -> str:
    """The trend's heading: 13 months, 13 periods, or a year report's own months."""
    if story_module.monthly(data):
        return "trend"
    if all(re.fullmatch(r"\d{4}-\d{2}", m) for m in data.trend.months):
        return "trend_months"
    return "trend_periods"
