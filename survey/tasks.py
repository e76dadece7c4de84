"""Queue tasks and schedules; each is one call into a service."""

from datetime import UTC, datetime

from huey import crontab

from survey import queue
from survey.queue import huey
from survey.reports.period import AMSTERDAM
from survey.services import reports, sending, status


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


@huey.periodic_task(crontab(minute="*/15"))
def catch_up_periodically():
    """A run whose worker died is taken over once its claim's lease ends (report_jobs)."""
    with queue.app().app_context():
        reports.catch_up(datetime.now(AMSTERDAM).date())


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
