"""The daily retention job (on the worker): personal data past its term is erased, each run
is written to `retention_runs` with how much every step erased.

Steps, in order (each in its own unit of work; a failing step is written down and the others
still run):

- `comments`: free-text answers (comments, "other" texts, website search terms) of responses
  older than the organisation's retention period (`comment_retention_months`, default 24) are
  scrubbed: the text is deleted (set to NULL), the answer row with its score or option stays,
  so every figure of every report stays the same.
- `stored_reports`: stored monthly reports of months that ended before that period lose their
  comments and search terms; PDF and XLSX are rendered again from the stored figures.
- `invitation_addresses`: the invitations' own erasure (survey.services.invitations
  .erase_addresses: once the outcome is final, 7 days after the contact at the latest).
- `delivery_errors`: a provider's error text can repeat the number or address (Twilio's do);
  7 days after a message finished only the error code is kept.
- `callback_details`: the callback requests' contact details once the case is closed, after
  30 days at the latest (survey.services.callbacks.purge_expired_callback_details).
- `case_notes`: staff notes of callback cases closed more than 30 days ago ("–").
- further steps registered with `register_step`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from survey.database import unit_of_work
from survey.errors import Invalid
from survey.extensions import db
from survey.models import Answer, Delivery, Organisation, Report, Response, RetentionRun
from survey.services import audit, invitations

log = logging.getLogger(__name__)

DEFAULT_MONTHS = 24
MIN_MONTHS, MAX_MONTHS = 1, 120
DELIVERY_ERRORS_KEPT = timedelta(days=7)
NOTES_KEPT = timedelta(days=30)
ERASED_NOTE = "–"
PAGE_SIZE = 30


@dataclass(frozen=True)
class Step:
    name: str
    # Returns how many it erased: a total, or {organisation id: count} for per-org steps.
    run: Callable[[datetime], int | dict[int, int]]


STEPS: list[Step] = []


def register_step(name: str, run: Callable[[datetime], int | dict[int, int]]) -> None:
    """Add a step to every run (once per name; registering a name again replaces it)."""
    for index, step in enumerate(STEPS):
        if step.name == name:
            STEPS[index] = Step(name, run)
            return
    STEPS.append(Step(name, run))


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day when the
    day does not exist then)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last_day = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _cutoffs(now: datetime) -> dict[int, datetime]:
    rows = db.session.execute(select(Organisation.id, Organisation.comment_retention_months))
    return {org_id: months_before(now, months or DEFAULT_MONTHS) for org_id, months in rows}


def scrub_comments(now: datetime) -> dict[int, int]:
    """Delete the text of free-text answers older than each organisation's retention period."""
    counts = {}
    for org_id, cutoff in _cutoffs(now).items():
        old = select(Response.id).where(
            Response.organisation_id == org_id, Response.submitted_at < cutoff
        )
        with unit_of_work() as session:
            result = session.execute(
                update(Answer)
                .where(Answer.text.is_not(None), Answer.response_id.in_(old))
                .values(text=None)
                .execution_options(synchronize_session=False)
            )
        if result.rowcount:
            counts[org_id] = result.rowcount
    return counts


def strip_stored_reports(now: datetime) -> dict[int, int]:
    """Stored reports of months before the retention period: comments and search terms out,
    PDF and XLSX rendered again from the same stored figures."""
    from survey.reports import pdf, spreadsheet
    from survey.services import reports

    counts: dict[int, int] = {}
    for org_id, cutoff in _cutoffs(now).items():
        first_kept = cutoff.date().replace(day=1)
        ids = db.session.execute(
            select(Report.id).where(Report.organisation_id == org_id, Report.month < first_kept)
        ).scalars().all()
        for report_id in ids:
            report = db.session.get(Report, report_id)
            data = reports.stored_data(report)
            if not data.comments and not data.website.searched:
                continue
            data = dataclasses.replace(
                data, comments=(), website=dataclasses.replace(data.website, searched=())
            )
            pdf_bytes, xlsx_bytes = pdf.render(data), spreadsheet.xlsx(data)
            with unit_of_work():
                report = db.session.get(Report, report_id)
                report.data, report.pdf, report.xlsx = data.to_dict(), pdf_bytes, xlsx_bytes
                slug, month, language = report.organisation.slug, report.month, report.language
            reports._copy_to_exports(slug, month, language, pdf_bytes, xlsx_bytes)
            counts[org_id] = counts.get(org_id, 0) + 1
    return counts


def erase_invitation_addresses(now: datetime) -> int:
    return invitations.erase_addresses(now)


def shorten_delivery_errors(now: datetime) -> int:
    """Keep only the code of provider errors of messages finished more than 7 days ago."""
    rows = db.session.execute(
        select(Delivery.id, Delivery.error).where(
            Delivery.error.like("% %"), Delivery.finished_at < now - DELIVERY_ERRORS_KEPT
        )
    ).all()
    if not rows:
        return 0
    with unit_of_work() as session:
        for delivery_id, error in rows:
            session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(error=error.split(" ", 1)[0])
            )
    return len(rows)


def purge_callback_details(now: datetime) -> int:
    from survey.services import callbacks

    return callbacks.purge_expired_callback_details(now)


def erase_case_notes(now: datetime) -> int:
    """Staff notes of callback cases closed more than 30 days ago: they can name the person
    or repeat their number, so their text goes (the case's status and outcome stay)."""
    from survey.models import CallbackCase, CallbackNote

    closed = select(CallbackCase.id).where(
        CallbackCase.closed_at.is_not(None), CallbackCase.closed_at < now - NOTES_KEPT
    )
    with unit_of_work() as session:
        result = session.execute(
            update(CallbackNote)
            .where(CallbackNote.case_id.in_(closed), CallbackNote.text != ERASED_NOTE)
            .values(text=ERASED_NOTE)
            .execution_options(synchronize_session=False)
        )
    return result.rowcount


for _name, _run in (
    ("comments", scrub_comments),
    ("stored_reports", strip_stored_reports),
    ("invitation_addresses", erase_invitation_addresses),
    ("delivery_errors", shorten_delivery_errors),
    ("callback_details", purge_callback_details),
    ("case_notes", erase_case_notes),
):
    register_step(_name, _run)


def run(now: datetime | None = None) -> RetentionRun:
    """One run of every step; returns its log row."""
    now = now or datetime.now(UTC)
    with unit_of_work() as session:
        entry = RetentionRun(started_at=now, counts={}, errors={}, status="running")
        session.add(entry)
        session.flush()
        run_id = entry.id
    totals: dict = {}
    per_org: dict[str, dict[str, int]] = {}
    errors: dict[str, str] = {}
    for step in list(STEPS):
        try:
            result = step.run(now)
        except Exception as error:  # noqa: BLE001 - written on the run; other steps go on
            db.session.rollback()
            log.exception("Retention step %s failed", step.name)
            errors[step.name] = f"{type(error).__name__}: {error}"[:500]
            continue
        if isinstance(result, dict):
            totals[step.name] = sum(result.values())
            for org_id, count in result.items():
                per_org.setdefault(str(org_id), {})[step.name] = count
        else:
            totals[step.name] = int(result or 0)
    with unit_of_work():
        entry = db.session.get(RetentionRun, run_id)
        entry.finished_at = datetime.now(UTC)
        entry.counts = {"totals": totals, "organisations": per_org}
        entry.errors = errors
        entry.status = "failed" if errors else "ok"
    log.info("Retention run %s: %s", run_id, totals)
    return db.session.get(RetentionRun, run_id)


def runs(page: int = 1) -> list[RetentionRun]:
    return list(
        db.session.execute(
            select(RetentionRun)
            .order_by(RetentionRun.started_at.desc(), RetentionRun.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        ).scalars()
    )


def set_retention(actor, organisation_id: int, months) -> None:
    """The organisation's retention period for comments, in months (audited)."""
    try:
        value = int(months)
    except (TypeError, ValueError):
        value = 0
    if not MIN_MONTHS <= value <= MAX_MONTHS:
        raise Invalid(
            "invalid_retention",
            f"The retention period is {MIN_MONTHS} to {MAX_MONTHS} months.",
            "comment_retention_months",
        )
    with unit_of_work() as session:
        organisation = session.get(Organisation, organisation_id)
        before = audit.snapshot(organisation, ("comment_retention_months",))
        organisation.comment_retention_months = value
        audit.record(
            session, actor, organisation_id, "organisation.retention", "organisation",
            before, audit.snapshot(organisation, ("comment_retention_months",)),
        )
