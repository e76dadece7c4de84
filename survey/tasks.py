"""Queue tasks and schedules; each is one call into a service."""

from huey import crontab

from survey import queue
from survey.queue import huey
from survey.services import status


@huey.on_startup()
def _announce():
    with queue.app().app_context():
        status.record_heartbeat(started=True)


@huey.periodic_task(crontab(minute="*"))
def heartbeat():
    """Tell the database the worker is alive, once a minute."""
    with queue.app().app_context():
        status.record_heartbeat()
