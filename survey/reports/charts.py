"""Report charts as reportlab Drawings: the same object renders into the PDF and to SVG.

Charts take the builder's typed data (survey.reports.data). Suppressed cells carry no
number, so a chart can only say "too few responses" for them; indicative figures are
drawn pale.
"""

from __future__ import annotations

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from survey import safetext
from survey.reports import display, fonts, texts
from survey.reports.data import Estimate, ReportData
from survey.stats import round_percent

WIDTH = 500
INK = colors.HexColor("#1f2933")
GRID = colors.HexColor("#c8cdd2")
FIRM = colors.HexColor("#1d5f8a")
MUTED = colors.HexColor("#5f6b76")
PALE = colors.HexColor("#9cc3dd")
TARGET = colors.HexColor("#b3261e")
LINES = [
    "#1f2933",
    "#1d5f8a",
    "#c05600",
    "#2e7d32",
    "#6a1b9a",
    "#b3261e",
    "#00838f",
    "#8d6e63",
    "#5c6bc0",
]


def _text(x, y, value, size=8, anchor="start", bold=False, color=INK) -> String:
    return String(
        x,
        y,
        safetext.clean(value),
        fontName=fonts.BOLD if bold else fonts.REGULAR,
        fontSize=size,
        textAnchor=anchor,
        fillColor=color,
    )


def wrap(value: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Text broken into lines no wider than ``width`` points, at spaces (a word longer than
    the line is broken inside): labels are wrapped, never cut off."""
    font = fonts.BOLD if bold else fonts.REGULAR
    lines: list[str] = []
    line = ""
    for word in safetext.clean(value).split():
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines or [""]


def _label(drawing: Drawing, x, y, value, size=7) -> None:
    """Text on a white ground, so grid and target lines crossing it do not hide digits."""
    width = stringWidth(safetext.clean(value), fonts.REGULAR, size)
    drawing.add(Rect(x - 1, y - 2, width + 2, size + 2, fillColor=colors.white, strokeColor=None))
    drawing.add(_text(x, y, value, size))


def channel_chart(data: ReportData) -> Drawing:
    """Weighted satisfied % per channel, a bar with its 95% interval as a whisker."""
    target = next(
        (
            t
            for t in data.summary.targets
            if not t.question and not t.channel and not t.is_nps
        ),
        None,
    )
    return interval_bars(
        [(row.name, row.satisfied) for row in data.channels],
        data.meta.language,
        None if target is None else target.share,
    )


def interval_bars(rows, lang: str, target: float | None = None) -> Drawing:
    """A bar per (name, figure) with its 95% interval as a whisker, 0-100%; a suppressed or
    missing figure says "too few responses" / "no data" instead (the channel chart, and the
    organisations of a comparison group side by side)."""
    fonts.register()
    left, right, top = 120, 40, 24
    names = [wrap(name, left - 10, 8) for name, _ in rows]
    heights = [max(22.0, 9.0 * len(lines) + 8) for lines in names]
    height = top + (sum(heights) if rows else 22) + 30
    drawing = Drawing(WIDTH, height)
    plot_w = WIDTH - left - right
    base_y = 24

    def x_of(share: float) -> float:
        return left + plot_w * share

    for tick in range(0, 101, 20):
        x = x_of(tick / 100)
        drawing.add(Line(x, base_y, x, height - top + 6, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(_text(x, base_y - 12, display.percentage(tick, lang), 7, "middle"))
    if target is not None:
        x = x_of(target)
        drawing.add(
            Line(x, base_y, x, height - top + 6, strokeColor=TARGET, strokeDashArray=[3, 2])
        )
        drawing.add(
            _text(x, height - top + 9, texts.word("target", lang), 7, "middle", color=TARGET)
        )
    y_top = height - top
    for (_, est), lines, row_h in zip(rows, names, heights, strict=True):
        y_top -= row_h
        y = y_top + (row_h - 12) / 2 + 1
        for k, line in enumerate(lines):
            drawing.add(_text(left - 6, y + 4 + 4.5 * (len(lines) - 1) - 9 * k, line, 8, "end"))
        if not isinstance(est, Estimate):
            word = "no_data" if est is None else "suppressed"
            drawing.add(_text(left + 4, y + 4, texts.word(word, lang), 7, color=MUTED))
            continue
        fill = FIRM if est.reliability == "ok" else PALE
        drawing.add(Rect(left, y, plot_w * est.estimate, 12, fillColor=fill, strokeColor=None))
        lo, hi = x_of(est.low), x_of(est.high)
        drawing.add(Line(lo, y + 6, hi, y + 6, strokeColor=INK, strokeWidth=1))
        drawing.add(Line(lo, y + 2, lo, y + 10, strokeColor=INK, strokeWidth=1))
        drawing.add(Line(hi, y + 2, hi, y + 10, strokeColor=INK, strokeWidth=1))
        label = display.share_percent(est.estimate, lang)
        if est.reliability == "indicative":
            label += f" ({texts.word('indicative', lang)})"
        # Never past the drawing's edge: a long label moves left over the bar (white ground).
        room = WIDTH - stringWidth(safetext.clean(label), fonts.REGULAR, 7) - 2
        _label(drawing, min(hi + 4, room), y + 3, label)
    return drawing


def trend_chart(data: ReportData) -> Drawing:
    """The trend as small multiples, one per channel (survey/reports/trend_chart.py)."""
    from survey.reports.trend_chart import draw

    return draw(data)


def sparkline(points, width: float = 120, height: float = 28) -> Drawing:
    """A small line of the satisfied share over the periods (0-100%), gaps for suppressed."""
    fonts.register()
    drawing = Drawing(width, height)
    step = (width - 4) / max(len(points) - 1, 1)
    segment: list[float] = []
    for i, point in enumerate((*points, None)):
        if isinstance(point, Estimate):
            segment += [2 + i * step, 2 + (height - 4) * point.estimate]
        elif segment:
            if len(segment) > 2:
                drawing.add(PolyLine(segment, strokeColor=FIRM, strokeWidth=1.2))
            elif len(segment) == 2:
                drawing.add(
                    Rect(segment[0] - 1, segment[1] - 1, 2, 2, fillColor=FIRM, strokeColor=None)
                )
            segment = []
    return drawing


def mix_chart(data: ReportData) -> Drawing:
    """The channel mix behind the overall figure: one bar split by contacts per channel."""
    from survey.reports.story import mix

    fonts.register()
    lang = data.meta.language
    parts = mix(data)
    height = 26 + 12 * ((len(parts) + 2) // 3)
    drawing = Drawing(WIDTH, height)
    x = 0.0
    for k, (_, name, _n, share) in enumerate(parts):
        color = colors.HexColor(LINES[(k + 1) % len(LINES)])
        drawing.add(Rect(x, height - 14, WIDTH * share, 12, fillColor=color, strokeColor=None))
        x += WIDTH * share
        lx, ly = (k % 3) * (WIDTH / 3), height - 28 - 12 * (k // 3)
        drawing.add(Rect(lx, ly, 8, 8, fillColor=color, strokeColor=None))
        drawing.add(_text(lx + 12, ly + 1, f"{name} {display.small_share(share, lang)}", 7.5))
    return drawing


def heatmap_chart(data: ReportData) -> Drawing:
    """Responses per weekday x hour (shade) with satisfied % where at least 10 responses."""
    fonts.register()
    heat = data.heatmap
    volume, satisfied, days = heat.volume, heat.satisfied, heat.days
    hours = [h for h in range(24) if any(volume[d][h] for d in range(7))] or list(range(8, 18))
    hours = list(range(min(hours), max(hours) + 1))
    left, top, cell_h = 26, 16, 22
    cell_w = min(26.0, (WIDTH - left) / len(hours))
    height = top + 7 * cell_h + 18
    drawing = Drawing(WIDTH, height)
    peak = max(max(row) for row in volume) or 1
    for j, hour in enumerate(hours):
        drawing.add(_text(left + j * cell_w + cell_w / 2, height - 11, f"{hour}", 7, "middle"))
    for d in range(7):
        y = height - top - (d + 1) * cell_h
        drawing.add(_text(left - 4, y + cell_h / 2 - 3, days[d], 7, "end"))
        for j, hour in enumerate(hours):
            count = volume[d][hour]
            shade = count / peak
            fill = colors.Color(1 - 0.85 * shade, 1 - 0.6 * shade, 1 - 0.35 * shade)
            drawing.add(
                Rect(left + j * cell_w, y, cell_w - 1, cell_h - 1, fillColor=fill, strokeColor=None)
            )
            value = satisfied[d][hour]
            if value is not None:
                ink = colors.white if shade > 0.55 else INK
                drawing.add(
                    _text(
                        left + j * cell_w + cell_w / 2,
                        y + cell_h / 2 - 3,
                        f"{round_percent(value)}",
                        6.5,
                        "middle",
                        color=ink,
                    )
                )
    return drawing


def reasons_chart(data: ReportData) -> Drawing:
    """Reasons ranked by count (multi-answer); long labels wrap onto more lines."""
    fonts.register()
    lang = data.meta.language
    rows = data.reasons.rows[:10]
    left, size, line_h = 230, 7, 8.5
    labels = [wrap(row.label, left - 12, size) for row in rows]
    heights = [max(16.0, line_h * len(lines) + 5) for lines in labels]
    height = sum(heights) + 8 if rows else 24
    drawing = Drawing(WIDTH, height)
    if not rows:
        word = "suppressed" if data.reasons.suppressed else "no_data"
        drawing.add(_text(0, 8, texts.word(word, lang), size + 1, color=MUTED))
    peak = max((r.count for r in rows), default=1)
    y_top = height
    for row, lines, row_h in zip(rows, labels, heights, strict=True):
        y_top -= row_h
        y = y_top + (row_h - 10) / 2
        first = y + 2 + line_h * (len(lines) - 1) / 2
        for k, line in enumerate(lines):
            drawing.add(_text(left - 6, first - line_h * k, line, size, "end"))
        width = (WIDTH - left - 70) * row.count / peak
        drawing.add(Rect(left, y, width, 10, fillColor=FIRM, strokeColor=None))
        share = display.share_percent(row.share, lang)
        value = f"{display.number(row.count, lang)} ({share})"
        drawing.add(_text(left + width + 4, y + 2, value, size))
    return drawing


CHARTS = {
    "channels": channel_chart,
    "trend": trend_chart,
    "heatmap": heatmap_chart,
    "reasons": reasons_chart,
    "mix": mix_chart,
}

# The table behind each chart (survey.reports.spreadsheet.tables) and the column its
# description reads, so a screen reader and the data table say what the chart shows.
TABLES = {
    "channels": ("channels", 4),
    "trend": ("trend", -1),
    "heatmap": ("hours", 2),
    "reasons": ("reasons", 2),
    "mix": ("method", 1),
}


def table(name: str, data: ReportData, all_tables=None) -> tuple[list[str], list[list[str]]]:
    """The data table behind a chart, every value written in the report's language
    (``all_tables``: survey.reports.spreadsheet.tables(data), when already made)."""
    from survey.reports.spreadsheet import tables

    headers, rows = (all_tables or tables(data))[TABLES[name][0]]
    lang = data.meta.language
    return headers, [[display.cell(v, lang) for v in row] for row in rows]


def description(name: str, data: ReportData) -> str:
    """One sentence of the chart's figures for its SVG <desc>."""
    headers, rows = table(name, data)
    if name == "trend" and data.trend.has_before:
        return _both_years(headers, rows)
    column = TABLES[name][1]
    parts = [f"{row[0]} {row[1]}" if name == "heatmap" else f"{row[0]}" for row in rows[:24]]
    values = [row[column] for row in rows[:24]]
    body = "; ".join(f"{p}: {v}" for p, v in zip(parts, values, strict=True))
    return f"{headers[column]}. {body}." if body else headers[column]


def _both_years(headers: list[str], rows: list[list[str]]) -> str:
    """A year report's trend in words: each channel's months of this year and the year
    before ("Alle kanalen 2026: jan 71; feb 69; ... Alle kanalen 2025: ...")."""
    months = headers[2:]
    parts = [
        f"{row[0]} {row[1]}: " + "; ".join(f"{m} {v}" for m, v in zip(months, row[2:], strict=True))
        for row in rows
    ]
    return ". ".join(parts) + "."


@fonts.one_at_a_time
def sparkline_svg(row, data: ReportData) -> str:
    """A trend row's sparkline as SVG with its title and the values as description."""
    from survey.reports import svgfont

    lang = data.meta.language
    values = [display.percent(p, lang) if p is not None else display.DASH for p in row.points]
    desc = "; ".join(f"{m}: {v}" for m, v in zip(data.trend.labels, values, strict=True))
    text = renderSVG.drawToString(sparkline(row.points))
    return svgfont.finish(text, f"{row.name}: {texts.word('trend_short', lang)}", desc)


@fonts.one_at_a_time
def svg(name: str, data: ReportData) -> str:
    """One chart as SVG text (for the staff pages): the embedded font, <title> and <desc>."""
    from survey.reports import svgfont

    text = renderSVG.drawToString(CHARTS[name](data))
    return svgfont.finish(
        text, texts.chart_title(name, data.meta.language), description(name, data)
    )
