"""The staff dashboard: a period and filters from the URL in, report data and comments out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from babel.dates import format_date
from sqlalchemy import false, func, select

from survey.domain.channels import CONTACT_CHANNELS, SURVEY_MODES
from survey.domain.scrub import scrub
from survey.errors import Invalid
from survey.extensions import db
from survey.models import Answer, Response
from survey.reports import dashboard_data, texts
from survey.reports.dashboard_cells import cached_index, take_cold
from survey.reports.data import Comment, ReportData
from survey.reports.inputs import dimension_names
from survey.reports.period import AMSTERDAM, utc_bounds
from survey.reports.periods import Period, parse

COMMENTS = 50
MAX_SEARCH = 100


@dataclass(frozen=True)
class View:
    period: Period
    filters: dashboard_data.Filters
    data: ReportData
    cold: bool = False  # a month had to be queried: ask the worker to store the current ones


def _number(args, name: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Invalid("wrong_type", f"'{name}' must be a number.", name)
    return int(raw)


def read_filters(args) -> dashboard_data.Filters:
    channel = (args.get("channel") or "").strip() or None
    mode = (args.get("mode") or "").strip() or None
    if channel is not None and channel not in CONTACT_CHANNELS:
        raise Invalid("unknown_channel", f"Unknown contact channel {channel!r}.", "channel")
    if mode is not None and mode not in SURVEY_MODES:
        raise Invalid("unknown_mode", f"Unknown survey mode {mode!r}.", "mode")
    return dashboard_data.Filters(
        channel, mode, _number(args, "location"), _number(args, "unit"), _number(args, "topic")
    )


def read_period(args, today: date) -> Period:
    try:
        return parse(args.get("period"), args.get("at"), args.get("from"), args.get("to"), today)
    except ValueError as error:
        raise Invalid("wrong_period", str(error), "period") from None


def view(organisation, args, language: str, today: date | None = None) -> View:
    """The dashboard of one organisation for the period and filters in ``args``."""
    today = today or datetime.now(AMSTERDAM).date()
    period, filters = read_period(args, today), read_filters(args)
    data = dashboard_data.build(organisation, period, filters, language, today)
    return View(period, filters, data, cold=take_cold(organisation.id))


def choices(organisation, language: str) -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers: (value, name)."""
    names = dimension_names(organisation.id, language)
    return {
        "channel": [(c, texts.channel_name(c, language)) for c in CONTACT_CHANNELS],
        "mode": [(m, m) for m in SURVEY_MODES],
        **{
            dim: sorted(((str(k), v) for k, v in names.get(dim, {}).items()), key=lambda x: x[1])
            for dim in ("location", "unit", "topic")
        },
    }


def scope(organisation, filters: dashboard_data.Filters, language: str) -> str:
    """The filters in words ("Telefoon · Stadhuis"), for a report of a filtered view."""
    offered = choices(organisation, language)
    parts = []
    for name, value in (
        ("channel", filters.channel),
        ("mode", filters.mode),
        ("location", filters.location_id),
        ("unit", filters.unit_id),
        ("topic", filters.topic_id),
    ):
        if value is not None:
            parts.append(dict(offered[name]).get(str(value), str(value)))
    return " · ".join(parts)


def comments(organisation, current: View, search: str, language: str) -> list[Comment]:
    """The newest comments of the period and filters, scrubbed, optionally containing
    ``search``; none from a channel with fewer responses than the suppression threshold."""
    search = (search or "").strip()[:MAX_SEARCH]
    condition = cached_index(organisation.id).condition("text")
    if condition is None:
        return []
    start = utc_bounds(current.period.first)[0]
    end = utc_bounds(current.period.last)[1]
    filters = current.filters
    organisation_column, submitted = Response.organisation_id, Response.submitted_at
    if db.engine.dialect.name == "sqlite":
        # Text answers are few: SQLite should start from them (the question_key index) and
        # look their responses up, not walk the month's responses (as the report's cells).
        organisation_column = func.coalesce(organisation_column, 0)
        submitted = func.coalesce(submitted, submitted)
    query = (
        select(Response.contact_channel, Response.submitted_at, Answer.text)
        .select_from(Response)
        .join(Answer, Answer.response_id == Response.id)
        .where(
            organisation_column == organisation.id,
            submitted >= start,
            submitted < end,
            Response.suspect.is_(false()),
            Response.contact_channel != "website",  # website text answers are search terms
            condition,
            Answer.text.is_not(None),
        )
    )
    for column, value in (
        (Response.contact_channel, filters.channel),
        (Response.survey_mode, filters.mode),
        (Response.location_id, filters.location_id),
        (Response.unit_id, filters.unit_id),
        (Response.topic_id, filters.topic_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Answer.text).like(f"%{escaped}%", escape="\\"))
    query = query.order_by(Response.submitted_at.desc(), Answer.id.desc()).limit(COMMENTS * 2)
    shown = {r.channel: r.responses for r in current.data.channels}
    out = []
    for channel, moment, text in db.session.execute(query).all():
        if shown.get(channel, 0) < dashboard_data.SUPPRESS_BELOW:
            continue
        moment = pd.Timestamp(moment)
        moment = moment.tz_localize(UTC) if moment.tzinfo is None else moment
        cleaned = scrub(str(text), language)
        if search and search.lower() not in cleaned.lower():
            continue  # the match was in a scrubbed part (an address, a number)
        out.append(
            Comment(
                channel,
                texts.channel_name(channel, language),
                format_date(moment.tz_convert(AMSTERDAM).date(), locale=language),
                cleaned,
            )
        )
        if len(out) == COMMENTS:
            break
    return out
