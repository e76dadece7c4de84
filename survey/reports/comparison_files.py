"""A comparison group's figures as files: a PDF (reportlab, the report's embedded font and
chart code) and a CSV of the same table, for one period, in the viewer's language.

Both are made from a ``survey.reports.comparison.Comparison`` only, which holds figures and
nothing else: no comment or other text of an organisation can reach them, and a cell below
the suppression threshold has no number to print. Every figure is written by
``comparison.table`` (survey.reports.display: the one rounding of every renderer), so the
files say exactly what the comparison page says for the same period.
"""

from __future__ import annotations

import functools
import io
from datetime import date

from babel.dates import format_date
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Spacer

from survey import safetext
from survey.i18n import in_language
from survey.reports import charts, comparison, display, fonts, pdf_layout, spreadsheet, texts
from survey.reports.comparison import Comparison
from survey.reports.pdf_layout import MARGIN, p, styles, table

# Column widths (mm) of the table: organisation, satisfied, interval, n, n_eff,
# reliability, and where the NPS was asked: NPS and its interval. "te weinig reacties" and
# "Betrouwbaarheid" fit on one line; the whole fits A4's frame (about 169 mm).
WIDTHS = (44, 27, 22, 13, 13, 29)
WIDTHS_NPS = (32, 27, 22, 12, 12, 29, 12, 23)


def title(group_name: str, language: str) -> str:
    with in_language(language):
        return _("Satisfaction compared: %(group)s", group=group_name)


def what(found: Comparison, group_name: str, language: str) -> str:
    """The plain sentence under the title: what is compared, by whom, for which period."""
    with in_language(language):
        return _(
            "The share of satisfied customers per contact channel of the %(n)s organisations "
            "that take part in %(group)s, in %(period)s. Each organisation is weighted to its "
            "own number of contacts per channel.",
            n=display.number(len(found.members), language),
            group=group_name,
            period=found.period.label(language),
        )


def footnotes(language: str) -> list[str]:
    """Suppression and n_eff, said once at the end."""
    with in_language(language):
        suppression = _(
            "Figures from fewer than %(n)s responses are not shown: the table says \"too few "
            "responses\" and n \"%(less)s\". Comments are never shared between organisations.",
            n=display.number(display.SUPPRESS_BELOW, language),
            less=texts.word("less_than_10", language),
        )
    return [suppression, texts.word("story_neff", language)]


def _caption(channel_name: str, language: str) -> str:
    with in_language(language):
        return _("Satisfied per organisation with the 95%% interval: %(channel)s",
                 channel=channel_name)


def _page(canvas, doc, header: str, footer: str, page_word: str) -> None:
    canvas.saveState()
    canvas.setFont(fonts.REGULAR, 7.5)
    canvas.setFillColor(colors.HexColor("#5f6b76"))
    width, height = A4
    canvas.drawString(MARGIN, height - 12 * mm, safetext.clean(header))
    canvas.drawString(MARGIN, 10 * mm, safetext.clean(footer))
    canvas.drawRightString(width - MARGIN, 10 * mm, f"{page_word} {doc.page}")
    canvas.restoreState()


@fonts.one_at_a_time
def pdf(found: Comparison, group_name: str, viewer: str, language: str, made: date) -> bytes:
    """The comparison as PDF bytes: a section per channel with the chart (every chart on
    the same 0-100% scale) and its table, then the footnotes."""
    fonts.register()
    s = styles()
    heading = title(group_name, language)
    period = found.period.label(language)
    story = [
        p(heading, s["h1"]),
        p(f"{texts.word('period', language)}: {period}", s["h3"]),
        p(what(found, group_name, language), s["body"]),
        Spacer(1, 6),
    ]
    for channel in found.channels:
        name = comparison.channel_name(channel, language)
        headers, rows = comparison.table(found, channel, language)
        widths = [w * mm for w in (WIDTHS_NPS if found.asked_nps(channel) else WIDTHS)]
        story.append(
            KeepTogether(
                [
                    p(name, s["h2"]),
                    charts.interval_bars(
                        [(m.name, found.cell(m, channel).satisfied) for m in found.members],
                        language,
                    ),
                    p(_caption(name, language), s["small"]),
                    Spacer(1, 4),
                    table([headers, *rows], widths),
                ]
            )
        )
    story.append(Spacer(1, 10))
    story += [p(text, s["small"]) for text in footnotes(language)]

    with in_language(language):
        footer = _("Made for %(organisation)s on %(date)s",
                   organisation=viewer, date=format_date(made, "long", locale=language))
    on_page = functools.partial(
        _page, header=f"{heading} · {period}", footer=footer,
        page_word=texts.word("page", language),
    )
    buffer = io.BytesIO()
    doc = pdf_layout.document(buffer, f"{heading}, {period}", viewer)
    # The canvas starts in the embedded font, so no Helvetica is referenced either.
    canvasmaker = functools.partial(Canvas, initialFontName=fonts.REGULAR)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=canvasmaker)
    return buffer.getvalue()


def csv(found: Comparison, language: str) -> str:
    """Every channel's table under one header, the channel in the first column, in the
    language's spreadsheet dialect (Dutch: ';' and a byte order mark)."""
    header: list[str] = []
    rows: list[list[str]] = []
    nps = any(found.asked_nps(c) for c in found.channels)
    for channel in found.channels:
        headers, body = comparison.table(found, channel, language)
        if nps and not found.asked_nps(channel):
            body = [[*row, display.DASH, display.DASH] for row in body]
            headers = [*headers, texts.word("nps", language), texts.word("interval", language)]
        header = [texts.word("channel", language), *headers]
        name = comparison.channel_name(channel, language)
        rows += [[name, *row] for row in body]
    return spreadsheet.csv_text(header, rows, language)
