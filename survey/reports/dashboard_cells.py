"""The dashboard's cell tables, one set per organisation and month, cached per process.

Every dashboard view (any period, any filter) is made from the months it covers; each month
is queried once with GROUP BY over the filter columns (channel, inclusion probability,
satisfied, survey mode, location, unit, topic) and kept in ``app.extensions["kto.dashboard"]``
for a few minutes. Filters are applied to the cached cells, never in SQL, so changing a
filter or opening the same month in another period costs no query. The weights of a month
come from all its cells (the population), and a filtered figure uses those weights.

Behind the per-process cache is a shared one: the worker stores the cells of every
organisation's current periods in ``dashboard_cells`` (survey.services.dashboard_warm: each
night, the last two months every few minutes, and for an organisation whose view found a
month cold). A web process that misses a month in memory reads the stored cells when they are
fresh enough (STORED_RECENT / STORED_SETTLED) instead of querying the month's responses; the
contact volumes and so the weights are always read afresh.
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from flask import current_app
from sqlalchemy import distinct, false, func, select

from survey.extensions import db
from survey.models import Answer, ContactVolume, Response, StoredMonthCells
from survey.reports.cells import QuestionIndex, question_index
from survey.reports.details import WeightNote
from survey.reports.period import utc_bounds
from survey.reports.screening import split, usable_probability, usable_score
from survey.reports.weighting import MonthWeights, month_weights

FILTERS = ("mode", "location_id", "unit_id", "topic_id")
RECENT_SECONDS = 300  # months that may still receive responses (offline kiosks, imports)
SETTLED_SECONDS = 3600
MAX_ENTRIES = 4096
STORED_RECENT = 600  # stored cells of the last two months serve for 10 minutes
STORED_SETTLED = 26 * 3600  # older months' for a day (the worker stores them every night)
FRAMES = ("responses", "reasons", "reason_bases", "pages", "nps", "grades")
SCORE_COLUMNS = ["channel", "p", *FILTERS, "value", "count"]


@dataclass
class MonthCells:
    month: date
    responses: pd.DataFrame  # channel, p, satisfied, mode, location_id, unit_id, topic_id, count
    reasons: pd.DataFrame  # the same filter columns + channel, p, question, option, count
    reason_bases: pd.DataFrame  # channel, mode, location_id, unit_id, topic_id, respondents
    pages: pd.DataFrame  # mode, location_id, unit_id, topic_id, page, satisfied, count
    volumes: dict[str, int]
    weights: MonthWeights
    # channel, p, mode, location_id, unit_id, topic_id, value, count of NPS and grade answers
    nps: pd.DataFrame = field(default_factory=pd.DataFrame)
    grades: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Arrays derived from the cells per filter (dashboard_data), kept as long as the cells.
    derived: dict = field(default_factory=dict)


_LOCK = threading.Lock()


def _cache() -> dict:
    return current_app.extensions.setdefault("kto.dashboard", {})


def _cold() -> set[int]:
    return current_app.extensions.setdefault("kto.dashboard.cold", set())


def clear() -> None:
    """Forget every cached month (tests; after a bulk import)."""
    with _LOCK:
        _cache().clear()


def get(key):
    """A fresh cached value, or None."""
    with _LOCK:
        hit = _cache().get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    return None


def put(key, value, seconds: float) -> None:
    """Keep ``value`` for ``seconds``; when full, expired entries and then the oldest
    quarter go first, so the cache stays bounded whatever the URLs."""
    now = time.monotonic()
    with _LOCK:
        cache = _cache()
        if len(cache) >= MAX_ENTRIES:
            for old in [k for k, v in cache.items() if v[0] <= now]:
                cache.pop(old, None)
        if len(cache) >= MAX_ENTRIES:
            for old in sorted(cache, key=lambda k: cache[k][0])[: MAX_ENTRIES // 4]:
                cache.pop(old, None)
        cache[key] = (now + seconds, value)


def _frame(query, columns) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in db.session.execute(query).all()], columns=columns)


def _month_where(query, organisation_id: int, month: date):
    start, end = utc_bounds(month)
    return query.where(
        Response.organisation_id == organisation_id,
        Response.submitted_at >= start,
        Response.submitted_at < end,
        Response.suspect.is_(false()),
    )


_DIMENSIONS = (Response.survey_mode, Response.location_id, Response.unit_id, Response.topic_id)


def _query_month(organisation_id: int, month: date, index: QuestionIndex) -> MonthCells:
    cols = (Response.contact_channel, Response.inclusion_probability, Response.satisfied)
    query = _month_where(select(*cols, *_DIMENSIONS, func.count()), organisation_id, month)
    responses = _frame(
        query.group_by(*cols, *_DIMENSIONS),
        ["channel", "p", "satisfied", *FILTERS, "count"],
    )
    if not responses.empty:
        responses, _ = split(responses, usable_probability(responses))
        responses["satisfied"] = responses["satisfied"].map(
            lambda v: float("nan") if v is None or pd.isna(v) else float(bool(v))
        )
    condition = index.condition("choice", multiple_only=True)
    reason_cols = ["channel", "p", *FILTERS, "question", "option", "count"]
    base_cols = ["channel", *FILTERS, "respondents"]
    if condition is None:
        reasons, bases = pd.DataFrame(columns=reason_cols), pd.DataFrame(columns=base_cols)
    else:
        joined = (
            select(Response.contact_channel)
            .select_from(Response)
            .join(Answer, Answer.response_id == Response.id)
        )
        group = (Response.contact_channel, Response.inclusion_probability, *_DIMENSIONS)
        query = _month_where(
            joined.with_only_columns(*group, Answer.question_key, Answer.option, func.count()),
            organisation_id,
            month,
        ).where(condition, Answer.option.is_not(None))
        reasons = _frame(query.group_by(*group, Answer.question_key, Answer.option), reason_cols)
        query = _month_where(
            joined.with_only_columns(
                Response.contact_channel, *_DIMENSIONS, func.count(distinct(Answer.response_id))
            ),
            organisation_id,
            month,
        ).where(condition)
        bases = _frame(query.group_by(Response.contact_channel, *_DIMENSIONS), base_cols)
    query = _month_where(
        select(*_DIMENSIONS, Response.page_path, Response.satisfied, func.count()),
        organisation_id,
        month,
    ).where(Response.contact_channel == "website", Response.page_path.is_not(None))
    pages = _frame(
        query.group_by(*_DIMENSIONS, Response.page_path, Response.satisfied),
        [*FILTERS, "page", "satisfied", "count"],
    )
    volumes = _volumes(organisation_id, month)
    nps, grades = (_scores(organisation_id, month, index, kind) for kind in ("nps", "grade"))
    return MonthCells(
        month=month,
        responses=responses,
        reasons=reasons,
        reason_bases=bases,
        pages=pages,
        volumes=volumes,
        weights=month_weights(responses, volumes),
        nps=nps,
        grades=grades,
    )


def _scores(organisation_id: int, month: date, index: QuestionIndex, kind: str) -> pd.DataFrame:
    """The month's answers to NPS or grade questions, grouped by channel, p, the filter
    columns and the score; only usable weights and scores on the kind's scale."""
    condition = index.condition(kind)
    if condition is None:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    group = (Response.contact_channel, Response.inclusion_probability, *_DIMENSIONS, Answer.number)
    query = _month_where(
        select(*group, func.count())
        .select_from(Response)
        .join(Answer, Answer.response_id == Response.id),
        organisation_id,
        month,
    ).where(condition, Answer.number.is_not(None))
    frame = _frame(query.group_by(*group), SCORE_COLUMNS)
    if frame.empty:
        return frame
    frame, _ = split(frame, usable_probability(frame))
    frame, _ = split(frame, usable_score(frame, kind))
    return frame


def _volumes(organisation_id: int, month: date) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(ContactVolume.contact_channel, ContactVolume.count).where(
                ContactVolume.organisation_id == organisation_id, ContactVolume.month == month
            )
        ).all()
    )


def recent(month: date, today: date) -> bool:
    """The month of ``today`` or the one before: it may still receive responses."""
    return (today.year - month.year) * 12 + today.month - month.month <= 1


def ttl(month: date, today: date) -> int:
    return RECENT_SECONDS if recent(month, today) else SETTLED_SECONDS


def encode(cells: MonthCells) -> bytes:
    """The month's cell tables and weights as compressed JSON; the weights are used on
    reading only while the month's contact volumes are still the ones they were made for."""
    doc: dict = {}
    for name in FRAMES:
        frame = getattr(cells, name)
        values = json.loads(frame.to_json(orient="values", date_format="iso"))
        doc[name] = {"columns": list(frame.columns), "data": values}
    weights = cells.weights
    doc["weights"] = {
        "cells": [[c, p, w] for (c, p), w in weights.weights.items()],
        "calibrated": weights.calibrated,
        "trimmed": weights.trimmed,
        "missing_volumes": list(weights.missing_volumes),
        "volumes": dict(weights.volumes),
        "note": None if weights.note is None else [weights.note.code, weights.note.params],
    }
    return zlib.compress(json.dumps(doc, separators=(",", ":")).encode(), 6)


def _weights(stored: dict | None, responses: pd.DataFrame, volumes: dict) -> MonthWeights:
    if stored is None or stored["volumes"] != {k: int(v) for k, v in volumes.items()}:
        return month_weights(responses, volumes)  # the volumes changed: weight again
    note = stored["note"]
    return MonthWeights(
        {(c, float(p)): float(w) for c, p, w in stored["cells"]},
        calibrated=stored["calibrated"],
        trimmed=stored["trimmed"],
        missing_volumes=list(stored["missing_volumes"]),
        volumes=dict(volumes),
        note=None if note is None else WeightNote(note[0], note[1]),
    )


def decode(month: date, payload: bytes, volumes: dict[str, int]) -> MonthCells:
    doc = json.loads(zlib.decompress(payload))
    frames = {
        name: pd.DataFrame(doc[name]["data"], columns=doc[name]["columns"])
        for name in FRAMES
        if name in doc
    }
    responses = frames["responses"]
    if not responses.empty:
        responses["p"] = responses["p"].astype(float)
        responses["satisfied"] = responses["satisfied"].astype(float)
    return MonthCells(
        month=month,
        responses=responses,
        reasons=frames["reasons"],
        reason_bases=frames["reason_bases"],
        pages=frames["pages"],
        volumes=volumes,
        weights=_weights(doc.get("weights"), responses, volumes),
        nps=frames.get("nps", pd.DataFrame(columns=SCORE_COLUMNS)),
        grades=frames.get("grades", pd.DataFrame(columns=SCORE_COLUMNS)),
    )


def query_month(organisation_id: int, month: date) -> MonthCells:
    """The month's cells from its responses (the worker stores them: dashboard_warm)."""
    return _query_month(organisation_id, month, cached_index(organisation_id))


def _stored(organisation_id: int, month: date, today: date) -> MonthCells | None:
    """The month's cells as the worker stored them, when fresh enough; else None."""
    found = db.session.execute(
        select(StoredMonthCells.built_at, StoredMonthCells.payload).where(
            StoredMonthCells.organisation_id == organisation_id, StoredMonthCells.month == month
        )
    ).first()
    if found is None:
        return None
    built_at = found.built_at if found.built_at.tzinfo else found.built_at.replace(tzinfo=UTC)
    age = STORED_RECENT if recent(month, today) else STORED_SETTLED
    if built_at < datetime.now(UTC) - timedelta(seconds=age):
        return None
    return decode(month, found.payload, _volumes(organisation_id, month))


def month_cells(organisation_id: int, month: date, today: date, index=None) -> MonthCells:
    """The month's cells: from this process's cache, else as the worker stored them, else
    queried (and the organisation is marked cold, see take_cold)."""
    key = (organisation_id, month)
    cells = get(key)
    if cells is None:
        cells = _stored(organisation_id, month, today)
        if cells is None:
            cells = _query_month(organisation_id, month, index or cached_index(organisation_id))
            with _LOCK:
                _cold().add(organisation_id)
        put(key, cells, ttl(month, today))
    return cells


def take_cold(organisation_id: int) -> bool:
    """Whether a month of the organisation was queried (not found in the cache or stored)
    since the last call: the caller asks the worker to store its current months."""
    with _LOCK:
        cold = _cold()
        if organisation_id in cold:
            cold.discard(organisation_id)
            return True
    return False


def cached_index(organisation_id: int) -> QuestionIndex:
    """The organisation's question index (which keys are reasons), cached for a minute."""
    key = (organisation_id, "index")
    index = get(key)
    if index is None:
        index = question_index(organisation_id)
        put(key, index, 60)
    return index
