"""Reports of a quarter, a year, a unit (team) or any dashboard view, built by the worker.

The same builder as the dashboard (survey.reports.dashboard_data, the period and filters as
parameters) and the monthly report's PDF renderer. Two ways in:

- scheduled: for every subscription group (survey.services.subscriptions) the last complete
  period of its kind, built and e-mailed once: the run's row (``period_reports``, unique
  ``run_key``) is claimed for a lease and each step is written down, as a monthly report's run
  in ``report_jobs`` (survey.services.report_jobs), so two workers send one e-mail and a
  crashed run is taken over by the next catch-up;
- asked for: the dashboard's "Maak rapport" button makes a queued row and the worker builds
  it, writing its progress, which the staff page shows until the download is there.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from survey import messaging
from survey.database import unit_of_work
from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.i18n import in_language
from survey.models import Organisation, PeriodReport
from survey.reports import dashboard_data, follow_up_build, pdf, spreadsheet
from survey.reports.dashboard_cells import cached_index, month_cells
from survey.reports.data import Organisation as NamedOrganisation
from survey.reports.data import ReportData
from survey.reports.inputs import dimension_names
from survey.reports.period import AMSTERDAM, previous_month, shift, utc_bounds
from survey.reports.periods import Period
from survey.services import dashboard, report_deliveries, subscriptions
from survey.services.report_jobs import LEASE, MAX_ATTEMPTS

log = logging.getLogger(__name__)
NOT_SENT_AGAIN = "An earlier run stopped while e-mailing this report; it is not sent again."


@dataclass(frozen=True)
class Claim:
    run_id: int
    token: str
    built: bool
    mail_started: bool


@dataclass(frozen=True)
class Outcome:
    run_id: int
    key: str
    sent_to: int
    error: str | None = None


def last_complete(kind: str, today: date) -> Period:
    """The last month, quarter or year that ended before ``today`` (Amsterdam)."""
    if kind == "month":
        month = previous_month(today)
        return Period("month", month, month)
    if kind == "quarter":
        current = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return Period("quarter", shift(current, -3), shift(current, -1))
    return Period("year", date(today.year - 1, 1, 1), date(today.year - 1, 12, 1))


def ended_at(period: Period) -> datetime:
    """The moment (UTC) the period ended."""
    return utc_bounds(period.last)[1]


def needed_months(period: Period, monthly_trend: bool) -> list[date]:
    """Every month a report of the period reads: its own, the period before, the same period
    a year earlier and the trend's."""
    months: set[date] = set()
    trend = dashboard_data.trend_periods(period, monthly_trend)
    for part in (period, period.shifted(-1), period.year_before(), *trend):
        months.update(part.months())
    return sorted(months)


def report_data(
    org: Organisation,
    period: Period,
    filters: dashboard_data.Filters,
    language: str,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> ReportData:
    """The report data of a period and filters; a year report's trend is its 12 months (and
    every figure is compared with the year before). ``progress`` hears 0-90 (percent) as the
    months are read."""
    monthly_trend = period.kind == "year"
    index = cached_index(org.id)
    months = needed_months(period, monthly_trend)
    for done, month in enumerate(months, start=1):
        month_cells(org.id, month, today, index)
        if progress is not None:
            progress(90 * done // len(months))
    data = dashboard_data.build(org, period, filters, language, today, monthly_trend)
    # The monthly report's "closing the loop" section over the whole period (a unit's
    # report: the unit's responses and requests only).
    follow_up = follow_up_build.build(
        follow_up_build.collect_period(org, period.first, period.last, filters),
        language,
        dimension_names(org.id, language).get("unit", {}),
    )
    data = dataclasses.replace(data, follow_up=follow_up)
    scope = dashboard.scope(org, filters, language)
    if scope:
        meta = data.meta
        named = NamedOrganisation(meta.organisation.slug, f"{meta.organisation.name} · {scope}")
        data = dataclasses.replace(data, meta=dataclasses.replace(meta, organisation=named))
    return data


def _filters(run: PeriodReport) -> dashboard_data.Filters:
    if run.origin == "schedule":
        return dashboard_data.Filters(unit_id=run.unit_id)
    return dashboard.read_filters(run.filters or {})


def _today() -> date:
    return datetime.now(AMSTERDAM).date()


def _build(run_id: int, held: Claim) -> None:
    """Build the run's PDF under its claim, writing progress down as it goes."""
    run = db.session.get(PeriodReport, run_id)
    org = db.session.get(Organisation, run.organisation_id)
    period = Period(run.kind, run.first_month, run.last_month)
    language, filters = run.language, _filters(run)
    shown = {"last": -1}

    def progress(percent: int) -> None:
        if percent >= shown["last"] + 5:
            shown["last"] = percent
            record(held, progress=percent)

    data = report_data(org, period, filters, language, _today(), progress)
    body, sheets = pdf.render(data), spreadsheet.xlsx(data)
    title = f"{data.meta.organisation.name}: {data.meta.month_name}"
    built = dict(pdf=body, xlsx=sheets, title=title[:300], built_at=datetime.now(UTC))
    if not record(held, **built, progress=100):
        raise LostClaim()


class LostClaim(Exception):
    """Another worker took the run over (this one was too slow): stop quietly."""


# --- claims (as survey.services.report_jobs, on period_reports) -------------------------


def _take(run: PeriodReport, token: str, now: datetime) -> Claim | None:
    if run.state in ("done", "failed"):
        return None
    if run.state == "running" and run.claimed_at is not None and run.claimed_at > now - LEASE:
        return None
    run.state, run.worker, run.claimed_at = "running", token, now
    run.attempts = (run.attempts or 0) + 1
    return Claim(run.id, token, run.built_at is not None, run.mail_started_at is not None)


def claim_scheduled(org_id: int, kind: str, period: Period, unit_id, language, now) -> Claim | None:
    """The scheduled report's run for this caller, or None when it is done, failed for good
    or held by a live worker. The unique run_key settles a race between workers."""
    key = run_key(org_id, kind, period, unit_id, language)
    token = uuid.uuid4().hex
    try:
        with unit_of_work() as session:
            run = session.execute(
                select(PeriodReport).where(PeriodReport.run_key == key).with_for_update()
            ).scalar()
            if run is None:
                run = PeriodReport(
                    organisation_id=org_id,
                    run_key=key,
                    origin="schedule",
                    kind=kind,
                    first_month=period.first,
                    last_month=period.last,
                    unit_id=unit_id,
                    filters={},
                    language=language,
                    state="queued",
                    progress=0,
                    attempts=0,
                    sent_to=0,
                    title="",
                )
                session.add(run)
                session.flush()
            found = _take(run, token, now)
    except IntegrityError:
        db.session.rollback()  # PostgreSQL: another worker inserted the row first
        return None
    return found


def claim(run_id: int, now: datetime) -> Claim | None:
    token = uuid.uuid4().hex
    with unit_of_work() as session:
        run = session.execute(
            select(PeriodReport).where(PeriodReport.id == run_id).with_for_update()
        ).scalar()
        return None if run is None else _take(run, token, now)


def record(held: Claim, **values) -> bool:
    """Write a step of a held run; False when the claim was lost (taken over meanwhile)."""
    with unit_of_work() as session:
        changed = session.execute(
            update(PeriodReport)
            .where(PeriodReport.id == held.run_id, PeriodReport.worker == held.token)
            .values(**values)
        ).rowcount
    return changed == 1


def _release(held: Claim, error: str, now: datetime, give_up: bool = False) -> None:
    with unit_of_work() as session:
        run = session.get(PeriodReport, held.run_id)
        if run is None or run.worker != held.token:
            return
        run.last_error = error[:2000]
        if give_up or run.attempts >= MAX_ATTEMPTS:
            run.state, run.finished_at = "failed", now
        else:
            run.claimed_at = now - LEASE  # free at once for the next catch-up


def run_key(org_id: int, kind: str, period: Period, unit_id, language: str) -> str:
    return f"schedule:{org_id}:{kind}:{period.at()}:{unit_id or 'all'}:{language}"


# --- scheduled reports -----------------------------------------------------------------


def mail_text(run: PeriodReport) -> tuple[str, str]:
    """Subject and body of the e-mail that carries a period report, in its language."""
    organisation, _, period = run.title.rpartition(": ")
    names = {"organisation": organisation, "month": period}
    with in_language(run.language):
        subject = gettext("%(organisation)s: customer satisfaction report %(month)s", **names)
        body = gettext(
            "Attached is the customer satisfaction report of %(organisation)s for %(month)s.",
            **names,
        )
    return subject, body


def mail_to(run: PeriodReport, people: list[subscriptions.Recipient], origin: str) -> int:
    """E-mail a built run's PDF to those of ``people`` who did not get it before (each
    claimed in report_deliveries first; the PDF has no comments, so every role gets the
    same). Raises messaging.NotConfigured or OSError when the e-mail could not go out."""
    key = report_deliveries.run_key(run.id)
    claimed = report_deliveries.claim(run.organisation_id, key, people, origin)
    if not claimed:
        return 0
    subject, body = mail_text(run)
    attachment = (filename(run), run.pdf, "application", "pdf")
    try:
        messaging.send_email([p.email for p in claimed], subject, body, [attachment])
    except (messaging.NotConfigured, OSError) as error:
        report_deliveries.failed(key, claimed, str(error),
                                 isinstance(error, messaging.NotConfigured))
        raise
    report_deliveries.sent(key, claimed)
    return len(claimed)


def filename(run: PeriodReport, extension: str = "pdf") -> str:
    slug = db.session.get(Organisation, run.organisation_id).slug
    at = Period(run.kind, run.first_month, run.last_month).at().replace("..", "-")
    unit = f"-unit{run.unit_id}" if run.unit_id else ""
    return f"kto-{slug}-{at}{unit}-{run.language}.{extension}"


def run_scheduled(
    group: subscriptions.Group, period: Period, language: str = "nl", now=None
) -> Outcome | None:
    """One scheduled report's run under its claim: built once, e-mailed at most once to each
    of the group's subscribers (report_deliveries), taken up where a crashed worker left it.
    None when another worker holds it, it was finished before, or nobody subscribed before
    the period ended (then it is not built; someone who subscribes after the period ended
    gets the report with the others when it is built, or alone if it was built already:
    survey.services.late_reports)."""
    now = now or datetime.now(UTC)
    if not subscriptions.people(group, before=ended_at(period)):
        return None  # nobody subscribed before the period ended: nothing is built
    key = run_key(group.organisation_id, group.kind, period, group.unit_id, language)
    held = claim_scheduled(
        group.organisation_id, group.kind, period, group.unit_id, language, now
    )
    if held is None:
        return None
    try:
        if not held.built:
            _build(held.run_id, held)
        run = db.session.get(PeriodReport, held.run_id)
        db.session.refresh(run)
        sent, problem = 0, None
        if held.mail_started:
            problem = NOT_SENT_AGAIN
            log.error("Report %s: %s", key, problem)
        else:
            if not record(held, mail_started_at=datetime.now(UTC)):
                return None
            try:
                # Everyone subscribed now (a late subscriber too) who did not get it yet.
                sent = mail_to(run, subscriptions.people(group), "schedule")
                record(held, mailed_at=datetime.now(UTC), sent_to=sent)
            except (messaging.NotConfigured, OSError) as error:
                log.warning("Report %s built but not sent: %s", key, error)
                problem = str(error)
        record(held, state="done", finished_at=datetime.now(UTC), last_error=problem)
        return Outcome(held.run_id, key, sent, problem)
    except LostClaim:
        return None
    except Exception as error:  # a failed build: tried again by the next catch-up
        log.exception("Report %s failed", key)
        db.session.rollback()
        _release(held, f"{type(error).__name__}: {error}", now)
        return Outcome(held.run_id, key, 0, str(error))


def send_due(today: date, now: datetime | None = None) -> list[Outcome]:
    """Every subscribed period report whose period has ended (the last complete month of a
    unit, quarter and year, organisation-wide or per unit), each built and e-mailed once.
    The organisation-wide monthly report is the monthly job's (survey.services.reports)."""
    outcomes = []
    for group in subscriptions.groups():
        if group.kind == "month" and group.unit_id is None:
            continue
        outcome = run_scheduled(group, last_complete(group.kind, today), now=now)
        if outcome is not None:
            log.info("Period report %s: sent to %s", outcome.key, outcome.sent_to)
            outcomes.append(outcome)
    return outcomes


# --- reports asked for on the dashboard ----------------------------------------------------


def request(org: Organisation, args, language: str, user_id: int | None) -> PeriodReport:
    """A queued report of the dashboard's period and filters in ``args`` (Invalid for bad
    values); the caller enqueues survey.tasks.build_requested_report with its id. The period
    kind is required: the dashboard's form always sends it."""
    if not (args.get("period") or "").strip():
        raise Invalid("wrong_period", "'period' is required: month, quarter, year or range.")
    period = dashboard.read_period(args, _today())
    filters = dashboard.read_filters(args)
    with unit_of_work() as session:
        run = PeriodReport(
            organisation_id=org.id,
            run_key=f"request:{uuid.uuid4().hex}",
            origin="request",
            kind=period.kind,
            first_month=period.first,
            last_month=period.last,
            unit_id=filters.unit_id,
            filters=filters.query(),
            language=language,
            requested_by=user_id,
            state="queued",
            progress=0,
            attempts=0,
            sent_to=0,
            title="",
        )
        session.add(run)
    return run


def run_requested(run_id: int, now: datetime | None = None) -> bool:
    """Build a report asked for on the dashboard; False when another worker has it or it is
    finished. A failed build is marked failed with its error (the page says so)."""
    now = now or datetime.now(UTC)
    held = claim(run_id, now)
    if held is None:
        return False
    try:
        _build(run_id, held)
        record(held, state="done", finished_at=datetime.now(UTC), last_error=None)
    except LostClaim:
        return False
    except Exception as error:
        log.exception("Requested report %s failed", run_id)
        db.session.rollback()
        _release(held, f"{type(error).__name__}: {error}", now, give_up=True)
    return True


def catch_up(today: date, now: datetime | None = None) -> list[Outcome]:
    """The scheduled reports not yet sent, and asked-for reports whose worker died."""
    now = now or datetime.now(UTC)
    outcomes = send_due(today, now)
    stale = db.session.execute(
        select(PeriodReport.id).where(
            PeriodReport.origin == "request",
            PeriodReport.state == "running",
            PeriodReport.claimed_at <= now - LEASE,
        )
    ).scalars()
    for run_id in list(stale):
        run_requested(run_id, now)
    return outcomes


def run_of(organisation_id: int, run_id: int) -> PeriodReport:
    """A period report run of this organisation only, as stored now (the worker writes its
    progress meanwhile); NotFound otherwise."""
    run = db.session.get(PeriodReport, run_id, populate_existing=True)
    if run is None or run.organisation_id != organisation_id:
        raise NotFound("report_not_found", "No such report.")
    return run


def runs_for(organisation_id: int, limit: int = 50) -> list[PeriodReport]:
    return list(
        db.session.execute(
            select(PeriodReport)
            .where(PeriodReport.organisation_id == organisation_id)
            .order_by(PeriodReport.created_at.desc(), PeriodReport.id.desc())
            .limit(limit)
        ).scalars()
    )
