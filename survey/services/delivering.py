"""Handing claimed messages to providers, many at once: a thread pool and one provider (one
HTTP connection pool) per kind for a whole sending run."""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from flask import current_app

from survey import messaging
from survey.messaging import SendFailed, Sent

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    job: object  # survey.services.sending.Job
    sent: Sent | None = None
    failure: SendFailed | None = None
    too_late: bool = False  # not sent: its claim was too old (left to the recovery rule)


def deliver_one(provider, job) -> Outcome:
    """Send one message; first ask the provider when an earlier attempt's outcome is unknown.

    A message is not sent once half its claim's lease has passed (the worker was stopped or
    starved): another worker may be about to take the claim over, look the message up, find
    nothing and send it. It stays claimed; the recovery rule settles it."""
    if time.monotonic() > job.send_by:
        return Outcome(job, too_late=True)
    try:
        if job.recover_since is not None and provider.recoverable:
            try:
                found = provider.find_sent(job.message, job.recover_since)
            except SendFailed as failure:
                if failure.permanent:
                    raise
                # The earlier attempt's outcome is still unknown: the next try looks again
                # instead of sending blind (the message may exist).
                return Outcome(job, failure=messaging.TemporaryFailure(
                    failure.code, failure.detail, retry_after=failure.retry_after,
                    ambiguous=True))
            if found is not None:
                return Outcome(job, sent=found)
        result = provider.send(job.message)
        return Outcome(job, sent=result or Sent(job.reference))
    except SendFailed as failure:
        return Outcome(job, failure=failure)
    except Exception as error:  # noqa: BLE001 - a bug in one send must not lose the batch
        log.exception("Sending delivery %s failed unexpectedly", job.delivery_id)
        return Outcome(job, failure=messaging.TemporaryFailure(
            "send_error", type(error).__name__, ambiguous=True))


class Sender:
    """SMS_CONCURRENCY threads and the configured providers, for one run of the sender."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=int(current_app.config["SMS_CONCURRENCY"]),
                                       thread_name_prefix="kto-send")
        self.providers: dict[str, object] = {}

    def provider(self, kind: str):
        if kind not in self.providers:
            try:
                self.providers[kind] = messaging.provider(kind)
            except messaging.NotConfigured as error:
                self.providers[kind] = messaging.TemporaryFailure("not_configured", str(error))
        return self.providers[kind]

    def start(self, jobs) -> list[Future]:
        futures = []
        for job in jobs:
            provider = self.provider(job.mode if job.mode in ("email", "whatsapp") else "sms")
            if getattr(job, "failure", None) is not None:  # could not be composed
                provider = job.failure
            if isinstance(provider, SendFailed):
                done: Future = Future()
                done.set_result(Outcome(job, failure=provider))
                futures.append(done)
            else:
                futures.append(self.pool.submit(deliver_one, provider, job))
        return futures

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(wait=True)
        for provider in self.providers.values():
            if not isinstance(provider, SendFailed):
                provider.close()
