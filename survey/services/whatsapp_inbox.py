"""WhatsApp webhook events: taken in once, processed on the worker.

`take_in` runs in the webhook's request after the signature check: it keeps each event of a
known business number once (`whatsapp_events`, unique on the message id, or on message id and
status) in one unit of work and returns the new ones' ids, which the view queues
(survey.tasks.process_whatsapp). A replayed delivery finds its keys taken and queues nothing.
`process` does the work: a status updates the invitation and the funnel (sent, delivered,
read → opened, failed with Meta's error code, e.g. 131047 for a closed 24-hour window); a
message is an opt-out (the "Afmelden" button, STOP or AFMELDEN), a reply in a conversation
(survey.services.whatsapp_chat), or, from an unknown number or after the conversation
closed, answered with one polite fixed text at most once a day per number. An event is
marked processed, and its data (which holds the number) cleared, when it is done; a
periodic task picks up any the queue lost.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from survey.database import DriverStatement, unit_of_work
from survey.domain import ValidationError
from survey.domain import whatsapp as wa
from survey.domain.addresses import parse_phone
from survey.extensions import db
from survey.models import Contact, Invitation, Organisation, WhatsAppEvent
from survey.services import invitations, whatsapp_chat
from survey.services.delivery_reports import Report, record_report
from survey.services.whatsapp_accounts import organisations_by_number

log = logging.getLogger(__name__)
EVENTS = WhatsAppEvent.__table__
# Meta's status → our report state; "read" is also the funnel's "opened".
STATES = {"sent": "accepted", "delivered": "delivered", "read": "delivered", "failed": "failed"}
ERRORS = {"131047": "whatsapp_window_closed", "131026": "whatsapp_undeliverable"}
STALE = timedelta(minutes=2)


_INSERTS: dict = {}
# The webhook's insert, run by the driver itself (survey.database.DriverStatement): on this hot
# path SQLAlchemy's statement execution cost more than the database's own work.
_TAKE_IN = {dialect: DriverStatement(module.insert(EVENTS)
                                     .on_conflict_do_nothing(index_elements=["key"])
                                     .returning(EVENTS.c.id))
            for dialect, module in (("postgresql", postgresql), ("sqlite", sqlite))}


def _insert_new():
    """INSERT ... ON CONFLICT (key) DO NOTHING RETURNING id, built once per dialect (run with
    a list of rows, so SQLAlchemy compiles it once)."""
    dialect = db.session.get_bind().dialect.name
    if dialect not in _INSERTS:
        module = postgresql if dialect == "postgresql" else sqlite
        _INSERTS[dialect] = (module.insert(EVENTS)
                             .on_conflict_do_nothing(index_elements=["key"])
                             .returning(EVENTS.c.id))
    return _INSERTS[dialect]


def take_in(events: list[wa.Event], now: datetime) -> list[int]:
    """Keep the events of our business numbers once; the ids of those not seen before."""
    orgs = organisations_by_number(e.phone_number_id for e in events)
    rows, seen = [], set()
    for event in events:
        org = orgs.get(event.phone_number_id)
        if org is None or event.key in seen:
            continue  # not one of our numbers: acknowledged and ignored
        seen.add(event.key)
        rows.append({"key": event.key, "organisation_id": org, "data": event.to_dict(),
                     "received_at": now, "processed_at": None})
    if not rows:
        return []
    with unit_of_work(driver=True) as write:  # a delivery holds one event, rarely a few
        statement = _TAKE_IN[write.dialect.name]
        found = [write.execute(statement, row) for row in rows]
    return [i for i in found if i is not None]


def process_all(ids: list[int], now: datetime) -> int:
    done = 0
    for event_id in ids:
        done += process(event_id, now)
    return done


def pending(now: datetime, limit: int = 500) -> list[int]:
    """Events the queue lost (older than a couple of minutes, still unprocessed)."""
    return list(db.session.execute(
        select(WhatsAppEvent.id).where(WhatsAppEvent.processed_at.is_(None),
                                       WhatsAppEvent.received_at < now - STALE)
        .order_by(WhatsAppEvent.id).limit(limit)).scalars())


def process(event_id: int, now: datetime) -> bool:
    """Do one event's work once; False when it was done already."""
    row = db.session.execute(select(WhatsAppEvent.organisation_id, WhatsAppEvent.data).where(
        WhatsAppEvent.id == event_id, WhatsAppEvent.processed_at.is_(None))).first()
    if row is None or row.data is None:
        return False
    event = wa.Event(**row.data)
    try:
        if event.kind == "status":
            _status(event, now)
        else:
            _message(row.organisation_id, event, now)
    finally:
        with unit_of_work() as session:
            session.execute(update(WhatsAppEvent).where(WhatsAppEvent.id == event_id)
                            .values(processed_at=now, data=None))
    return True


def _status(event: wa.Event, now: datetime) -> None:
    state = STATES.get(event.status)
    if state is None:
        return
    error = ERRORS.get(event.error_code, event.error_code or None) if state == "failed" else None
    record_report(Report(provider="meta", state=state, message_id=event.message_id,
                         error=error), now)
    if event.status == "read":
        with unit_of_work() as session:
            session.execute(update(Invitation).where(
                Invitation.provider_message_id == event.message_id,
                Invitation.opened_at.is_(None)).values(opened_at=now))


def _message(organisation_id: int, event: wa.Event, now: datetime) -> None:
    try:
        number = parse_phone("+" + event.sender.lstrip("+"), "from").e164
    except ValidationError:
        return
    hashed = invitations.address_hash(organisation_id, number)
    org_slug = db.session.execute(select(Organisation.slug).where(
        Organisation.id == organisation_id)).scalar()
    tap = wa.read_payload(event.reply_id)
    if (tap is not None and tap.value == wa.OPT_OUT) or (
            event.type == "text" and wa.is_stop(event.text)):
        _opt_out(organisation_id, hashed, number, event, org_slug, now)
        return
    if event.type not in ("text", "button", "interactive"):
        return  # a picture, a sticker, a location ...: not an answer
    step = whatsapp_chat.answer(organisation_id, hashed, event, now)
    if step.outcome in ("not_found", "closed"):
        _notice(organisation_id, hashed, number, event, org_slug, step.language, now)
        return
    whatsapp_chat.reply_to(step, number, event.phone_number_id, org_slug, now)


def _language(organisation_id: int, hashed: str) -> str:
    found = db.session.execute(select(Contact.language).where(
        Contact.organisation_id == organisation_id, Contact.address_hash == hashed)
        .order_by(Contact.id.desc()).limit(1)).scalar()
    return found or "nl"


def _opt_out(organisation_id, hashed, number, event, org_slug, now) -> None:
    """On the organisation's opt-out list (shared with SMS and e-mail); told once."""
    invitations.opt_out(organisation_id, hashed, "whatsapp", now)
    whatsapp_chat.close_all(organisation_id, hashed, now)
    if invitations.acknowledge_opt_out(organisation_id, hashed, now):
        text = whatsapp_chat.fixed_text("opted_out", _language(organisation_id, hashed))
        whatsapp_chat.send(number, event.phone_number_id, wa.text_message(text), org_slug)


def _notice(organisation_id, hashed, number, event, org_slug, language, now) -> None:
    """One polite fixed answer a day per number, after the conversation or from a stranger."""
    key = f"n:{organisation_id}:{hashed}:{now.date().isoformat()}"
    with unit_of_work() as session:
        new = session.execute(_insert_new(), {
            "key": key, "organisation_id": organisation_id, "data": None,
            "received_at": now, "processed_at": now}).first()
    if new is None:
        return
    text = whatsapp_chat.fixed_text("notice", language or _language(organisation_id, hashed))
    whatsapp_chat.send(number, event.phone_number_id, wa.text_message(text), org_slug)
