"""SQL GROUP BY queries that turn a month of responses into small cell tables.

Every query counts respondents per combination of a few columns; no query returns one row
per response, so a month with a million responses still yields tables of a few thousand
rows. Weights depend only on (month, contact_channel, inclusion_probability), so every
table keeps those two columns and the builder can attach weights to each cell.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import and_, case, distinct, false, func, or_, select

from survey.extensions import db
from survey.models import Answer, Response, SurveyVersion
from survey.models import Survey as SurveyModel
from survey.reports.period import AMSTERDAM, shift, utc_bounds

TREND_MONTHS = 13  # the report month and the twelve before it (same month last year)


@dataclass(frozen=True)
class QuestionIndex:
    """Which (question_key, survey versions) pairs hold questions of each kind."""

    by_kind: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    labels: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    multiple: frozenset[str] = frozenset()

    def condition(self, kind: str, multiple_only: bool = False):
        """SQL condition selecting answer rows of questions of this kind, or None."""
        parts = [
            and_(Answer.question_key == key, Response.survey_version_id.in_(versions))
            for key, versions in self.by_kind.get(kind, {}).items()
            if not multiple_only or key in self.multiple
        ]
        return or_(*parts) if parts else None


def question_index(organisation_id: int) -> QuestionIndex:
    """Question kinds from the organisation's survey definitions, not from hard-coded keys."""
    rows = db.session.execute(
        select(SurveyVersion.id, SurveyVersion.definition)
        .join(SurveyModel, SurveyModel.id == SurveyVersion.survey_id)
        .where(SurveyModel.organisation_id == organisation_id)
    ).all()
    by_kind: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[tuple[str, str], dict[str, str]] = {}
    multiple: set[str] = set()
    for version_id, definition in rows:
        for question in definition.get("questions", []):
            by_kind[question["kind"]][question["key"]].append(version_id)
            labels.setdefault(("question", question["key"]), question.get("text", {}))
            if question.get("multiple"):
                multiple.add(question["key"])
            for option in question.get("options", []):
                labels.setdefault((question["key"], option["code"]), option.get("text", {}))
    return QuestionIndex(
        by_kind={k: {key: tuple(v) for key, v in d.items()} for k, d in by_kind.items()},
        labels=labels,
        multiple=frozenset(multiple),
    )


def _month_case(bounds: list[datetime]):
    """CASE expression giving each response's month index 0..len(bounds)-2."""
    whens = [(Response.submitted_at < b, i) for i, b in enumerate(bounds[1:-1])]
    return case(*whens, else_=len(bounds) - 2)


class CellQueries:
    """The cell tables of one organisation and report month (suspect responses left out)."""

    def __init__(self, organisation_id: int, month: date, include_suspect: bool = False):
        self.organisation_id = organisation_id
        self.month = month
        self.include_suspect = include_suspect
        self.months = [shift(month, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
        self.bounds = [utc_bounds(m)[0] for m in self.months] + [utc_bounds(month)[1]]
        self.start, self.end = utc_bounds(month)

    def _where(self, query, whole_window: bool = False):
        start = self.bounds[0] if whole_window else self.start
        organisation, submitted = Response.organisation_id, Response.submitted_at
        via_answers = any(
            getattr(getattr(f, "right", None), "name", None) == Answer.__tablename__
            for f in query.get_final_froms()
        )
        if via_answers and db.engine.dialect.name == "sqlite":
            # Answers to a few question keys are far fewer than the month's responses, so
            # SQLite should start from the answers (question_key index) and look responses
            # up by primary key. Wrapping the columns keeps it off the responses index.
            organisation = func.coalesce(organisation, 0)
            submitted = func.coalesce(submitted, submitted)
        query = query.where(
            organisation == self.organisation_id,
            submitted >= start,
            submitted < self.end,
        )
        if via_answers and db.engine.dialect.name == "postgresql":
            # Answers carry their response's submitted_at: the same range lets PostgreSQL
            # read only the months' answer partitions (survey/services/partitions.py).
            query = query.where(Answer.submitted_at >= start, Answer.submitted_at < self.end)
        if not self.include_suspect:
            query = query.where(Response.suspect.is_(false()))
        return query

    def _frame(self, query, columns: list[str]) -> pd.DataFrame:
        rows = db.session.execute(query).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=columns)

    def satisfaction(self) -> pd.DataFrame:
        """month_index, channel, p, satisfied (True/False/None), count for the 12 months
        before the report month (the report month itself comes from ``detail``)."""
        month_index = _month_case(self.bounds).label("month_index")
        query = self._where(
            select(
                month_index,
                Response.contact_channel,
                Response.inclusion_probability,
                Response.satisfied,
                func.count(),
            ),
            whole_window=True,
        ).where(Response.submitted_at < self.start)
        query = query.group_by(
            month_index,
            Response.contact_channel,
            Response.inclusion_probability,
            Response.satisfied,
        )
        frame = self._frame(query, ["month_index", "channel", "p", "satisfied", "count"])
        return frame

    def numbers(self, index: QuestionIndex, kind: str) -> pd.DataFrame:
        """month_index, channel, p, value, count of the scores of questions of one kind."""
        columns = ["month_index", "channel", "p", "value", "count"]
        condition = index.condition(kind)
        if condition is None:
            return pd.DataFrame(columns=columns)
        month_index = _month_case(self.bounds).label("month_index")
        query = self._where(
            select(
                month_index,
                Response.contact_channel,
                Response.inclusion_probability,
                Answer.number,
                func.count(),
            )
            .select_from(Response)
            .join(Answer, Answer.response_id == Response.id),
            whole_window=True,
        ).where(condition, Answer.number.is_not(None))
        query = query.group_by(
            month_index, Response.contact_channel, Response.inclusion_probability, Answer.number
        )
        return self._frame(query, columns)

    def options(self, index: QuestionIndex, kind: str, multiple_only=False) -> pd.DataFrame:
        """channel, p, question_key, option, count for choice-like questions this month."""
        columns = ["channel", "p", "question", "option", "count"]
        condition = index.condition(kind, multiple_only)
        if condition is None:
            return pd.DataFrame(columns=columns)
        query = self._where(
            select(
                Response.contact_channel,
                Response.inclusion_probability,
                Answer.question_key,
                Answer.option,
                func.count(),
            )
            .select_from(Response)
            .join(Answer, Answer.response_id == Response.id)
        ).where(condition, Answer.option.is_not(None))
        query = query.group_by(
            Response.contact_channel,
            Response.inclusion_probability,
            Answer.question_key,
            Answer.option,
        )
        return self._frame(query, columns)

    def reason_bases(self, index: QuestionIndex) -> pd.DataFrame:
        """channel, question, respondents: how many answered each multi-answer question."""
        columns = ["channel", "question", "respondents"]
        condition = index.condition("choice", multiple_only=True)
        if condition is None:
            return pd.DataFrame(columns=columns)
        query = self._where(
            select(
                Response.contact_channel,
                Answer.question_key,
                func.count(distinct(Answer.response_id)),
            )
            .select_from(Response)
            .join(Answer, Answer.response_id == Response.id)
        ).where(condition)
        query = query.group_by(Response.contact_channel, Answer.question_key)
        return self._frame(query, columns)

    def detail(self) -> pd.DataFrame:
        """The report month in one pass: channel, p, satisfied, location_id, unit_id,
        topic_id, weekday (0 = Monday) and hour in Amsterdam time, count.

        SQL groups by the UTC hour; each UTC hour maps to exactly one Amsterdam hour
        (whole-hour offsets), so converting the buckets afterwards is exact.
        """
        if db.engine.dialect.name == "postgresql":
            bucket = func.to_char(func.date_trunc("hour", Response.submitted_at), "YYYY-MM-DD HH24")
        else:
            # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff': the first 13 characters are the hour.
            bucket = func.substr(Response.submitted_at, 1, 13)
        bucket = bucket.label("bucket")
        cols = [
            Response.contact_channel,
            Response.inclusion_probability,
            Response.satisfied,
            Response.location_id,
            Response.unit_id,
            Response.topic_id,
        ]
        query = self._where(select(bucket, *cols, func.count())).group_by(bucket, *cols)
        names = ["bucket", "channel", "p", "satisfied", "location_id", "unit_id", "topic_id"]
        frame = self._frame(query, names + ["count"])
        local = {
            b: datetime.strptime(b, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(AMSTERDAM)
            for b in frame["bucket"].unique()
        }
        frame["weekday"] = frame["bucket"].map(lambda b: local[b].weekday())
        frame["hour"] = frame["bucket"].map(lambda b: local[b].hour)
        return frame.drop(columns="bucket")

    def pages(self, limit: int = 10) -> pd.DataFrame:
        """page_path, responses, not_helped for website responses this month."""
        down = func.sum(case((Response.satisfied.is_(false()), 1), else_=0))
        query = (
            self._where(select(Response.page_path, func.count(), down))
            .where(Response.contact_channel == "website", Response.page_path.is_not(None))
            .group_by(Response.page_path)
            .order_by(down.desc(), Response.page_path)
            .limit(limit)
        )
        return self._frame(query, ["page", "responses", "not_helped"])

    def texts(self, index: QuestionIndex, channel_filter, limit: int) -> pd.DataFrame:
        """The newest text answers (channel, submitted_at, question, text) this month."""
        columns = ["channel", "submitted_at", "question", "text"]
        condition = index.condition("text")
        if condition is None:
            return pd.DataFrame(columns=columns)
        query = (
            self._where(
                select(
                    Response.contact_channel,
                    Response.submitted_at,
                    Answer.question_key,
                    Answer.text,
                )
                .select_from(Response)
                .join(Answer, Answer.response_id == Response.id)
            )
            .where(condition, Answer.text.is_not(None), channel_filter)
            .order_by(Response.submitted_at.desc(), Answer.id.desc())
            .limit(limit)
        )
        return self._frame(query, columns)

    def searched(self, index: QuestionIndex, limit: int = 10) -> pd.DataFrame:
        """What website visitors were looking for: text answers grouped, most frequent first."""
        columns = ["text", "count"]
        condition = index.condition("text")
        if condition is None:
            return pd.DataFrame(columns=columns)
        text = func.lower(func.trim(Answer.text))
        query = (
            self._where(
                select(text, func.count())
                .select_from(Response)
                .join(Answer, Answer.response_id == Response.id)
            )
            .where(condition, Answer.text.is_not(None), Response.contact_channel == "website")
            .group_by(text)
            .order_by(func.count().desc(), text)
            .limit(limit)
        )
        return self._frame(query, columns)
