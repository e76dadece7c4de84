"""Everything a monthly report needs from the database, gathered as small tables."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import or_, select

from survey.extensions import db
from survey.models import ContactVolume, Location, Organisation, ReportTarget, Topic, Unit
from survey.reports import follow_up_build
from survey.reports.cells import CellQueries, question_index
from survey.reports.data import FunnelRow, LeftOut
from survey.reports.follow_up_build import FollowUpInput
from survey.reports.period import label
from survey.reports.screening import split, usable_probability, usable_score
from survey.services.funnel import funnel_rows

COMMENTS = 12
log = logging.getLogger(__name__)


@dataclass
class ReportInput:
    organisation: dict
    month: date
    language: str
    months: list[date]
    satisfaction: pd.DataFrame
    nps: pd.DataFrame
    grades: pd.DataFrame
    yes_no: pd.DataFrame
    reasons: pd.DataFrame
    reason_bases: pd.DataFrame
    breakdown: pd.DataFrame
    hours: pd.DataFrame
    pages: pd.DataFrame
    searched: pd.DataFrame
    comments: pd.DataFrame
    volumes: list[dict[str, int]]  # per month of `months`
    targets: list[dict] = field(default_factory=list)
    names: dict[str, dict[int, str]] = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    left_out: LeftOut = LeftOut()  # stored rows the build could not use
    funnel: tuple[FunnelRow, ...] = ()  # the invitation funnel per contact channel
    # complaint referrals and callback requests (survey/reports/follow_up_build.py)
    follow_up: FollowUpInput | None = None


def _as_share(column: pd.Series) -> pd.Series:
    """True/False/None (or 1/0/None) as 1.0/0.0/NaN."""
    return column.map(lambda v: float("nan") if v is None or pd.isna(v) else float(bool(v)))


def _sum(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Counts summed over the other columns; missing values stay groups of their own."""
    return frame.groupby(keys, dropna=False, as_index=False)["count"].sum()


def _volumes(organisation_id: int, months: list[date]) -> list[dict[str, int]]:
    rows = db.session.execute(
        select(ContactVolume.month, ContactVolume.contact_channel, ContactVolume.count).where(
            ContactVolume.organisation_id == organisation_id,
            ContactVolume.month >= months[0],
            ContactVolume.month <= months[-1],
        )
    ).all()
    by_month: dict[date, dict[str, int]] = {m: {} for m in months}
    for month, channel, count in rows:
        by_month.setdefault(month, {})[channel] = count
    return [by_month[m] for m in months]


def dimension_names(organisation_id: int, language: str) -> dict[str, dict[int, str]]:
    topic_name = Topic.name_en if language == "en" else Topic.name_nl
    names = {}
    for key, model, column in (
        ("location", Location, Location.name),
        ("unit", Unit, Unit.name),
        ("topic", Topic, topic_name),
    ):
        rows = db.session.execute(
            select(model.id, column).where(model.organisation_id == organisation_id)
        ).all()
        names[key] = {i: n for i, n in rows}
    return names


def month_targets(organisation_id: int, month: date, language: str) -> list[dict]:
    """The targets that apply to the report month (start month not after it)."""
    rows = db.session.execute(
        select(ReportTarget)
        .where(
            ReportTarget.organisation_id == organisation_id,
            or_(ReportTarget.start_month.is_(None), ReportTarget.start_month <= month),
        )
        .order_by(ReportTarget.id)
    ).scalars()
    return [
        {
            "measure": "nps" if t.measure == "nps" else (
                "yes_share" if t.question_key else "satisfied"
            ),
            "question": None if t.measure == "nps" else t.question_key,
            "channel": t.contact_channel,
            "share": t.share,
            "label": t.label_en if language == "en" else t.label_nl,
        }
        for t in rows
    ]


def collect(org: Organisation, month: date, language: str = "nl") -> ReportInput:
    """Run the cell queries for one organisation and month."""
    queries = CellQueries(org.id, month)
    index = question_index(org.id)
    report_month = len(queries.months) - 1
    detail, left_now = _weighable(queries.detail())
    detail["satisfied"] = _as_share(detail["satisfied"])
    current = _sum(detail, ["channel", "p", "satisfied"])
    current["month_index"] = report_month
    history, left_before = _weighable(queries.satisfaction())
    history["satisfied"] = _as_share(history["satisfied"])
    nps, bad_nps = _scores(queries.numbers(index, "nps"), "nps", report_month)
    grades, bad_grades = _scores(queries.numbers(index, "grade"), "grade", report_month)
    left_out = LeftOut(left_now, left_before, bad_nps + bad_grades)
    if left_out.total:
        log.warning(
            "Report %s %s: left out %d responses of the month, %d of earlier months and "
            "%d scores: inclusion probability or score outside its range.",
            org.slug,
            label(month),
            left_out.responses,
            left_out.earlier_responses,
            left_out.answers,
        )
    satisfaction = pd.concat([history, current], ignore_index=True) if len(history) else current
    breakdown = _sum(detail, ["channel", "p", "location_id", "unit_id", "topic_id", "satisfied"])
    hours = _sum(detail, ["weekday", "hour", "channel", "p", "satisfied"])
    return ReportInput(
        organisation={"slug": org.slug, "name": org.name},
        month=month,
        language=language,
        months=queries.months,
        satisfaction=satisfaction,
        nps=nps,
        grades=grades,
        yes_no=_weighable(queries.options(index, "yes_no_na"))[0],
        reasons=queries.options(index, "choice", multiple_only=True),
        reason_bases=queries.reason_bases(index),
        breakdown=breakdown,
        hours=hours,
        pages=queries.pages(),
        searched=queries.searched(index),
        comments=queries.texts(index, _not_website(), COMMENTS * 4),
        volumes=_volumes(org.id, queries.months),
        targets=month_targets(org.id, month, language),
        names=dimension_names(org.id, language),
        labels=index.labels,
        left_out=left_out,
        funnel=funnel_rows(org.id, month),
        follow_up=follow_up_build.collect(org, month),
    )


def _weighable(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows with a usable inclusion probability, and how many respondents were left out."""
    if frame.empty:
        return frame, 0
    return split(frame, usable_probability(frame))


def _scores(frame: pd.DataFrame, kind: str, report_month: int) -> tuple[pd.DataFrame, int]:
    """Scores with a usable weight and on their scale, and how many of the report month's
    scores were off the scale (those with a bad weight are counted as responses)."""
    frame, _ = _weighable(frame)
    if frame.empty:
        return frame, 0
    keep = usable_score(frame, kind)
    off_scale = int(frame.loc[~keep & (frame["month_index"] == report_month), "count"].sum())
    return split(frame, keep)[0], off_scale


def _not_website():
    from survey.models import Response

    return Response.contact_channel != "website"
