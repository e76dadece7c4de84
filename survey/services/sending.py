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
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, exists, insert, select, update

from survey import messaging
from survey.database import unit_of_work
from survey.domain.invitation_rules import allows
from survey.extensions import db
from survey.messaging import Message, SendFailed
from survey.models import Organisation
from survey.models.invitation import Contact, Delivery, Invitation, InvitationRule, OptOut
from survey.services import whatsapp_chat
from survey.services.delivering import Outcome, Sender
from survey.services.invitation_texts import Composer
from survey.services.invitations import link_token

log = logging.getLogger(__name__)
DELIVERIES = Delivery.__table__


def _update(entity):
    """An UPDATE that does not look through the session's objects (none are loaded here)."""
    return update(entity).execution_options(synchronize_session=False)

INVITATIONS = Invitation.__table__

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


def link_url(token: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/s/{token}"


def unsubscribe_url(token: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/webhooks/email/unsubscribe/{token}"


def backoff(attempts: int) -> float:
    return min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))


@dataclass
class Job:
    delivery_id: int
    invitation_id: int
    contact_id: int
    kind: str
    mode: str
    address: str
    language: str
    organisation: str
    organisation_name: str
    texts: dict
    reference: str
    attempts: int
    recover_since: datetime | None  # look the message up first (an unknown earlier outcome)
    message: Message | None = None
    send_by: float = float("inf")  # time.monotonic() after which it is not sent (the lease)
    # WhatsApp: what the first message is built from (the 24-hour window, the survey's
    # headline, the organisation's number and templates).
    contact_channel: str = ""
    contact_ended_at: datetime | None = None
    organisation_id: int = 0
    survey_id: int = 0
    address_hash: str | None = None
    question: str | None = None  # the question the message asks (WhatsApp)
    failure: SendFailed | None = None  # could not be composed: recorded as this failure


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


def _provider_names() -> dict[str, str]:
    config = current_app.config
    return {"sms": config.get("SMS_PROVIDER") or "twilio",
            "email": config.get("MAIL_PROVIDER") or "smtp",
            "whatsapp": config.get("WHATSAPP_PROVIDER") or "meta"}


def provider_kind(mode: str) -> str:
    """The provider kind that sends an invitation of this survey mode."""
    return mode if mode in ("email", "whatsapp") else "sms"


def _locked(statement):
    """FOR UPDATE SKIP LOCKED on PostgreSQL (two workers claim different rows); SQLite's
    writers are one at a time already (unit_of_work)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True)
    return statement


def expire(now: datetime) -> int:
    """Invitations not sent before their link expired: `expired`, their retries ended."""
    with unit_of_work() as session:
        # A reminder still waiting for a retry when the link expires is not sent any more.
        session.execute(
            _update(Delivery)
            .where(Delivery.kind == "reminder",
                   Delivery.status.in_(("failed_temporary", "unknown")),
                   Delivery.invitation_id.in_(
                       select(Invitation.id).where(Invitation.expires_at <= now)))
            .values(status="failed_permanent", error="expired", finished_at=now)
        )
        pending = session.execute(_locked(
            select(Invitation.id).where(
                Invitation.status.in_(("scheduled", "sending")), Invitation.expires_at <= now
            )
        )).scalars().all()
        if not pending:
            return 0
        session.execute(
            _update(Delivery)
            .where(Delivery.invitation_id.in_(pending), Delivery.kind == "invitation",
                   Delivery.status.in_(("failed_temporary", "unknown", "claimed")))
            .values(status="failed_permanent", error="expired", finished_at=now)
        )
        session.execute(_update(Invitation).where(Invitation.id.in_(pending))
                        .values(status="expired"))
        return len(pending)


def claim(now: datetime, limit: int) -> list[Job]:
    """Claim up to `limit` messages in one unit of work and return what to send."""
    config = current_app.config
    lease = timedelta(seconds=float(config["SEND_CLAIM_LEASE_SECONDS"]))
    send_by = time.monotonic() + lease.total_seconds() / 2
    names = _provider_names()
    jobs: list[Job] = []
    with unit_of_work() as session:
        # Claims of a worker that died: their outcome is unknown. Providers recovered by
        # status reports (CM.com) get the time a report needs to arrive first.
        wait = timedelta(seconds=float(config["CM_REPORT_WAIT_SECONDS"]))
        by_reports = [n for n, p in messaging.PROVIDERS.items()
                      if getattr(p, "recovered_by_reports", False)]
        stale = and_(Delivery.status == "claimed", Delivery.claimed_at < now - lease)
        session.execute(_update(Delivery).where(stale, Delivery.provider.in_(by_reports))
                        .values(status="unknown", next_attempt_at=now + wait,
                                error="worker lost"))
        session.execute(_update(Delivery).where(stale)
                        .values(status="unknown", next_attempt_at=now, error="worker lost"))
        retries = session.execute(_locked(
            select(Delivery.id, Delivery.invitation_id, Delivery.kind, Delivery.status,
                   Delivery.attempts, Delivery.idempotency_key, Delivery.provider)
            .where(Delivery.status.in_(("failed_temporary", "unknown")),
                   Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at).limit(limit)
        )).all()
        room = limit - len(retries)
        fresh = session.execute(_locked(
            select(Invitation.id, Invitation.survey_mode)
            .where(Invitation.status == "scheduled", Invitation.due_at <= now,
                   Invitation.expires_at > now)
            .order_by(Invitation.due_at).limit(max(room, 0))
        )).all() if room > 0 else []
        room -= len(fresh)
        reminders = session.execute(_locked(
            select(Invitation.id, Invitation.survey_mode)
            .where(Invitation.status.in_(("sent", "delivered")),
                   Invitation.reminder_due_at <= now, Invitation.reminded_at.is_(None),
                   Invitation.completed_at.is_(None), Invitation.expires_at > now,
                   Invitation.survey_mode != "whatsapp",  # the conversation is the follow-up
                   ~exists().where(Delivery.invitation_id == Invitation.id,
                                   Delivery.kind == "reminder"))
            .limit(max(room, 0))
        )).all() if room > 0 else []

        claimed: list[tuple[int, int, str, int, str, datetime | None]] = []
        for r in retries:
            recover = r.status == "unknown"
            provider = messaging.PROVIDERS.get(r.provider or "")
            if recover and provider is not None and not provider.recoverable:
                if getattr(provider, "recovered_by_reports", False):
                    pass  # no report within the wait (a report would have settled it): resend
                else:  # SMTP: cannot know; never risk a second message
                    _final(session, r.id, r.invitation_id, r.kind, "outcome_unknown", now,
                           status="unknown")
                    continue
            claimed.append((r.id, r.invitation_id, r.kind, r.attempts + 1, r.idempotency_key,
                            recover))
        if claimed:
            _update_by_id(session, DELIVERIES, [
                {"id": c[0], "status": "claimed", "attempts": c[3], "claimed_at": now}
                for c in claimed
            ])
        new = [(i.id, "invitation", i.survey_mode) for i in fresh]
        new += [(i.id, "reminder", i.survey_mode) for i in reminders]
        if new:
            rows = [{"invitation_id": i, "kind": kind, "status": "claimed", "attempts": 1,
                     "claimed_at": now, "provider": names.get(mode, mode),
                     "idempotency_key": f"kto-{i}-{kind[0]}"} for i, kind, mode in new]
            session.execute(insert(DELIVERIES), rows)  # the unique key: one claim wins
            keys = [r["idempotency_key"] for r in rows]
            claimed += [(d.id, d.invitation_id, d.kind, 1, d.idempotency_key, False)
                        for d in session.execute(
                            select(Delivery.id, Delivery.invitation_id, Delivery.kind,
                                   Delivery.idempotency_key)
                            .where(Delivery.idempotency_key.in_(keys)))]
            for mode in {m for _, kind, m in new if kind == "invitation"}:
                session.execute(
                    _update(Invitation)
                    .where(Invitation.id.in_([i for i, k, m in new
                                              if k == "invitation" and m == mode]))
                    .values(status="sending", provider=names.get(mode, mode)))
        if not claimed:
            return []
        jobs = _jobs(session, claimed, now)
    for job in jobs:
        job.send_by = send_by
    return jobs


def _jobs(session, claimed, now) -> list[Job]:
    """What each claimed delivery needs; opted-out and erased addresses end here."""
    by_invitation = {c[1]: c for c in claimed}
    rows = session.execute(
        select(Invitation.id, Invitation.survey_mode, Invitation.created_at,
               Invitation.contact_id, Contact.contact_channel, Contact.address_kind,
               Contact.organisation_id.label("contact_organisation"),
               Invitation.organisation_id, Contact.address,
               Contact.address_hash, Contact.language, Organisation.slug, Organisation.name,
               Contact.ended_at, Invitation.survey_id,
               InvitationRule.texts, OptOut.id.label("opted_out"))
        .join(Contact, Contact.id == Invitation.contact_id)
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .outerjoin(InvitationRule, and_(
            InvitationRule.organisation_id == Invitation.organisation_id,
            InvitationRule.contact_channel == Invitation.contact_channel))
        .outerjoin(OptOut, and_(OptOut.organisation_id == Invitation.organisation_id,
                                OptOut.address_hash == Contact.address_hash))
        .where(Invitation.id.in_(list(by_invitation)))
    ).all()
    jobs = []
    seen = set()
    for row in rows:
        delivery_id, invitation_id, kind, attempts, reference, recover = by_invitation[row.id]
        seen.add(row.id)
        # Purpose limitation: the contact's own address, through the one mode its channel
        # allows (the rule of survey.services.invitations.destination, checked in bulk).
        if (not allows(row.contact_channel, row.survey_mode, row.address_kind)
                or row.contact_organisation != row.organisation_id):
            _final(session, delivery_id, invitation_id, kind, "no_destination", now)
            continue
        if row.opted_out or not row.address:
            _final(session, delivery_id, invitation_id, kind,
                   "opted_out" if row.opted_out else "no_address", now)
            continue
        jobs.append(Job(
            delivery_id=delivery_id, invitation_id=invitation_id, kind=kind,
            mode=row.survey_mode, address=row.address, contact_id=row.contact_id,
            language=row.language or "nl",
            organisation=row.slug, organisation_name=row.name, texts=row.texts or {},
            reference=reference, attempts=attempts,
            recover_since=row.created_at if recover else None,
            contact_channel=row.contact_channel, contact_ended_at=row.ended_at,
            organisation_id=row.organisation_id, survey_id=row.survey_id,
            address_hash=row.address_hash,
        ))
    for delivery_id, invitation_id, kind, *_ in claimed:
        if invitation_id not in seen:  # no contact any more
            _final(session, delivery_id, invitation_id, kind, "no_address", now)
    return jobs


def _final(session, delivery_id, invitation_id, kind, code, now, status="failed_permanent"):
    session.execute(_update(Delivery).where(Delivery.id == delivery_id)
                    .values(status=status, error=code, finished_at=now))
    if kind == "invitation":
        session.execute(_update(Invitation).where(Invitation.id == invitation_id)
                        .values(status="failed", failure_code=code))


def compose(jobs: list[Job]) -> None:
    composer = Composer()
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    status_callback = {
        "twilio": f"{public}/webhooks/sms/twilio/status",
    }.get(_provider_names()["sms"])
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
    names = _provider_names()
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
        _update_by_id(session, DELIVERIES, deliveries, DELIVERIES.c.status == "claimed")
        _update_by_id(session, INVITATIONS, invitations)
        if now_sent:  # a delivery report may have come first: never undo "delivered"
            session.execute(_update(Invitation).where(Invitation.id.in_(now_sent),
                                                     Invitation.status == "sending")
                            .values(status="sent"))
        whatsapp_chat.conversations_started(
            session, [o for o in outcomes if o.sent is not None and o.job.mode == "whatsapp"
                      and o.job.kind == "invitation"], now)
    return summary


def _update_by_id(session, table, rows: list[dict], *where) -> None:
    """UPDATE ... WHERE id = ? for many rows in one executemany per set of columns (the ORM's
    bulk update costs more than the database's own work at this volume)."""
    for group in _grouped(rows):
        columns = [k for k in group[0] if k != "id"]
        statement = (update(table).where(table.c.id == bindparam("row_id"), *where)
                     .values({c: bindparam(f"v_{c}") for c in columns}))
        session.execute(statement, [{"row_id": r["id"], **{f"v_{c}": r[c] for c in columns}}
                                    for r in group])


def _grouped(rows: list[dict]) -> list[list[dict]]:
    """The rows by their set of columns."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())


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
