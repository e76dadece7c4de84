"""Queue tasks and schedules; each is one call into a service."""

from datetime import UTC, datetime

from huey import crontab

from survey import queue
from survey.queue import huey
from survey.reports.period import AMSTERDAM
from survey.services import (
    dashboard_warm,
    late_reports,
    partitions,
    period_reports,
    reports,
    sending,
    status,
)


@huey.on_startup()
def _announce():
    with queue.app().app_context():
        status.record_heartbeat(started=True)


@huey.periodic_task(crontab(minute="*"))
def heartbeat():
    """Tell the database the worker is alive, once a minute."""
    with queue.app().app_context():
        status.record_heartbeat()


def amsterdam_crontab(**fields):
    """huey's crontab evaluated on the Europe/Amsterdam wall clock (huey runs in UTC)."""
    matches = crontab(**fields)

    def validate(timestamp: datetime) -> bool:
        local = timestamp.replace(tzinfo=UTC).astimezone(AMSTERDAM).replace(tzinfo=None)
        return matches(local)

    return validate


@huey.periodic_task(amsterdam_crontab(day="1", hour="6", minute="0"))
def monthly_reports():
    """On the 1st at 06:00 Amsterdam time: last month's report for every organisation."""
    with queue.app().app_context():
        reports.build_and_send_all(datetime.now(AMSTERDAM).date())


@huey.task()
def catch_up_reports():
    """Every monthly report the 06:00 job missed (worker down) or a dead worker left halfway:
    enqueued at worker start, and run every quarter of an hour (catch_up_periodically)."""
    with queue.app().app_context():
        reports.catch_up(datetime.now(AMSTERDAM).date())
        period_reports.catch_up(datetime.now(AMSTERDAM).date())


@huey.periodic_task(crontab(minute="*/15"))
def catch_up_periodically():
    """A run whose worker died is taken over once its claim's lease ends (report_jobs)."""
    with queue.app().app_context():
        reports.catch_up(datetime.now(AMSTERDAM).date())
        period_reports.catch_up(datetime.now(AMSTERDAM).date())


@huey.periodic_task(amsterdam_crontab(day="1", hour="6", minute="30"))
def period_reports_due():
    """On the 1st at 06:30 Amsterdam time: the subscribed reports of the period that just
    ended (a unit's month; a quarter in January, April, July and October; the year in
    January), organisation-wide or per unit, each built and e-mailed once."""
    with queue.app().app_context():
        period_reports.send_due(datetime.now(AMSTERDAM).date())


@huey.task()
def build_requested_report(run_id: int):
    """A report asked for with the dashboard's "Maak rapport" button (its progress is
    written to its period_reports row, which the staff page shows)."""
    with queue.app().app_context():
        period_reports.run_requested(run_id)


LATE_TRIES = 12  # a report being built is looked at again every 10 minutes, for 2 hours


@huey.task()
def deliver_late_report(subscription_id: int, tries: int = 0):
    """A new subscription (staff page or command line): its most recent built report, once
    (survey.services.late_reports)."""
    with queue.app().app_context():
        outcome = late_reports.deliver_late(subscription_id, datetime.now(AMSTERDAM).date())
    if outcome == late_reports.WAIT and tries < LATE_TRIES:
        deliver_late_report.schedule((subscription_id, tries + 1), delay=600)
    return outcome


@huey.periodic_task(amsterdam_crontab(hour="3", minute="0"))
def warm_dashboards():
    """Every night at 03:00 Amsterdam time: the dashboard cells of every organisation's
    current periods stored for the web processes (survey.services.dashboard_warm)."""
    with queue.app().app_context():
        dashboard_warm.warm(datetime.now(AMSTERDAM).date())


@huey.periodic_task(crontab(minute="*/5"))
def warm_recent_dashboards():
    """Every 5 minutes: the last two months' cells again (they still receive responses)."""
    with queue.app().app_context():
        dashboard_warm.warm(datetime.now(AMSTERDAM).date(), recent_only=True)


@huey.task()
def warm_dashboard(organisation_id: int):
    """A dashboard view found a month cold: store the organisation's current months."""
    with queue.app().app_context():
        dashboard_warm.warm(datetime.now(AMSTERDAM).date(), organisation_id)


@huey.periodic_task(crontab(minute="*"))
def send_invitations():
    """Every minute: due invitations, reminders and retries sent; expired ones marked."""
    with queue.app().app_context():
        sending.send_due(max_seconds=50)


@huey.periodic_task(crontab(minute="*/10"))
def erase_addresses():
    """Every 10 minutes: erase the citizens' addresses no invitation needs any more."""
    from survey.services import invitations

    with queue.app().app_context():
        invitations.erase_addresses(datetime.now(UTC))


@huey.periodic_task(crontab(minute="*/5"))
def evaluate_alerts():
    """Every 5 minutes: each organisation's alert rules, e-mailed once per cooldown."""
    from survey.services import alerts

    with queue.app().app_context():
        alerts.evaluate(datetime.now(UTC))


@huey.periodic_task(amsterdam_crontab(hour="3", minute="30"))
def retention():
    """Daily at 03:30 Amsterdam time: personal data past its term erased, the run logged."""
    from survey.services import retention as job

    with queue.app().app_context():
        job.run(datetime.now(UTC))


@huey.periodic_task(crontab(minute="*"))
def callback_case_mail():
    """Every minute: e-mail the unit's inbox about new callback cases and overdue ones (each
    mail once per case)."""
    from survey.services import case_mail

    with queue.app().app_context():
        case_mail.send_case_mail(datetime.now(UTC))


@huey.periodic_task(crontab(minute="17"))
def purge_callback_details():
    """Every hour: erase callback contact details of closed cases and of requests older than
    30 days (the retention job may call the same function; running it twice changes nothing)."""
    from survey.services import callbacks

    with queue.app().app_context():
        callbacks.purge_expired_callback_details(datetime.now(UTC))


@huey.periodic_task(crontab(hour="3", minute="30"))
def create_partitions():
    """Every night (and at worker start): on PostgreSQL, the monthly partitions of responses
    and answers for this month and the next two exist before their first answer arrives."""
    with queue.app().app_context():
        partitions.create_ahead_now()


@huey.task()
def process_whatsapp(ids):
    """WhatsApp webhook events taken in by the webhook: statuses, replies, opt-outs."""
    from survey.services import whatsapp_inbox

    with queue.app().app_context():
        whatsapp_inbox.process_all(list(ids), datetime.now(UTC))


@huey.periodic_task(crontab(minute="*"))
def whatsapp_leftovers():
    """Every minute: WhatsApp events the queue lost (a worker that died) are processed."""
    from survey.services import whatsapp_inbox

    with queue.app().app_context():
        now = datetime.now(UTC)
        whatsapp_inbox.process_all(whatsapp_inbox.pending(now), now)
