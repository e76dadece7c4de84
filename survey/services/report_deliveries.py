"""Which report was e-mailed to whom (``report_deliveries``): a row per report and person,
claimed before the e-mail goes out. The scheduled mailing of a monthly report
(survey.services.reports) or a period report's run (survey.services.period_reports) and a
late subscriber's e-mail (survey.services.late_reports) all claim first, so whichever comes
first sends and nobody gets the same report twice, also with two workers at once (the unique
key decides) or after a subscription was removed and added again (the row stays)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import ReportDelivery
from survey.services.subscriptions import Recipient


def monthly_key(report_id: int) -> str:
    return f"report:{report_id}"


def run_key(run_id: int) -> str:
    return f"run:{run_id}"


def claim(
    organisation_id: int, key: str, people: Iterable[Recipient], origin: str
) -> list[Recipient]:
    """The people this caller may e-mail the report to: those it could write a delivery row
    for (someone who got it, or is getting it from another worker, is left out)."""
    claimed = []
    for person in people:
        try:
            with unit_of_work() as session:
                taken = session.execute(
                    select(ReportDelivery.id).where(
                        ReportDelivery.report_key == key, ReportDelivery.user_id == person.user_id
                    )
                ).scalar()
                if taken is not None:
                    continue
                session.add(
                    ReportDelivery(
                        organisation_id=organisation_id,
                        user_id=person.user_id,
                        report_key=key,
                        origin=origin,
                    )
                )
        except IntegrityError:  # another worker wrote it first (PostgreSQL)
            db.session.rollback()
            continue
        claimed.append(person)
    return claimed


def sent(key: str, people: Iterable[Recipient]) -> None:
    ids = [p.user_id for p in people]
    with unit_of_work() as session:
        session.execute(
            update(ReportDelivery)
            .where(ReportDelivery.report_key == key, ReportDelivery.user_id.in_(ids))
            .values(sent_at=datetime.now(UTC))
        )


def failed(key: str, people: Iterable[Recipient], error: str, not_sent: bool) -> None:
    """The e-mail did not go out: with ``not_sent`` (mail is not configured: certainly not
    sent) the claims are removed so a later try may send it; otherwise (the mail server
    failed halfway: perhaps sent) they stay with the error, and it is not sent again."""
    ids = [p.user_id for p in people]
    where = (ReportDelivery.report_key == key, ReportDelivery.user_id.in_(ids))
    with unit_of_work() as session:
        if not_sent:
            session.execute(delete(ReportDelivery).where(*where))
        else:
            session.execute(update(ReportDelivery).where(*where).values(error=error[:2000]))


def delivered_to(key: str) -> list[int]:
    """The user ids a report was (or is being) e-mailed to."""
    return list(
        db.session.execute(
            select(ReportDelivery.user_id).where(ReportDelivery.report_key == key)
        ).scalars()
    )
