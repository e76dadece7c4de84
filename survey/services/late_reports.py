"""A late subscriber gets the report of the period that just ended, once.

The scheduled mailing sends a period's report to those who subscribed before the period
ended (survey.services.period_reports; the monthly report to every subscriber at the time,
survey.services.reports). Someone who subscribes later would wait a whole period, so adding
a subscription enqueues survey.tasks.deliver_late_report, which e-mails the most recent
report of that kind (and unit) when it is already built: the month before today, the last
ended quarter or year. Every e-mail is claimed in report_deliveries first, so it goes out
once: not again when the subscription is removed and added again, when two workers run the
task, or when the scheduled mailing runs afterwards. A report not built yet is not built
for this: the normal schedule covers the next period (and, for a run that is being built
now, the task looks again a little later).
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select

from survey import messaging
from survey.extensions import db
from survey.models import PeriodReport, ReportJob, ReportSubscription
from survey.reports.period import previous_month
from survey.services import period_reports, reports, subscriptions

log = logging.getLogger(__name__)

SENT, NOTHING, WAIT, NOT_SENT = "sent", "nothing", "wait", "not sent"


def deliver_late(subscription_id: int, today: date) -> str:
    """E-mail the subscription's most recent built report to its subscriber if they did not
    get it yet: SENT; NOTHING to send (removed, no longer a member, got it already, or not
    built); WAIT (the report is being built: ask again later); NOT_SENT (mail failed)."""
    subscription = db.session.get(ReportSubscription, subscription_id)
    if subscription is None:
        return NOTHING
    person = subscriptions.person(subscription)
    if person is None:
        return NOTHING
    if subscription.kind == "month" and subscription.unit_id is None:
        return _monthly(subscription, person, previous_month(today))
    return _period(subscription, person, today)


def _monthly(subscription, person, month: date) -> str:
    report = reports.stored(subscription.organisation_id, month, "nl")
    if report is None:
        job = db.session.execute(
            select(ReportJob.state).where(
                ReportJob.organisation_id == subscription.organisation_id,
                ReportJob.month == month,
                ReportJob.language == "nl",
            )
        ).scalar()
        return WAIT if job == "running" else NOTHING
    return _send(lambda: reports.mail_to(report, [person], "late"), subscription.id)


def _period(subscription, person, today: date) -> str:
    period = period_reports.last_complete(subscription.kind, today)
    if subscription.created_at < period_reports.ended_at(period):
        return NOTHING  # subscribed before the period ended: the schedule sends it
    key = period_reports.run_key(
        subscription.organisation_id, subscription.kind, period, subscription.unit_id, "nl"
    )
    run = db.session.execute(select(PeriodReport).where(PeriodReport.run_key == key)).scalar()
    if run is None or run.state == "failed":
        return NOTHING
    if run.pdf is None or run.built_at is None:
        return WAIT
    return _send(lambda: period_reports.mail_to(run, [person], "late"), subscription.id)


def _send(mail, subscription_id: int) -> str:
    try:
        return SENT if mail() else NOTHING
    except (messaging.NotConfigured, OSError) as error:
        log.warning("Late report for subscription %s not sent: %s", subscription_id, error)
        return NOT_SENT
