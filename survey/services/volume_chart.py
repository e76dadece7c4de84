"""Contact volumes next to response counts per month, as a table and an SVG chart.

The chart is drawn with the report charts' reportlab pieces (survey.reports.charts), so it
looks like the report's and renders to SVG for the staff page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing, Line, Rect
from sqlalchemy import case, false, func, select

from survey.domain.channels import CONTACT_CHANNELS
from survey.extensions import db
from survey.models import Response
from survey.reports import display, fonts
from survey.reports.charts import FIRM, GRID, MUTED, WIDTH, _text
from survey.reports.period import label, shift, utc_bounds
from survey.services.volumes import volumes_between

MONTHS = 13


@dataclass(frozen=True)
class MonthRow:
    month: date
    contacts: int | None  # None: not entered
    responses: int

    @property
    def rate(self) -> float | None:
        """Responses per contact, when contacts were entered."""
        return self.responses / self.contacts if self.contacts else None


def months_until(last: date, count: int = MONTHS) -> list[date]:
    return [shift(last, -i) for i in range(count - 1, -1, -1)]


def _responses(organisation_id: int, months: list[date]) -> dict[tuple[int, str], int]:
    """{(month index, channel): responses} counted by the Amsterdam month they were given in."""
    bounds = [utc_bounds(m)[0] for m in months] + [utc_bounds(months[-1])[1]]
    index = case(
        *[(Response.submitted_at < b, i) for i, b in enumerate(bounds[1:-1])],
        else_=len(months) - 1,
    ).label("month_index")
    rows = db.session.execute(
        select(index, Response.contact_channel, func.count())
        .where(
            Response.organisation_id == organisation_id,
            Response.submitted_at >= bounds[0],
            Response.submitted_at < bounds[-1],
            Response.suspect.is_(false()),
        )
        .group_by(index, Response.contact_channel)
    ).all()
    return {(int(i), channel): int(n) for i, channel, n in rows}


def overview(
    organisation_id: int, last: date, channel: str | None = None, count: int = MONTHS
) -> list[MonthRow]:
    """One row per month up to `last`: contacts entered and responses (one channel or all)."""
    months = months_until(last, count)
    volumes = volumes_between(organisation_id, months[0], months[-1])
    responses = _responses(organisation_id, months)
    channels = CONTACT_CHANNELS if channel is None else (channel,)
    rows = []
    for i, month in enumerate(months):
        entered = [volumes[(month, c)] for c in channels if (month, c) in volumes]
        rows.append(
            MonthRow(
                month=month,
                contacts=sum(entered) if entered else None,
                responses=sum(responses.get((i, c), 0) for c in channels),
            )
        )
    return rows


def chart(rows: list[MonthRow], lang: str, titles: tuple[str, str], missing: str) -> Drawing:
    """Two bar columns per month: contacts (left) and responses (right), each on its scale."""
    fonts.register()
    left, gap, row_h, top = 60, 20, 16, 22
    col_w = (WIDTH - left - gap) / 2 - 50
    height = top + row_h * len(rows) + 6
    drawing = Drawing(WIDTH, height)
    peaks = (
        max((r.contacts or 0 for r in rows), default=0) or 1,
        max((r.responses for r in rows), default=0) or 1,
    )
    starts = (left, left + col_w + 50 + gap)
    for x, title in zip(starts, titles, strict=True):
        drawing.add(_text(x, height - 14, title, 8, bold=True))
        drawing.add(Line(x, 4, x, height - top + 4, strokeColor=GRID, strokeWidth=0.5))
    for i, row in enumerate(rows):
        y = height - top - (i + 1) * row_h + 4
        drawing.add(_text(left - 6, y + 2, label(row.month), 7, "end"))
        for column, (x, value, peak) in enumerate(
            zip(starts, (row.contacts, row.responses), peaks, strict=True)
        ):
            if value is None:
                drawing.add(_text(x + 4, y + 2, missing, 7, color=MUTED))
                continue
            width = col_w * value / peak
            fill = FIRM if column == 0 else MUTED
            drawing.add(Rect(x, y, width, 10, fillColor=fill, strokeColor=None))
            drawing.add(_text(x + width + 4, y + 2, display.number(value, lang), 7))
    return drawing


# reportlab names the registered fonts; a browser knows them by family (and needs a fallback).
SVG_FONTS = {
    "font-family: DejaVuSans-Bold": "font-family: 'DejaVu Sans', sans-serif; font-weight: bold",
    "font-family: DejaVuSans": "font-family: 'DejaVu Sans', sans-serif",
}


@fonts.one_at_a_time
def chart_svg(rows: list[MonthRow], lang: str, titles: tuple[str, str], missing: str) -> str:
    svg = renderSVG.drawToString(chart(rows, lang, titles, missing))
    for name, family in SVG_FONTS.items():
        svg = svg.replace(name, family)
    return svg
