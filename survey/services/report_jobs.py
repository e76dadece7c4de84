"""One run of each monthly report, however many workers try it and whatever crashes.

A worker claims the report's row in `report_jobs` before it builds (the table's unique key and
the write lock settle a race) and holds it for LEASE. Each step is written down when it is
done: built, e-mail started, e-mailed, done. A claim whose lease ran out belongs to a worker
that died; the next catch-up (at a worker's start and every quarter of an hour) takes it over
and goes on from the last step written. The e-mail is marked as started before it goes out,
so a report is never e-mailed twice: a run stopped in the middle of sending is not sent again
(its last_error says so), which is the one window that trades a missed e-mail for a duplicate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import ReportJob

LEASE = timedelta(minutes=30)
MAX_ATTEMPTS = 5  # a build that keeps failing is given up after this many tries


@dataclass(frozen=True)
class Claim:
    job_id: int
    token: str
    built_at: datetime | None
    mail_started_at: datetime | None


def claim(organisation_id: int, month: date, language: str, now: datetime) -> Claim | None:
    """This report's run for this caller, or None when it is done, failed for good, or held
    by a worker whose lease has not run out."""
    token = uuid.uuid4().hex
    try:
        with unit_of_work() as session:
            job = session.execute(
                select(ReportJob)
                .where(
                    ReportJob.organisation_id == organisation_id,
                    ReportJob.month == month,
                    ReportJob.language == language,
                )
                .with_for_update()
            ).scalar()
            if job is None:
                job = ReportJob(
                    organisation_id=organisation_id,
                    month=month,
                    language=language,
                    state="running",
                    worker=token,
                    claimed_at=now,
                    attempts=1,
                )
                session.add(job)
                session.flush()
            elif job.state != "running" or job.claimed_at > now - LEASE:
                return None
            else:
                job.worker, job.claimed_at, job.attempts = token, now, job.attempts + 1
            found = Claim(job.id, token, job.built_at, job.mail_started_at)
    except IntegrityError:
        # PostgreSQL: another worker inserted the row between our look and our insert.
        db.session.rollback()
        return None
    return found


def record(held: Claim, **values) -> bool:
    """Write a step of a held run; False when the claim was lost (taken over meanwhile)."""
    with unit_of_work() as session:
        changed = session.execute(
            update(ReportJob)
            .where(ReportJob.id == held.job_id, ReportJob.worker == held.token)
            .values(**values)
        ).rowcount
    return changed == 1


def release_after_error(held: Claim, error: str, now: datetime) -> None:
    """A failed try: the next catch-up tries again, until MAX_ATTEMPTS."""
    with unit_of_work() as session:
        job = session.get(ReportJob, held.job_id)
        if job is None or job.worker != held.token:
            return
        job.last_error = error[:2000]
        if job.attempts >= MAX_ATTEMPTS:
            job.state, job.finished_at = "failed", now
        else:
            job.claimed_at = now - LEASE  # free at once for the next catch-up


def unfinished_months(organisation_id: int, language: str, since: date) -> list[date]:
    """Months whose run was started but not finished (a worker died, or a build failed)."""
    return list(
        db.session.execute(
            select(ReportJob.month).where(
                ReportJob.organisation_id == organisation_id,
                ReportJob.language == language,
                ReportJob.state == "running",
                ReportJob.month >= since,
            )
        ).scalars()
    )
