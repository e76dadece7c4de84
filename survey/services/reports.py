"""Monthly reports: build (read-only on the data), store, send, list and serve."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation, Report
from survey.reports import charts, pdf, spreadsheet, texts
from survey.reports.builder import build
from survey.reports.data import ReportData, UnknownVersion
from survey.reports.inputs import collect
from survey.reports.period import label, parse_month, previous_month, utc_bounds
from survey.services import mail
from survey.services.exports import BASE_COLUMNS, iter_responses, question_keys
from survey.services.users import subscribers

log = logging.getLogger(__name__)
LANGUAGES = ("nl", "en")


class ReportError(ValueError):
    """A report that cannot be built or found; a clear message, nothing changed."""


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
        raise ReportError(f"Unknown organisation '{slug}'.")
    return org


def _month(month: str | date) -> date:
    if isinstance(month, date):
        return month.replace(day=1)
    try:
        return parse_month(month)
    except ValueError as error:
        raise ReportError(str(error)) from None


def report_data(org: Organisation, month: date, language: str = "nl") -> ReportData:
    """The report's numbers; reads only."""
    if language not in LANGUAGES:
        raise ReportError(f"Language must be one of {', '.join(LANGUAGES)}.")
    return build(collect(org, month, language))


def build_monthly_report(org_slug: str, month: str | date, language: str = "nl") -> Report:
    """Build, render and store one report. The data is only read; a failed build keeps
    the previously stored report (its last_error says what went wrong)."""
    org = _organisation(org_slug)
    org_id, slug = org.id, org.slug
    day = _month(month)
    try:
        data = report_data(org, day, language)
        pdf_bytes = pdf.render(data)
        xlsx_bytes = spreadsheet.xlsx(data)
    except ReportError:
        raise
    except Exception as error:
        # Responses keep arriving while a report is built: write in a fresh transaction.
        with unit_of_work():
            existing = _stored(org_id, day, language)
            if existing is not None:
                existing.last_error = f"{type(error).__name__}: {error}"[:2000]
        raise ReportError(f"Building the report failed: {error}") from error
    with unit_of_work():
        report = _stored(org_id, day, language) or Report(
            organisation_id=org_id, month=day, language=language
        )
        report.pdf, report.xlsx, report.data = pdf_bytes, xlsx_bytes, data.to_dict()
        report.status, report.built_at, report.last_error = "ok", datetime.now(UTC), None
        db.session.add(report)
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
    """E-mail the PDF to the organisation's subscribers; returns how many got it."""
    to = subscribers(report.organisation_id)
    if not to:
        return 0
    lang = report.language
    month = texts.month_name(report.month, lang)
    org = report.organisation.name
    if lang == "en":
        subject = f"{org}: customer satisfaction report {month}"
        body = f"Attached is the customer satisfaction report of {org} for {month}."
    else:
        subject = f"{org}: rapport klanttevredenheid {month}"
        body = f"In de bijlage vindt u het rapport klanttevredenheid van {org} over {month}."
    mail.send(to, subject, body, [(filename(report, "pdf"), report.pdf, "application", "pdf")])
    report_id = report.id
    with unit_of_work():
        db.session.get(Report, report_id).sent_at = datetime.now(UTC)
    return len(to)


def build_and_send_all(today: date) -> list[Outcome]:
    """The monthly job: last month's report for every organisation, built and e-mailed."""
    month = previous_month(today)
    outcomes = []
    for slug in db.session.execute(select(Organisation.slug).order_by(Organisation.slug)).scalars():
        try:
            report = build_monthly_report(slug, month)
            try:
                sent = send_report(report)
            except (mail.MailNotConfigured, OSError) as error:
                log.warning("Report %s %s built but not sent: %s", slug, label(month), error)
                outcomes.append(Outcome(slug, label(month), report.id, 0, str(error)))
                continue
            outcomes.append(Outcome(slug, label(month), report.id, sent))
        except ReportError as error:
            log.error("Report %s %s failed: %s", slug, label(month), error)
            outcomes.append(Outcome(slug, label(month), None, 0, str(error)))
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
    """A stored report of this organisation only; LookupError otherwise."""
    report = db.session.get(Report, report_id)
    if report is None or report.organisation_id != organisation_id:
        raise LookupError("No such report.")
    return report


@dataclass(frozen=True)
class Download:
    body: object  # bytes, str or an iterator of str
    mimetype: str
    filename: str | None


def download(organisation_id: int, report_id: int, kind: str, name: str = "") -> Download:
    """One file of a stored report of this organisation; LookupError otherwise."""
    report = report_of(organisation_id, report_id)
    if kind == "pdf":
        return Download(report.pdf, "application/pdf", filename(report, "pdf"))
    if kind == "xlsx":
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Download(report.xlsx, mimetype, filename(report, "xlsx"))
    if kind == "csv":
        stem = filename(report, "csv").removesuffix(".csv")
        return Download(table_csv(report, name), "text/csv", f"{stem}-{name}.csv")
    if kind == "responses":
        stem = filename(report, "csv").removesuffix(".csv")
        return Download(raw_responses_csv(report), "text/csv", f"{stem}-responses.csv")
    if kind == "svg":
        return Download(chart_svg(report, name), "image/svg+xml", None)
    raise LookupError("No such download.")


def stored_data(report: Report) -> ReportData:
    """The stored report's data; data stored in an older shape is read as the current one
    (survey.reports.data lists the versions). LookupError for data newer than this code."""
    try:
        return ReportData.from_dict(report.data)
    except UnknownVersion as error:
        raise LookupError(str(error)) from None


def chart_svg(report: Report, name: str) -> str:
    if name not in charts.CHARTS:
        raise LookupError("No such chart.")
    return charts.svg(name, stored_data(report))


def table_csv(report: Report, name: str) -> str:
    try:
        return spreadsheet.table_csv(stored_data(report), name)
    except KeyError:
        raise LookupError("No such table.") from None


def raw_responses_csv(report: Report):
    """The month's raw responses as CSV lines, streamed in batches."""
    start, end = utc_bounds(report.month)
    keys = question_keys(report.organisation_id)
    yield spreadsheet.csv_text(BASE_COLUMNS + keys, [])
    for record in iter_responses(report.organisation_id, since=start, until=end):
        answers = record.pop("answers")
        row = [record[c] for c in BASE_COLUMNS] + [
            ";".join(map(str, v)) if isinstance(v, list) else v
            for v in (answers.get(k) for k in keys)
        ]
        yield spreadsheet.csv_text([], [row]).split("\n", 1)[1]
