"""The trend as small multiples: one small chart per channel (and all channels), all on
the same 0-100% scale; a year report draws the same months of the year before in each as a
second line (another colour, dashed, a dot at every month) with a legend. Part of
survey.reports.charts (``charts.trend_chart``), whose text and colours it uses."""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from survey import safetext
from survey.reports import display, fonts, texts
from survey.reports.charts import FIRM, GRID, MUTED, WIDTH, _label, _text
from survey.reports.data import Estimate, ReportData

# The year before in a year report's trend: another colour and dashed, with a round marker
# at every month, so the two lines differ without colour too.
BEFORE = colors.HexColor("#c05600")
BEFORE_DASH = [3, 2]


def _line(drawing, points, x_of, y_of, color, dash=None, marker=False) -> None:
    """A line through the figures that may be shown; a missing or suppressed month leaves
    a gap (never a zero). Indicative points are hollow squares; with ``marker`` every
    point gets a dot (and a lone point is seen)."""
    segment: list[float] = []
    for i, point in enumerate((*points, None)):
        if isinstance(point, Estimate):
            x, y = x_of(i), y_of(point.estimate)
            segment += [x, y]
            if point.reliability == "indicative":
                drawing.add(
                    Rect(x - 1.5, y - 1.5, 3, 3, fillColor=colors.white, strokeColor=color,
                         strokeWidth=0.8)
                )  # fmt: skip
            elif marker:
                drawing.add(Circle(x, y, 1.4, fillColor=color, strokeColor=None))
        elif segment:
            if len(segment) > 2:
                drawing.add(
                    PolyLine(segment, strokeColor=color, strokeWidth=1.4, strokeDashArray=dash)
                )
            segment = []


def _panel(drawing, x0, y0, w, h, row, lang, labels, size=7) -> None:
    """One small chart of a trend row: 0-100% on the same scale as its neighbours (and, in a
    year report, the year before as a second, dashed line)."""
    top = 12
    plot_h = h - top - 12
    step = (w - 8) / max(len(labels) - 1, 1)
    drawing.add(_text(x0, y0 + h - 9, row.name, size + 1, bold=True))

    def y_of(share: float) -> float:
        return y0 + 12 + plot_h * share

    def x_of(i: int) -> float:
        return x0 + i * step

    for tick in (0, 50, 100):
        y = y_of(tick / 100)
        drawing.add(Line(x0, y, x0 + w - 8, y, strokeColor=GRID, strokeWidth=0.4))
    drawing.add(_text(x0, y0 + 2, labels[0], size - 1, color=MUTED))
    drawing.add(_text(x0 + w - 8, y0 + 2, labels[-1], size - 1, "end", color=MUTED))
    if row.before:
        _line(drawing, row.before, x_of, y_of, BEFORE, BEFORE_DASH, marker=True)
    _line(drawing, row.points, x_of, y_of, FIRM)
    shown = [(i, p) for i, p in enumerate(row.points) if isinstance(p, Estimate)]
    if shown and shown[-1][0] == len(row.points) - 1:
        i, point = shown[-1]
        _label(
            drawing,
            min(x_of(i) + 3, x0 + w - 30),
            y_of(point.estimate) + 3,
            display.share_percent(point.estimate, lang),
            size,
        )


def _legend(drawing, x, y, legend) -> None:
    """This year solid, the year before dashed with dots: named, not told by colour only."""
    this_year, year_before = legend
    drawing.add(Line(x, y + 3, x + 16, y + 3, strokeColor=FIRM, strokeWidth=1.4))
    drawing.add(_text(x + 20, y, this_year, 7.5))
    x += 28 + stringWidth(safetext.clean(this_year), fonts.REGULAR, 7.5)
    drawing.add(
        Line(x, y + 3, x + 16, y + 3, strokeColor=BEFORE, strokeWidth=1.4,
             strokeDashArray=BEFORE_DASH)
    )  # fmt: skip
    for dot in (x + 3, x + 13):
        drawing.add(Circle(dot, y + 3, 1.4, fillColor=BEFORE, strokeColor=None))
    drawing.add(_text(x + 20, y, year_before, 7.5))


def draw(data: ReportData) -> Drawing:
    """The 13-month trend as small multiples: one small chart per channel (and all
    channels), all on the same 0-100% scale, instead of one chart with nine lines.
    Suppressed months leave a gap; indicative points are hollow squares. A year report
    draws the year before in each small chart too, with a legend."""
    fonts.register()
    lang = data.meta.language
    trend = data.trend
    rows = trend.rows
    columns, panel_h, gap = 3, 78, 10
    panel_w = (WIDTH - gap * (columns - 1)) / columns
    lines = (len(rows) + columns - 1) // columns or 1
    head = 26 if trend.has_before else 14
    height = lines * (panel_h + gap) + head
    drawing = Drawing(WIDTH, height)
    drawing.add(_text(0, height - 10, texts.word("trend_scale", lang), 7, color=MUTED))
    if trend.has_before:
        _legend(drawing, 0, height - 23, trend.legend)
    for k, row in enumerate(rows):
        col, line = k % columns, k // columns
        x0 = col * (panel_w + gap)
        y0 = height - head - (line + 1) * (panel_h + gap) + gap
        _panel(drawing, x0, y0, panel_w, panel_h, row, lang, trend.labels)
    return drawing
