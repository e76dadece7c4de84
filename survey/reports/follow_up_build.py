"""The "closing the loop" section of the monthly report: what it reads and how it counts.
Quarter, year and unit reports (survey.services.period_reports) carry the same section over
their whole period, under the report's filters (``collect_period``): a unit's report counts
the unit's responses and the requests assigned to the unit.

Complaint referrals: the month's responses (suspect ones and those with an unusable inclusion
probability left out, as everywhere in the report) that chose an option flagged as the
complaint reason in their own survey version, counted in SQL per contact channel and unit
(COUNT DISTINCT, so two flagged answers of one response count once), against the responses to
survey versions that offer a complaint reason.

Callback requests: those received in the month (Amsterdam calendar), read as one small row
per case (a month has tens or hundreds of requests, not millions). A request is handled within
the norm when its first contact came by its deadline (the case's ``due_at``: the end of the
norm's last working day, survey/domain/working_days.py). One without a first contact whose
deadline has not passed when the report is built is still pending: it is left out of the
share and counted apart. Time to first contact is in working days: the time between the
request and the first contact counted only on working days (Monday to Friday without Dutch
public holidays, Europe/Amsterdam), each such day counting as one; median and 90th percentile
by linear interpolation between order statistics (numpy's default, R's type 7). The share has
a Wilson interval (survey.stats.proportion_estimate, unweighted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import and_, distinct, false, func, or_, select

from survey.domain.channels import CONTACT_CHANNELS
from survey.domain.complaints import complaint_options_in
from survey.domain.working_days import is_working_day
from survey.extensions import db
from survey.models import Answer, CallbackCase, CallbackRequest, Response, SurveyVersion
from survey.models import Survey as SurveyModel
from survey.reports import display, texts
from survey.reports.follow_up_data import OUTCOMES, CallbackRow, FollowUp, ReferralRow
from survey.reports.period import AMSTERDAM, utc_bounds
from survey.reports.screening import MIN_INCLUSION
from survey.reports.weighting import summarise
from survey.stats import proportion_estimate

SUPPRESS_BELOW = display.SUPPRESS_BELOW
# A closed case's outcome as the report counts it: the case's outcome, "could not reach" for
# a case closed as unreachable, "not recorded" for one closed without an outcome.
OUTCOME_KEYS = (*OUTCOMES, "unreachable", "not_recorded")


@dataclass(frozen=True)
class Case:
    channel: str
    unit_id: int | None
    created_at: datetime
    due_at: datetime
    first_contact_at: datetime | None
    status: str
    outcome: str | None


@dataclass
class FollowUpInput:
    # (channel, unit_id) -> responses to surveys with a complaint reason / of them referred
    responses: dict[tuple[str, int | None], int] = field(default_factory=dict)
    referrals: dict[tuple[str, int | None], int] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    norm_days: int | None = None
    as_of: datetime = field(default_factory=lambda: datetime.now(UTC))


# ---- reading -------------------------------------------------------------------------------


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def complaint_versions(organisation_id: int) -> dict[tuple[str, str], list[int]]:
    """(question key, option code) of each complaint reason -> the survey versions with it."""
    rows = db.session.execute(
        select(SurveyVersion.id, SurveyVersion.definition)
        .join(SurveyModel, SurveyModel.id == SurveyVersion.survey_id)
        .where(SurveyModel.organisation_id == organisation_id)
    ).all()
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    for version_id, definition in rows:
        for pair in complaint_options_in(definition or {}):
            found[pair].append(version_id)
    return dict(found)


def collect(organisation, month: date, now: datetime | None = None) -> FollowUpInput:
    """The section's input of one month (the monthly report)."""
    return collect_period(organisation, month, month, None, now)


def collect_period(
    organisation, first: date, last: date, filters=None, now: datetime | None = None
) -> FollowUpInput:
    """The section's input of the months ``first`` to ``last`` (a quarter, a year), under a
    period report's filters (survey.reports.dashboard_data.Filters, or None): a unit's report
    counts the unit's responses and the requests assigned to it only. Contact channel, survey
    mode and unit narrow responses and requests alike; a location or topic narrows the
    responses, and the requests made from such a response."""
    start, end = utc_bounds(first)[0], utc_bounds(last)[1]
    month_responses = and_(
        Response.organisation_id == organisation.id,
        Response.submitted_at >= start,
        Response.submitted_at < end,
        Response.suspect.is_(false()),
        # rows the rest of the report leaves out (survey/reports/screening.py) stay out here
        Response.inclusion_probability >= MIN_INCLUSION,
        Response.inclusion_probability <= 1.0,
        *_response_filters(filters),
    )
    groups = (Response.contact_channel, Response.unit_id)
    inp = FollowUpInput(norm_days=organisation.callback_norm_days,
                        as_of=_aware(now) or datetime.now(UTC))  # fmt: skip
    reasons = complaint_versions(organisation.id)
    if reasons:
        versions = sorted({v for ids in reasons.values() for v in ids})
        base = db.session.execute(
            select(*groups, func.count())
            .where(month_responses, Response.survey_version_id.in_(versions))
            .group_by(*groups)
        ).all()
        inp.responses = {(c, u): int(n) for c, u, n in base}
        chosen = or_(
            *(
                and_(
                    Answer.question_key == key,
                    Answer.option == code,
                    Response.survey_version_id.in_(ids),
                )
                for (key, code), ids in reasons.items()
            )
        )
        referred = db.session.execute(
            select(*groups, func.count(distinct(Response.id)))
            .join(Answer, Answer.response_id == Response.id)
            .where(month_responses, chosen)
            .group_by(*groups)
        ).all()
        inp.referrals = {(c, u): int(n) for c, u, n in referred}
    rows = db.session.execute(
        select(
            CallbackRequest.contact_channel,
            CallbackCase.unit_id,
            CallbackRequest.created_at,
            CallbackCase.due_at,
            CallbackCase.first_contact_at,
            CallbackCase.status,
            CallbackCase.outcome,
        )
        .join(CallbackCase, CallbackCase.request_id == CallbackRequest.id)
        .where(
            CallbackRequest.organisation_id == organisation.id,
            CallbackRequest.created_at >= start,
            CallbackRequest.created_at < end,
            *_request_filters(filters),
        )
    ).all()
    inp.cases = [
        Case(r[0], r[1], _aware(r[2]), _aware(r[3]), _aware(r[4]), r[5], r[6]) for r in rows
    ]
    return inp


def _response_filters(filters) -> list:
    if filters is None:
        return []
    columns = (
        (Response.contact_channel, filters.channel),
        (Response.survey_mode, filters.mode),
        (Response.location_id, filters.location_id),
        (Response.unit_id, filters.unit_id),
        (Response.topic_id, filters.topic_id),
    )
    return [column == value for column, value in columns if value is not None]


def _request_filters(filters) -> list:
    if filters is None:
        return []
    columns = (
        (CallbackRequest.contact_channel, filters.channel),
        (CallbackRequest.survey_mode, filters.mode),
        (CallbackCase.unit_id, filters.unit_id),
    )
    found = [column == value for column, value in columns if value is not None]
    place = [
        column == value
        for column, value in (
            (Response.location_id, filters.location_id),
            (Response.topic_id, filters.topic_id),
        )
        if value is not None
    ]
    if place:
        found.append(CallbackRequest.response_id.in_(select(Response.id).where(*place)))
    return found


# ---- counting ------------------------------------------------------------------------------


def working_days_elapsed(start: datetime, end: datetime, zone: ZoneInfo = AMSTERDAM,
                         holidays=None) -> float:  # fmt: skip
    """The time from start to end counted only on working days, in days (each working day
    counts as one whole day, so a day with a clock change counts as one too)."""
    if end <= start:
        return 0.0
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    total, day = 0.0, local_start.date()
    while day <= local_end.date():
        if is_working_day(day, holidays):
            day_start = datetime.combine(day, time(0), tzinfo=zone)
            day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
            low, high = max(local_start, day_start), min(local_end, day_end)
            if high > low:
                total += (high - low) / (day_end - day_start)
        day += timedelta(days=1)
    return total


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default, R's type 7)."""
    return float(np.percentile(np.asarray(values, dtype=float), q))


def outcome_of(case: Case) -> str:
    if case.status == "unreachable":
        return "unreachable"
    return case.outcome if case.outcome in OUTCOMES else "not_recorded"


def callback_row(group: str, code, name: str, cases: list[Case], as_of: datetime) -> CallbackRow:
    contacted = [c for c in cases if c.first_contact_at is not None]
    decided = [c for c in cases if c.first_contact_at is not None or c.due_at <= as_of]
    within = [c for c in contacted if c.first_contact_at <= c.due_at]
    share = None
    if decided:
        share = summarise(
            proportion_estimate([1.0] * len(within) + [0.0] * (len(decided) - len(within)))
        )
    days = [working_days_elapsed(c.created_at, c.first_contact_at) for c in contacted]
    shown_times = len(days) >= SUPPRESS_BELOW
    closed = [c for c in cases if c.status in ("done", "unreachable")]
    outcomes = None
    if len(closed) >= SUPPRESS_BELOW:
        outcomes = {key: 0 for key in OUTCOME_KEYS}
        for c in closed:
            outcomes[outcome_of(c)] += 1
    return CallbackRow(
        group=group,
        code=code,
        name=name,
        received=len(cases),
        decided=len(decided),
        pending=len(cases) - len(decided),
        within_norm=share,
        contacted=len(contacted),
        median_days=percentile(days, 50) if shown_times else None,
        p90_days=percentile(days, 90) if shown_times else None,
        closed=len(closed),
        outcomes=outcomes,
    )


def referral_row(group: str, code, name: str, responses: int, referrals: int) -> ReferralRow:
    if responses < SUPPRESS_BELOW:
        return ReferralRow(group, code, name, responses, None, None)
    return ReferralRow(group, code, name, responses, referrals, referrals / responses)


def _channels(present) -> list[str]:
    return [c for c in CONTACT_CHANNELS if c in present]


def build(inp: FollowUpInput | None, language: str, unit_names: dict[int, str]) -> FollowUp:
    """The section's rows: all, then per contact channel, then per unit (units by name;
    responses and requests without a unit are in "all" and their channel only)."""
    if inp is None:
        return FollowUp()
    all_name = texts.word("all_channels", language)

    def unit_name(unit_id: int) -> str:
        return unit_names.get(unit_id, str(unit_id))

    referrals: list[ReferralRow] = []
    if inp.responses:
        def total(counts, pick) -> dict:
            out: dict = defaultdict(int)
            for key, n in counts.items():
                if pick(key) is not None:
                    out[pick(key)] += n
            return out

        referrals.append(referral_row("all", None, all_name, sum(inp.responses.values()),
                                      sum(inp.referrals.values())))  # fmt: skip
        base, chosen = total(inp.responses, lambda k: k[0]), total(inp.referrals, lambda k: k[0])
        for channel in _channels(base):
            referrals.append(referral_row("channel", channel,
                                          texts.channel_name(channel, language),
                                          base[channel], chosen.get(channel, 0)))  # fmt: skip
        base, chosen = total(inp.responses, lambda k: k[1]), total(inp.referrals, lambda k: k[1])
        for unit_id in sorted(base, key=unit_name):
            referrals.append(referral_row("unit", str(unit_id), unit_name(unit_id),
                                          base[unit_id], chosen.get(unit_id, 0)))  # fmt: skip
    callbacks: list[CallbackRow] = []
    if inp.cases:
        as_of = inp.as_of
        callbacks.append(callback_row("all", None, all_name, inp.cases, as_of))
        by_channel: dict[str, list[Case]] = defaultdict(list)
        by_unit: dict[int, list[Case]] = defaultdict(list)
        for c in inp.cases:
            by_channel[c.channel].append(c)
            if c.unit_id is not None:
                by_unit[c.unit_id].append(c)
        for channel in _channels(by_channel):
            callbacks.append(callback_row("channel", channel,
                                          texts.channel_name(channel, language),
                                          by_channel[channel], as_of))  # fmt: skip
        for unit_id in sorted(by_unit, key=unit_name):
            callbacks.append(callback_row("unit", str(unit_id), unit_name(unit_id),
                                          by_unit[unit_id], as_of))  # fmt: skip
    return FollowUp(
        referrals=tuple(referrals),
        callbacks=tuple(callbacks),
        norm_days=inp.norm_days,
        as_of=inp.as_of.astimezone(UTC).isoformat(timespec="seconds") if callbacks else None,
    )
