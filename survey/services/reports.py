"""Monthly reports: build (read-only on the data), store, send, list and serve."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from survey import messaging
from survey.database import unit_of_work
from survey.domain.scrub import scrub
from survey.errors import Invalid, NotFound, ServiceError
from survey.extensions import db
from survey.i18n import in_language
from survey.models import Organisation, Report, Response
from survey.reports import charts, pdf, spreadsheet, texts
from survey.reports.builder import build
from survey.reports.data import ReportData, UnknownVersion
from survey.reports.inputs import collect
from survey.reports.period import AMSTERDAM, label, parse_month, previous_month, shift, utc_bounds
from survey.services import report_deliveries, report_jobs, subscriptions
from survey.services.exports import BASE_COLUMNS, iter_responses, question_keys

log = logging.getLogger(__name__)
LANGUAGES = ("nl", "en")


class BuildFailed(ServiceError):
    """A report build that could not run (the renderers failed); the stored report, if
    any, is kept and its last_error says why. Not the caller's fault: status 500."""

    status = 500

    def __init__(self, message: str):
        super().__init__("report_build_failed", message)


@dataclass(frozen=True)
class Outcome:
    organisation: str
    month: str
    report_id: int | None
    sent_to: int
    error: str | None = None


def _organisation(slug: str) -> Organisation:
    org = db.session.execute(select(Organisation).where(Organisation.slug == slug)).scalar()
    if org is None:
        raise NotFound("unknown_organisation", f"Unknown organisation '{slug}'.", "organisation")
    return org


def _month(month: str | date) -> date:
    if isinstance(month, date):
        return month.replace(day=1)
    try:
        return parse_month(month)
    except ValueError as error:
        raise Invalid("wrong_month", str(error), "month") from None


def report_data(org: Organisation, month: date, language: str = "nl") -> ReportData:
    """The report's numbers; reads only."""
    if language not in LANGUAGES:
        raise Invalid(
            "unknown_language", f"Language must be one of {', '.join(LANGUAGES)}.", "language"
        )
    return build(collect(org, month, language))


def build_monthly_report(
    org_slug: str, month: str | date, language: str = "nl", only_if_missing: bool = False
) -> Report | None:
    """Build, render and store one report. The data is only read; a failed build keeps
    the previously stored report (its last_error says what went wrong).

    With ``only_if_missing`` a month that has a stored report is left alone and None is
    returned, also when another worker stored it while this one was building: the check
    and the insert are one transaction, and the table's unique key settles a race."""
    org = _organisation(org_slug)
    org_id, slug = org.id, org.slug
    day = _month(month)
    if only_if_missing and _stored(org_id, day, language) is not None:
        return None
    try:
        data = report_data(org, day, language)
        pdf_bytes = pdf.render(data)
        xlsx_bytes = spreadsheet.xlsx(data)
    except ServiceError:
        raise
    except Exception as error:
        # Responses keep arriving while a report is built: write in a fresh transaction.
        with unit_of_work():
            existing = _stored(org_id, day, language)
            if existing is not None:
                existing.last_error = f"{type(error).__name__}: {error}"[:2000]
        raise BuildFailed(f"Building the report failed: {error}") from error
    try:
        with unit_of_work():
            report = _stored(org_id, day, language)
            if report is not None and only_if_missing:
                return None  # another worker was first
            if report is None:
                report = Report(organisation_id=org_id, month=day, language=language)
            report.pdf, report.xlsx, report.data = pdf_bytes, xlsx_bytes, data.to_dict()
            report.status, report.built_at, report.last_error = "ok", datetime.now(UTC), None
            db.session.add(report)
    except IntegrityError:
        # PostgreSQL: another worker inserted the same month between check and insert.
        db.session.rollback()
        if only_if_missing:
            return None
        raise
    _copy_to_exports(slug, day, language, pdf_bytes, xlsx_bytes)
    return report


def _stored(organisation_id: int, month: date, language: str) -> Report | None:
    return db.session.execute(
        select(Report).where(
            Report.organisation_id == organisation_id,
            Report.month == month,
            Report.language == language,
        )
    ).scalar()


def stored(organisation_id: int, month: date, language: str = "nl") -> Report | None:
    """The built report of a month, None when there is none (yet)."""
    return _stored(organisation_id, month, language)


def _copy_to_exports(slug: str, month: date, language: str, pdf_bytes, xlsx_bytes) -> None:
    folder = Path(current_app.config["EXPORTS_DIR"]) / slug
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"kto-{slug}-{label(month)}-{language}"
    for suffix, content in ((".pdf", pdf_bytes), (".xlsx", xlsx_bytes)):
        tmp = folder / (stem + suffix + ".part")
        tmp.write_bytes(content)
        tmp.replace(folder / (stem + suffix))  # atomic: never a half-written file


def filename(report: Report, suffix: str) -> str:
    return f"kto-{report.organisation.slug}-{label(report.month)}-{report.language}.{suffix}"


def send_report(report: Report) -> int:
    """E-mail the PDF to the organisation's subscribers who did not get it yet; returns how
    many got it now."""
    people = subscriptions.monthly_people(report.organisation_id)
    if not people:
        return 0
    sent = mail_to(report, people, "schedule")
    report_id = report.id
    with unit_of_work():
        db.session.get(Report, report_id).sent_at = datetime.now(UTC)
    return sent


def mail_to(report: Report, people: list[subscriptions.Recipient], origin: str) -> int:
    """E-mail the report to those of ``people`` who did not get it before (each claimed in
    report_deliveries first); a viewer the organisation does not let read the citizens'
    comments gets the PDF without them. Raises messaging.NotConfigured or OSError when the
    e-mail could not go out."""
    key = report_deliveries.monthly_key(report.id)
    claimed = report_deliveries.claim(report.organisation_id, key, people, origin)
    subject, body = report_mail_text(report)
    count, pending = 0, list(claimed)
    for comments in (True, False):
        group = [p for p in claimed if p.comments is comments]
        if not group:
            continue
        content = report.pdf if comments else pdf.render(without_comments(stored_data(report)))
        try:
            messaging.send_email(
                [p.email for p in group], subject, body,
                [(filename(report, "pdf"), content, "application", "pdf")],
            )
        except (messaging.NotConfigured, OSError) as error:
            report_deliveries.failed(key, pending, str(error),
                                     isinstance(error, messaging.NotConfigured))
            raise
        report_deliveries.sent(key, group)
        pending = [p for p in pending if p not in group]
        count += len(group)
    return count


def report_mail_text(report: Report) -> tuple[str, str]:
    """Subject and body of the e-mail that carries a report, in the report's language."""
    names = {
        "organisation": report.organisation.name,
        "month": texts.month_name(report.month, report.language),
    }
    with in_language(report.language):
        subject = gettext("%(organisation)s: customer satisfaction report %(month)s", **names)
        body = gettext(
            "Attached is the customer satisfaction report of %(organisation)s for %(month)s.",
            **names,
        )
    return subject, body


def run_report(
    org_id: int, slug: str, month: date, send: bool, now: datetime | None = None
) -> Outcome | None:
    """One monthly report's run under its claim (survey/services/report_jobs.py): built once,
    e-mailed at most once, taken up where a crashed worker left it. None when another worker
    holds it or it was finished before."""
    now = now or datetime.now(UTC)
    held = report_jobs.claim(org_id, month, "nl", now)
    if held is None:
        return None
    try:
        report = _stored(org_id, month, "nl") if held.built_at else None
        if report is None:
            report = build_monthly_report(slug, month)
            if not report_jobs.record(held, built_at=datetime.now(UTC)):
                return None
        sent, problem = 0, None
        if send and held.mail_started_at is not None:
            problem = "An earlier run stopped while e-mailing this report; it is not sent again."
            log.error("Report %s %s: %s", slug, label(month), problem)
        elif send and report.sent_at is None:
            if not report_jobs.record(held, mail_started_at=datetime.now(UTC)):
                return None
            try:
                sent = send_report(report)
                report_jobs.record(held, mailed_at=datetime.now(UTC))
            except (messaging.NotConfigured, OSError) as error:
                log.warning("Report %s %s built but not sent: %s", slug, label(month), error)
                problem = str(error)
        report_jobs.record(
            held, state="done", finished_at=datetime.now(UTC), last_error=problem
        )
        return Outcome(slug, label(month), report.id, sent, problem)
    except ServiceError as error:
        log.error("Report %s %s failed: %s", slug, label(month), error)
        report_jobs.release_after_error(held, str(error), now)
        return Outcome(slug, label(month), None, 0, str(error))


def build_and_send_all(today: date, now: datetime | None = None) -> list[Outcome]:
    """The monthly job: last month's report for every organisation, built and e-mailed once
    (a month another worker has done or is doing is reported with nothing sent)."""
    month = previous_month(today)
    outcomes = []
    query = select(Organisation.id, Organisation.slug).order_by(Organisation.slug)
    for org_id, slug in db.session.execute(query).all():
        outcome = run_report(org_id, slug, month, send=True, now=now)
        if outcome is None:
            stored = _stored(org_id, month, "nl")
            outcome = Outcome(slug, label(month), stored.id if stored else None, 0)
        outcomes.append(outcome)
    return outcomes


CATCH_UP_MONTHS = 13  # the month before today and the twelve before it


def _first_month(organisation_id: int) -> date | None:
    first = db.session.execute(
        select(func.min(Response.submitted_at)).where(Response.organisation_id == organisation_id)
    ).scalar()
    if first is None:
        return None
    if first.tzinfo is None:
        first = first.replace(tzinfo=UTC)
    return first.astimezone(AMSTERDAM).date().replace(day=1)


def missing_months(organisation_id: int, today: date, language: str = "nl") -> list[date]:
    """Months without a stored report, from the month of the first response (at most
    CATCH_UP_MONTHS back) up to the month before ``today``, oldest first; and months whose
    run a worker started and did not finish."""
    last = previous_month(today)
    unfinished = set(
        report_jobs.unfinished_months(
            organisation_id, language, shift(last, -(CATCH_UP_MONTHS - 1))
        )
    )
    first = _first_month(organisation_id)
    if first is None or first > last:
        return sorted(unfinished)
    start = max(first, shift(last, -(CATCH_UP_MONTHS - 1)))
    stored = set(
        db.session.execute(
            select(Report.month).where(
                Report.organisation_id == organisation_id, Report.language == language
            )
        ).scalars()
    )
    months, month = set(unfinished), start
    while month <= last:
        if month not in stored:
            months.add(month)
        month = shift(month, 1)
    return sorted(m for m in months if m <= last)


def catch_up(
    today: date, org_slug: str | None = None, send: bool = True, now: datetime | None = None
) -> list[Outcome]:
    """Build every missing monthly report (see missing_months) of every organisation, or
    of one, each under its claim (run_report): safe when several workers run it at once and
    after a worker died halfway. Only the month before ``today`` is e-mailed (what the
    monthly job would have sent); older months are built for the staff pages only."""
    query = select(Organisation.id, Organisation.slug).order_by(Organisation.slug)
    if org_slug is not None:
        query = query.where(Organisation.slug == org_slug)
    last = previous_month(today)
    outcomes = []
    for org_id, slug in db.session.execute(query).all():
        for month in missing_months(org_id, today):
            outcome = run_report(org_id, slug, month, send=send and month == last, now=now)
            if outcome is not None:
                log.info("Caught up report %s %s", slug, label(month))
                outcomes.append(outcome)
    return outcomes


def reports_for(organisation_id: int) -> list[Report]:
    return list(
        db.session.execute(
            select(Report)
            .where(Report.organisation_id == organisation_id)
            .order_by(Report.month.desc(), Report.language)
        ).scalars()
    )


def report_of(organisation_id: int, report_id: int) -> Report:
    """A stored report of this organisation only; NotFound otherwise."""
    report = db.session.get(Report, report_id)
    if report is None or report.organisation_id != organisation_id:
        raise NotFound("report_not_found", "No such report.")
    return report


@dataclass(frozen=True)
class Download:
    body: object  # bytes, str or an iterator of str
    mimetype: str
    filename: str | None


def download(
    organisation_id: int, report_id: int, kind: str, name: str = "", comments: bool = True
) -> Download:
    """One file of a stored report of this organisation; NotFound otherwise. Without
    ``comments`` (a viewer the organisation does not let read them) the PDF and XLSX are
    rendered again from the stored data with the comments left out, and the comments table
    is not found."""
    report = report_of(organisation_id, report_id)
    if kind == "pdf":
        body = report.pdf if comments else pdf.render(without_comments(stored_data(report)))
        return Download(body, "application/pdf", filename(report, "pdf"))
    if kind == "xlsx":
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        body = (
            report.xlsx if comments else spreadsheet.xlsx(without_comments(stored_data(report)))
        )
        return Download(body, mimetype, filename(report, "xlsx"))
    if kind == "csv" and name == "comments" and not comments:
        raise NotFound("table_not_found", "No such table.", "name")
    if kind == "csv":
        stem = filename(report, "csv").removesuffix(".csv")
        return Download(table_csv(report, name), "text/csv", f"{stem}-{name}.csv")
    if kind == "responses":
        stem = filename(report, "csv").removesuffix(".csv")
        return Download(raw_responses_csv(report), "text/csv", f"{stem}-responses.csv")
    if kind == "svg":
        return Download(chart_svg(report, name), "image/svg+xml", None)
    raise NotFound("download_not_found", "No such download.", "kind")


def without_comments(data: ReportData) -> ReportData:
    """A copy of report data with the citizens' comments left out."""
    return dataclasses.replace(data, comments=())


def stored_data(report: Report) -> ReportData:
    """The stored report's data; data stored in an older shape is read as the current one
    (survey.reports.data lists the versions). NotFound for data newer than this code."""
    try:
        return ReportData.from_dict(report.data)
    except UnknownVersion as error:
        raise NotFound("report_data_unreadable", str(error)) from None


def chart_svg(report: Report, name: str) -> str:
    if name not in charts.CHARTS:
        raise NotFound("chart_not_found", "No such chart.", "name")
    return charts.svg(name, stored_data(report))


def table_csv(report: Report, name: str) -> str:
    try:
        return spreadsheet.table_csv(stored_data(report), name)
    except KeyError:
        raise NotFound("table_not_found", "No such table.", "name") from None


def raw_responses_csv(report: Report):
    """The month's raw responses as CSV lines, streamed in batches. Texts are scrubbed of
    contact details and identifying numbers, as in the report itself."""
    start, end = utc_bounds(report.month)
    keys = question_keys(report.organisation_id)
    organisation_id, language = report.organisation_id, report.language

    def rows():
        for record in iter_responses(organisation_id, since=start, until=end):
            answers = record.pop("answers")
            yield [record[c] for c in BASE_COLUMNS] + [
                _cell(answers.get(k), language) for k in keys
            ]

    # In the report's spreadsheet dialect (a Dutch report: `;`, decimal comma, BOM).
    yield from spreadsheet.csv_lines(BASE_COLUMNS + keys, rows(), language)


def _cell(value, language: str):
    if isinstance(value, list):
        return ";".join(map(str, value))
    if isinstance(value, str):
        return scrub(value, language)
    return value
