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
from survey.stats import round_half_up, round_percent

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


def _label(drawing: Drawing, x, y, value, size=7) -> None:
    """Text on a white ground, so grid and target lines crossing it do not hide digits."""
    width = stringWidth(safetext.clean(value), fonts.REGULAR, size)
    drawing.add(Rect(x - 1, y - 2, width + 2, size + 2, fillColor=colors.white, strokeColor=None))
    drawing.add(_text(x, y, value, size))


def channel_chart(data: ReportData) -> Drawing:
    """Weighted satisfied % per channel, a bar with its 95% interval as a whisker."""
    fonts.register()
    lang = data.meta.language
    rows = data.channels
    left, right, row_h, top = 120, 40, 22, 24
    height = top + row_h * max(len(rows), 1) + 30
    drawing = Drawing(WIDTH, height)
    plot_w = WIDTH - left - right
    base_y = 24

    def x_of(share: float) -> float:
        return left + plot_w * share

    for tick in range(0, 101, 20):
        x = x_of(tick / 100)
        drawing.add(Line(x, base_y, x, height - top + 6, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(_text(x, base_y - 12, display.percentage(tick, lang), 7, "middle"))
    target = next(
        (
            t
            for t in data.summary.targets
            if not t.question and not t.channel and not t.is_nps
        ),
        None,
    )
    if target:
        x = x_of(target.share)
        drawing.add(
            Line(x, base_y, x, height - top + 6, strokeColor=TARGET, strokeDashArray=[3, 2])
        )
        drawing.add(
            _text(x, height - top + 9, texts.word("target", lang), 7, "middle", color=TARGET)
        )
    for i, row in enumerate(rows):
        y = height - top - (i + 1) * row_h + 6
        drawing.add(_text(left - 6, y + 4, row.name, 8, "end"))
        est = row.satisfied
        if not isinstance(est, Estimate):
            drawing.add(_text(left + 4, y + 4, texts.word("suppressed", lang), 7, color=MUTED))
            continue
        fill = FIRM if est.reliability == "ok" else PALE
        drawing.add(Rect(left, y, plot_w * est.estimate, 12, fillColor=fill, strokeColor=None))
        lo, hi = x_of(est.low), x_of(est.high)
        drawing.add(Line(lo, y + 6, hi, y + 6, strokeColor=INK, strokeWidth=1))
        drawing.add(Line(lo, y + 2, lo, y + 10, strokeColor=INK, strokeWidth=1))
        drawing.add(Line(hi, y + 2, hi, y + 10, strokeColor=INK, strokeWidth=1))
        label = display.percentage(round_percent(est.estimate), lang)
        if est.reliability == "indicative":
            label += f" ({texts.word('indicative', lang)})"
        _label(drawing, hi + 4, y + 3, label)
    return drawing


def trend_chart(data: ReportData) -> Drawing:
    """Weighted satisfied % per month and channel; suppressed months leave a gap."""
    fonts.register()
    lang = data.meta.language
    trend = data.trend
    labels = trend.labels
    left, right, bottom, top = 34, 110, 28, 10
    height = 230
    drawing = Drawing(WIDTH, height)
    plot_w, plot_h = WIDTH - left - right, height - bottom - top
    step = plot_w / max(len(labels) - 1, 1)

    def y_of(share: float) -> float:
        return bottom + plot_h * share

    for tick in range(0, 101, 20):
        y = y_of(tick / 100)
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(_text(left - 4, y - 3, display.percentage(tick, lang), 7, "end"))
    for i, name in enumerate(labels):
        drawing.add(_text(left + i * step, bottom - 12, name, 6, "middle"))
    for n, row in enumerate(trend.rows):
        color = colors.HexColor(LINES[n % len(LINES)])
        width = 2.2 if row.channel is None else 1.1
        segment: list[float] = []
        for i, point in enumerate((*row.points, None)):
            if isinstance(point, Estimate):
                x, y = left + i * step, y_of(point.estimate)
                segment += [x, y]
                if point.reliability == "indicative":
                    drawing.add(
                        Rect(
                            x - 1.5,
                            y - 1.5,
                            3,
                            3,
                            fillColor=colors.white,
                            strokeColor=color,
                            strokeWidth=0.8,
                        )
                    )
            elif segment:
                if len(segment) > 2:
                    drawing.add(PolyLine(segment, strokeColor=color, strokeWidth=width))
                segment = []
        ly = height - top - 10 - n * 13
        drawing.add(
            Line(
                WIDTH - right + 8,
                ly + 3,
                WIDTH - right + 22,
                ly + 3,
                strokeColor=color,
                strokeWidth=width,
            )
        )
        drawing.add(_text(WIDTH - right + 26, ly, row.name, 7))
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
    """Reasons ranked by count (multi-answer)."""
    fonts.register()
    lang = data.meta.language
    rows = data.reasons.rows[:10]
    left, row_h = 230, 16
    height = row_h * max(len(rows), 1) + 8
    drawing = Drawing(WIDTH, height)
    peak = max((r.count for r in rows), default=1)
    for i, row in enumerate(rows):
        y = height - (i + 1) * row_h
        label = safetext.clean(row.label)
        label = label if len(label) <= 48 else label[:47] + "…"
        drawing.add(_text(left - 6, y + 3, label, 7, "end"))
        width = (WIDTH - left - 70) * row.count / peak
        drawing.add(Rect(left, y, width, 10, fillColor=FIRM, strokeColor=None))
        share = display.percentage(round_half_up(100 * row.share), lang)
        value = f"{display.number(row.count, lang)} ({share})"
        drawing.add(_text(left + width + 4, y + 2, value, 7))
    return drawing


CHARTS = {
    "channels": channel_chart,
    "trend": trend_chart,
    "heatmap": heatmap_chart,
    "reasons": reasons_chart,
}


@fonts.one_at_a_time
def svg(name: str, data: ReportData) -> str:
    """One chart as SVG text (for the staff pages)."""
    return renderSVG.drawToString(CHARTS[name](data))
