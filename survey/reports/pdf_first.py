"""The PDF's first page: the month in two minutes (survey.reports.story in flowables).

The overall figure with one sentence on what it is and the channel mix behind it, a tile
per channel, the largest significant changes in words, targets, top reasons, the NPS
labelled with the channels that asked it, and n_eff explained the first time it appears.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from survey.reports import charts, display, story
from survey.reports.pdf_layout import p

TILES_PER_ROW = 4
FOOTNOTE = "¹"
FIRM = colors.HexColor("#1d5f8a")
PALE = colors.HexColor("#e8eef3")


def _tile(tile: story.Tile, s, w) -> list:
    big = ParagraphStyle("tile", parent=s["h1"], fontSize=18, leading=21, spaceAfter=0)
    lines = [
        p(tile.name, s["h3"]),
        p(tile.value, big),
        p(f"{w('interval')}: {tile.interval}", s["small"]),
        p(f"{w('n')} = {tile.n} · {w('n_eff')} {tile.n_eff}{FOOTNOTE}", s["small"]),
        p(tile.flag, s["small"]),
    ]
    if tile.target:
        lines.append(p(f"{w('target')}: {tile.target}", s["small"]))
    return lines


def _tiles(data, s, w):
    cells = [_tile(t, s, w) for t in story.tiles(data)]
    if not cells:
        return []
    rows = [cells[i : i + TILES_PER_ROW] for i in range(0, len(cells), TILES_PER_ROW)]
    rows[-1] += [""] * (TILES_PER_ROW - len(rows[-1]))
    width = (174 * mm - 6 * (TILES_PER_ROW - 1)) / TILES_PER_ROW
    table = Table(rows, colWidths=[width] * TILES_PER_ROW)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell != "":
                style += [
                    ("BACKGROUND", (c, r), (c, r), PALE),
                    ("BOX", (c, r), (c, r), 2, colors.white),
                ]
    table.setStyle(TableStyle(style))
    return [table]


def _list(title, lines, s):
    if not lines:
        return []
    return [p(title, s["h3"])] + [p(f"• {line}", s["body"]) for line in lines]


def first_page(data, s, w) -> list:
    """Flowables of the first page (the caller adds the page break after them)."""
    lang = data.meta.language
    sat = data.summary.satisfied
    huge = ParagraphStyle("huge", parent=s["h1"], fontSize=34, leading=38, textColor=FIRM)
    details = [
        p(w("story_overall"), s["h3"]),
        p(story.overall_sentence(data), s["body"]),
    ]
    if sat is not None and not display.suppressed(sat):
        details.append(
            p(
                f"{w('interval')}: {display.percent_interval(sat, lang)} · {w('n')} = "
                f"{display.n(sat, lang)} · {w('n_eff')} {display.n_eff(sat, lang)}{FOOTNOTE} · "
                f"{display.flag(sat, lang)}",
                s["small"],
            )
        )
    head = Table([[p(display.percent(sat, lang), huge), details]], colWidths=[48 * mm, 126 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out = [head, Spacer(1, 4)]
    if story.mix(data):
        out += [p(w("contacts"), s["small"]), charts.mix_chart(data), Spacer(1, 4)]
    out += _tiles(data, s, w)
    changes = story.changes(data) or [w("story_no_changes")]
    out += _list(w("story_changes"), changes, s)
    out += _list(w("targets"), story.targets(data), s)
    out += _list(w("story_reasons"), story.reasons(data), s)
    nps = story.nps_line(data)
    if nps:
        out += [Spacer(1, 4), p(nps, s["body"])]
    out += [Spacer(1, 8), p(f"{FOOTNOTE} {w('story_neff')}", s["small"])]
    return out
