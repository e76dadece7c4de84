"""A comparison group's figures: per organisation and contact channel, for one period, the
weighted satisfied share and (where it was asked) the NPS, each with its interval.

Each organisation is weighted to its own contact volumes, month by month, exactly as its
dashboard (survey.reports.dashboard_data) and monthly report are: the satisfied shares come
from the dashboard's cached month cells, the NPS from cells of its own (channel, inclusion
probability, score, count per month; cached the same way) with the month's weights. So a
month's figures are the organisation's monthly report's. Only figures leave this module:
a figure from fewer than the suppression threshold is ``Suppressed`` (n and flag, no
number), and no comment or other text of an organisation is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from flask_babel import lazy_gettext as _l
from reportlab.graphics import renderSVG
from sqlalchemy import false, func, select

from survey.domain.channels import CONTACT_CHANNELS
from survey.extensions import db
from survey.i18n import in_language
from survey.models import Answer, Response
from survey.reports import charts, display, fonts, texts
from survey.reports import dashboard_cells as cells
from survey.reports.data import Figure
from survey.reports.period import utc_bounds
from survey.reports.periods import Period
from survey.reports.screening import split, usable_probability, usable_score
from survey.reports.weighting import summarise
from survey.reports.window import Filters, Window
from survey.stats import nps_estimate

ALL = "all"
ORGANISATION = _l("Organisation")


@dataclass(frozen=True)
class Member:
    organisation_id: int
    slug: str
    name: str


@dataclass(frozen=True)
class Cell:
    """One organisation's figures for one channel (``ALL``: all channels)."""

    satisfied: Figure
    nps: Figure  # None: not asked


@dataclass(frozen=True)
class Comparison:
    period: Period
    members: tuple[Member, ...]
    channels: tuple[str, ...]  # ALL first, then the channels any member has in the period
    cells: dict  # (organisation_id, channel) -> Cell

    def cell(self, member: Member, channel: str) -> Cell:
        return self.cells.get((member.organisation_id, channel), Cell(None, None))

    def asked_nps(self, channel: str) -> bool:
        return any(self.cell(m, channel).nps is not None for m in self.members)


def _nps_month(organisation_id: int, month: date, today: date) -> pd.DataFrame:
    """channel, p, value, count of the month's NPS scores (usable ones), cached."""
    key = (organisation_id, month, "nps")
    found = cells.get(key)
    if found is not None:
        return found
    columns = ["channel", "p", "value", "count"]
    condition = cells.cached_index(organisation_id).condition("nps")
    frame = pd.DataFrame(columns=columns)
    if condition is not None:
        start, end = utc_bounds(month)
        group = (Response.contact_channel, Response.inclusion_probability, Answer.number)
        query = (
            select(*group, func.count())
            .select_from(Response)
            .join(Answer, Answer.response_id == Response.id)
            .where(
                Response.organisation_id == organisation_id,
                Response.submitted_at >= start,
                Response.submitted_at < end,
                Response.suspect.is_(false()),
                condition,
                Answer.number.is_not(None),
            )
            .group_by(*group)
        )
        rows = [tuple(r) for r in db.session.execute(query).all()]
        frame = pd.DataFrame(rows, columns=columns)
        if not frame.empty:
            frame, _ = split(frame, usable_probability(frame))
            frame, _ = split(frame, usable_score(frame, "nps"))
    cells.put(key, frame, cells.ttl(month, today))
    return frame


def _nps(organisation_id: int, window: Window, today: date, channel: str | None):
    """The period's NPS: every month's scores with that month's weights, pooled."""
    values, weights = [], []
    for month in window.months:
        frame = _nps_month(organisation_id, month.month, today)
        if channel is not None and not frame.empty:
            frame = frame[frame["channel"] == channel]
        if frame.empty:
            continue
        counts = frame["count"].to_numpy(dtype=np.int64)
        values.append(np.repeat(frame["value"].to_numpy(dtype=float), counts))
        weights.append(np.repeat(month.weights.of(frame), counts))
    if not values:
        return None
    return nps_estimate(np.concatenate(values), np.concatenate(weights))


def compare(members: list[Member], period: Period, today: date) -> Comparison:
    """The figures of every member for the period (no filters: whole organisations)."""
    everything = Filters()
    found: dict = {}
    present: set[str] = set()
    for member in members:
        index = cells.cached_index(member.organisation_id)
        window = Window(member.organisation_id, period, today, index)
        for month in window.months:
            if not month.responses.empty:
                present |= set(month.responses["channel"])
        for channel in (None, *CONTACT_CHANNELS):
            if channel is not None and window.responses(everything, channel) == 0:
                continue
            found[(member.organisation_id, channel or ALL)] = Cell(
                summarise(window.estimate(everything, channel)),
                summarise(_nps(member.organisation_id, window, today, channel)),
            )
    channels = (ALL, *(c for c in CONTACT_CHANNELS if c in present))
    return Comparison(period, tuple(members), channels, found)


def channel_name(channel: str, language: str) -> str:
    if channel == ALL:
        return texts.word("all_channels", language)
    return texts.channel_name(channel, language)


def table(comparison: Comparison, channel: str, language: str) -> tuple[list[str], list[list]]:
    """The data table behind a channel's chart, in the language's words and notation."""
    w = lambda key: texts.word(key, language)  # noqa: E731
    nps = comparison.asked_nps(channel)
    with in_language(language):
        organisation = str(ORGANISATION)
    headers = [organisation, w("satisfied"), w("interval"), w("n"), w("n_eff"), w("reliability")]
    if nps:
        headers += [w("nps"), w("interval")]
    rows = []
    for member in comparison.members:
        cell = comparison.cell(member, channel)
        row = [
            member.name,
            display.percent(cell.satisfied, language),
            display.percent_interval(cell.satisfied, language),
            display.n(cell.satisfied, language),
            display.n_eff(cell.satisfied, language),
            display.flag(cell.satisfied, language),
        ]
        if nps:
            row += (
                [display.nps(cell.nps, language), display.nps_interval(cell.nps, language)]
                if cell.nps is not None
                else [display.DASH, display.DASH]
            )
        rows.append(row)
    return headers, rows


@fonts.one_at_a_time
def svg(comparison: Comparison, channel: str, language: str, title: str) -> str:
    """The members' satisfied shares of one channel side by side, as SVG (the report's
    chart code and embedded font, with its title and the figures as description)."""
    from survey.reports import svgfont

    rows = [(m.name, comparison.cell(m, channel).satisfied) for m in comparison.members]
    drawing = charts.interval_bars(rows, language)
    _, values = table(comparison, channel, language)
    desc = "; ".join(f"{r[0]}: {r[1]} ({r[2]})" for r in values)
    return svgfont.finish(renderSVG.drawToString(drawing), title, desc)
