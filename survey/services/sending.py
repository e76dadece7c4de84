"""Sending due invitations and reminders exactly once, concurrently.

Each message has a send-once record (`Delivery`, unique per invitation and kind). A batch is
  1. claimed in one unit of work: due invitations get a `claimed` delivery and status
     `sending`, deliveries due for a retry are claimed again, stale claims (their worker
     died: older than SEND_CLAIM_LEASE_SECONDS) become `unknown`;
  2. sent through the provider by a thread pool (SMS_CONCURRENCY requests at once);
  3. recorded in one unit of work: `sent`, `failed_temporary` / `unknown` with the next
     attempt (exponential backoff, or the provider's Retry-After), or `failed_permanent`.
A message whose earlier attempt has an unknown outcome (a timeout, a 5xx, a dead worker) is
first looked up at the provider (`find_sent`: Twilio's message list, the outbox folder; a
look-up that fails keeps the outcome unknown, so it is looked up again, not sent blind); for
CM.com a status report with its reference settles it, and it is sent again only when none
came within CM_REPORT_WAIT_SECONDS; SMTP cannot tell, so such an e-mail is never sent twice
and ends as `unknown` (counted as failed). The destination is always the invitation's own
contact's address: nothing here takes an address from a caller.

Step 1, the claim, is in survey/services/sending_claims.py (with the bulk row updates both
steps use); `claim`, `expire` and `Job` are importable from here as before.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from survey import messaging
from survey.database import unit_of_work
from survey.extensions import db
from survey.messaging import Message, SendFailed
from survey.models.invitation import Delivery, Invitation
from survey.services import whatsapp_chat
from survey.services.delivering import Outcome, Sender
from survey.services.invitation_texts import Composer
from survey.services.invitations import link_token
from survey.services.sending_claims import (
    DELIVERIES,
    INVITATIONS,
    Job,
    claim,
    expire,
    provider_names,
    unsynced_update,
    update_by_id,
)

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


def link_url(token: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/s/{token}"


def unsubscribe_url(token: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/webhooks/email/unsubscribe/{token}"


def backoff(attempts: int) -> float:
    return min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))


@dataclass
class Summary:
    claimed: int = 0
    sent: int = 0
    recovered: int = 0
    retrying: int = 0
    failed: int = 0
    expired: int = 0
    codes: dict = field(default_factory=dict)
    too_late: int = 0  # claims left to the recovery rule (not sent within half the lease)

    def add(self, other: Summary) -> None:
        for name in ("claimed", "sent", "recovered", "retrying", "failed", "expired",
                     "too_late"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, n in other.codes.items():
            self.codes[code] = self.codes.get(code, 0) + n


def provider_kind(mode: str) -> str:
    """The provider kind that sends an invitation of this survey mode."""
    return mode if mode in ("email", "whatsapp") else "sms"


def compose(jobs: list[Job]) -> None:
    composer = Composer()
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    status_callback = {
        "twilio": f"{public}/webhooks/sms/twilio/status",
    }.get(provider_names()["sms"])
    for job in jobs:
        if job.mode == "whatsapp":
            whatsapp_chat.compose_invitation(job, datetime.now(UTC))
            continue
        token = link_token(job.contact_id)
        words = composer.words(
            mode=job.mode, language=job.language, kind=job.kind, custom=job.texts,
            organisation=job.organisation_name, link=link_url(token),
            unsubscribe=unsubscribe_url(token),
        )
        if job.mode == "email":
            job.message = Message(
                to=(job.address,), subject=words.subject, body=words.body, html=words.html,
                sender_name=job.organisation_name, reference=job.reference,
                organisation=job.organisation,
                headers=(("List-Unsubscribe", f"<{unsubscribe_url(token)}>"),
                         ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")),
            )
        else:
            job.message = Message(to=(job.address,), body=words.sms, reference=job.reference,
                                  status_callback=status_callback
                                  and f"{status_callback}?ref={job.reference}",
                                  organisation=job.organisation)


def deliver(jobs: list[Job]) -> list[Outcome]:
    """Send every job now (one batch, no pipelining)."""
    with Sender() as sender:
        return [future.result() for future in sender.start(jobs)]


def record(outcomes: list[Outcome], now: datetime) -> Summary:
    """Write every outcome in one unit of work."""
    config = current_app.config
    max_attempts = int(config["SEND_MAX_ATTEMPTS"])
    report_wait = float(config["CM_REPORT_WAIT_SECONDS"])
    names = provider_names()
    summary = Summary()
    deliveries, invitations, now_sent = [], [], []
    for o in outcomes:
        job = o.job
        if o.too_late:
            summary.too_late += 1
            continue
        if o.sent is not None:
            summary.sent += 1
            if job.recover_since is not None:
                summary.recovered += 1
            deliveries.append({"id": job.delivery_id, "status": "sent", "finished_at": now,
                               "provider_message_id": o.sent.provider_message_id,
                               "error": None})
            if job.kind == "invitation":
                invitations.append({"id": job.invitation_id, "sent_at": now,
                                    "provider_message_id": o.sent.provider_message_id})
                now_sent.append(job.invitation_id)
            else:
                invitations.append({"id": job.invitation_id, "reminded_at": now})
            continue
        failure = o.failure
        code = failure.code
        summary.codes[code] = summary.codes.get(code, 0) + 1
        if failure.permanent or job.attempts >= max_attempts:
            summary.failed += 1
            deliveries.append({"id": job.delivery_id, "status": "failed_permanent",
                               "finished_at": now, "error": _error(failure)})
            if job.kind == "invitation":
                invitations.append({"id": job.invitation_id, "status": "failed",
                                    "failure_code": code})
            continue
        summary.retrying += 1
        wait = failure.retry_after if failure.retry_after is not None else backoff(job.attempts)
        provider_name = names[provider_kind(job.mode)]
        provider = messaging.PROVIDERS.get(provider_name)
        if failure.ambiguous and getattr(provider, "recovered_by_reports", False):
            wait = max(wait, report_wait)  # let a status report settle it first
        deliveries.append({
            "id": job.delivery_id, "error": _error(failure),
            "status": "unknown" if failure.ambiguous else "failed_temporary",
            "next_attempt_at": now + timedelta(seconds=wait),
        })
    with unit_of_work() as session:
        # A delivery a report settled first is left as the report made it.
        update_by_id(session, DELIVERIES, deliveries, DELIVERIES.c.status == "claimed")
        update_by_id(session, INVITATIONS, invitations)
        if now_sent:  # a delivery report may have come first: never undo "delivered"
            session.execute(unsynced_update(Invitation).where(Invitation.id.in_(now_sent),
                                                     Invitation.status == "sending")
                            .values(status="sent"))
        whatsapp_chat.conversations_started(
            session, [o for o in outcomes if o.sent is not None and o.job.mode == "whatsapp"
                      and o.job.kind == "invitation"], now)
    return summary


def _error(failure: SendFailed) -> str:
    return f"{failure.code} {failure.detail}".strip()[:500]


def send_batch(now: datetime | None = None, limit: int | None = None) -> Summary:
    """One batch: claim, send, record. Returns what happened (claimed 0: nothing was due)."""
    return send_due(now, limit, max_seconds=0, expiring=False)


def send_due(now=None, limit: int | None = None, max_seconds: float = 50.0,
             expiring: bool = True) -> Summary:
    """Expire, then send batches until nothing is due or `max_seconds` passed.

    Pipelined: while one batch is at the provider, the next is claimed and composed; every
    claim is committed before its messages go out, every outcome recorded after.
    """
    limit = limit or int(current_app.config["SEND_BATCH_SIZE"])
    started = time.monotonic()
    total = Summary(expired=expire(now or datetime.now(UTC)) if expiring else 0)
    with Sender() as sender:
        jobs = claim(now or datetime.now(UTC), limit)
        compose(jobs)
        futures = sender.start(jobs)
        while jobs:
            more = time.monotonic() - started <= max_seconds
            following = claim(now or datetime.now(UTC), limit) if more else []
            compose(following)
            outcomes = [future.result() for future in futures]
            batch = record(outcomes, datetime.now(UTC))
            batch.claimed = len(jobs)
            total.add(batch)
            jobs, futures = following, sender.start(following)
    return total


def pending_count() -> int:
    """Messages due or waiting for a retry (for status pages and tests)."""
    now = datetime.now(UTC)
    scheduled = db.session.scalar(
        select(db.func.count()).select_from(Invitation)
        .where(Invitation.status == "scheduled", Invitation.due_at <= now))
    retrying = db.session.scalar(
        select(db.func.count()).select_from(Delivery)
        .where(Delivery.status.in_(("failed_temporary", "unknown", "claimed"))))
    return int(scheduled or 0) + int(retrying or 0)
