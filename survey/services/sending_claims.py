"""Step 1 of sending (survey.services.sending): claiming a batch in one unit of work.

Due invitations get a `claimed` delivery (the unique idempotency key: one claim wins) and
status `sending`; deliveries due for a retry are claimed again; stale claims (their worker
died: older than SEND_CLAIM_LEASE_SECONDS) become `unknown`, and an unknown outcome that the
provider cannot look up (SMTP) ends here rather than risk a second message. `expire` ends
what was not sent before its link expired. Also the bulk row updates the claim and the record
step both use.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, exists, insert, select, update

from survey import messaging
from survey.database import unit_of_work
from survey.domain.invitation_rules import allows
from survey.extensions import db
from survey.messaging import Message, SendFailed
from survey.models import Organisation
from survey.models.invitation import Contact, Delivery, Invitation, InvitationRule, OptOut

DELIVERIES = Delivery.__table__
INVITATIONS = Invitation.__table__


def unsynced_update(entity):
    """An UPDATE that does not look through the session's objects (none are loaded here)."""
    return update(entity).execution_options(synchronize_session=False)

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


def provider_names() -> dict[str, str]:
    config = current_app.config
    return {"sms": config.get("SMS_PROVIDER") or "twilio",
            "email": config.get("MAIL_PROVIDER") or "smtp",
            "whatsapp": config.get("WHATSAPP_PROVIDER") or "meta"}


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
            unsynced_update(Delivery)
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
            unsynced_update(Delivery)
            .where(Delivery.invitation_id.in_(pending), Delivery.kind == "invitation",
                   Delivery.status.in_(("failed_temporary", "unknown", "claimed")))
            .values(status="failed_permanent", error="expired", finished_at=now)
        )
        session.execute(unsynced_update(Invitation).where(Invitation.id.in_(pending))
                        .values(status="expired"))
        return len(pending)


def claim(now: datetime, limit: int) -> list[Job]:
    """Claim up to `limit` messages in one unit of work and return what to send."""
    config = current_app.config
    lease = timedelta(seconds=float(config["SEND_CLAIM_LEASE_SECONDS"]))
    send_by = time.monotonic() + lease.total_seconds() / 2
    names = provider_names()
    jobs: list[Job] = []
    with unit_of_work() as session:
        # Claims of a worker that died: their outcome is unknown. Providers recovered by
        # status reports (CM.com) get the time a report needs to arrive first.
        wait = timedelta(seconds=float(config["CM_REPORT_WAIT_SECONDS"]))
        by_reports = [n for n, p in messaging.PROVIDERS.items()
                      if getattr(p, "recovered_by_reports", False)]
        stale = and_(Delivery.status == "claimed", Delivery.claimed_at < now - lease)
        session.execute(unsynced_update(Delivery).where(stale, Delivery.provider.in_(by_reports))
                        .values(status="unknown", next_attempt_at=now + wait,
                                error="worker lost"))
        session.execute(unsynced_update(Delivery).where(stale)
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
            update_by_id(session, DELIVERIES, [
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
                    unsynced_update(Invitation)
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
    session.execute(unsynced_update(Delivery).where(Delivery.id == delivery_id)
                    .values(status=status, error=code, finished_at=now))
    if kind == "invitation":
        session.execute(unsynced_update(Invitation).where(Invitation.id == invitation_id)
                        .values(status="failed", failure_code=code))


def update_by_id(session, table, rows: list[dict], *where) -> None:
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
