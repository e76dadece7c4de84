"""Building blocks of the PDF: styles, tables whose text cells wrap, paragraphs."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from survey import safetext
from survey.reports import fonts

MARGIN = 18 * mm


def document(buffer, title: str, author: str) -> SimpleDocTemplate:
    """An A4 page with the reports' margins (room for the running header at the top)."""
    return SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                             topMargin=MARGIN + 4 * mm, bottomMargin=MARGIN, title=title,
                             author=author)


def styles():
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


def fit(cell, width, size, bold):
    """A text cell that does not fit its column becomes a paragraph that wraps inside it
    ("te weinig reacties" in a narrow column), so text never runs into the next cell."""
    if not isinstance(cell, str) or width is None:
        return cell
    font = fonts.BOLD if bold else fonts.REGULAR
    if stringWidth(cell, font, size) <= width - 6:
        return cell
    style = ParagraphStyle("fit", fontName=font, fontSize=size, leading=size * 1.2)
    return Paragraph(safetext.markup(cell), style)


def table(rows, widths=None, size=7.5, header=True):
    rows = [[safetext.clean(c) if isinstance(c, str) else c for c in row] for row in rows]
    if widths is not None:
        rows = [
            [fit(c, wd, size, header and i == 0) for c, wd in zip(row, widths, strict=False)]
            for i, row in enumerate(rows)
        ]
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


def p(text, style):
    return Paragraph(safetext.markup(text), style)
