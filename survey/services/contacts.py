"""Contacts in: the API's batches and CSV imports, each contact decided and stored at once.

`receive_contacts` stores a batch all or nothing, in one unit of work that writes every
contact and, when the rules invite, its invitation. A contact is known again by the
organisation's reference or the client's UUID: a retry returns what was stored (nothing new),
the same key with other content is a 409. Only an invited contact keeps its cleartext
address (until survey.services.invitations.erase_addresses); every contact with an address
keeps its keyed hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from survey.database import unit_of_work
from survey.domain.contacts import ContactIn, parse_contact
from survey.domain.errors import ValidationError
from survey.domain.invitation_rules import invitation_mode
from survey.errors import Conflict, Invalid
from survey.extensions import db
from survey.models import Contact, Invitation, Survey
from survey.services import catalogue
from survey.services.decisions import chunks, decide_all
from survey.services.invitations import address_hash, link_token, token_hash

MAX_BATCH = 1000
# Batches are written with SQLAlchemy Core (the ORM's bulk path costs more than the insert).
_CONTACTS = Contact.__table__
_LOCK_SPACE = 0x4B544F  # "KTO": the advisory lock space of contact intake (PostgreSQL)


@dataclass(frozen=True)
class ContactResult:
    id: int
    reference: str | None
    uuid: str | None
    created: bool
    outcome: str
    due_at: datetime | None = None
    sms_refused: str | None = None  # why the phone number cannot receive an SMS


@dataclass
class _Prepared:
    index: int
    contact: ContactIn
    values: dict
    sms_refused: str | None


def parse_all(
    payloads, now: datetime
) -> tuple[list[tuple[int, ContactIn]], list[tuple[int, ValidationError]]]:
    """Every payload parsed: (index, contact) pairs and (index, error) pairs."""
    parsed, errors = [], []
    for index, payload in enumerate(payloads):
        try:
            parsed.append((index, parse_contact(payload, now)))
        except ValidationError as error:
            errors.append((index, error))
    return parsed, errors


def _located(error: ValidationError, index: int, batch: bool) -> Invalid:
    if not batch:
        return Invalid(error.code, error.message, error.field)
    field = f"contacts[{index}].{error.field}" if error.field else f"contacts[{index}]"
    return Invalid(error.code, f"Contact {index + 1}: {error.message}", field)


def receive_contacts(
    organisation_id: int, payloads, now: datetime, batch: bool = True
) -> list[ContactResult]:
    """Store one or more contacts (at most MAX_BATCH) and decide their invitations.

    Refuses the whole batch on the first invalid contact (Invalid, naming it) or a reused key
    with other content (Conflict); then nothing is stored.
    """
    if not isinstance(payloads, list) or not payloads:
        raise Invalid("wrong_type", "Send a contact object or a non-empty list of contacts.")
    if len(payloads) > MAX_BATCH:
        raise Invalid("batch_too_large", f"At most {MAX_BATCH} contacts per request.")
    parsed, errors = parse_all(payloads, now)
    if errors:
        index, error = errors[0]
        raise _located(error, index, batch)
    return store_contacts(organisation_id, parsed, now, batch)


def store_contacts(
    organisation_id: int, parsed: list[tuple[int, ContactIn]], now: datetime, batch: bool = True
) -> list[ContactResult]:
    """Store parsed contacts all or nothing (see receive_contacts)."""
    prepared = [prepare(organisation_id, i, c, batch) for i, c in parsed]
    for attempt in range(3):
        try:
            return _store(organisation_id, prepared, now, batch)
        except IntegrityError:
            # Another request stored one of these keys a moment ago: read it on the next turn.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def prepare(organisation_id: int, index: int, contact: ContactIn, batch: bool) -> _Prepared:
    try:
        unit_id = catalogue.place_id("unit", organisation_id, contact.unit)
        topic_id = catalogue.place_id("topic", organisation_id, contact.topic)
        survey_id = _survey_id(organisation_id, contact.survey)
    except Invalid as error:
        raise _located(
            ValidationError(error.code, error.message, error.field), index, batch
        ) from None
    mode = invitation_mode(contact.contact_channel)
    kind, address, refused = None, None, None
    if mode and mode[1] == "phone" and contact.phone is not None:
        refused = contact.phone.sms_refusal
        if refused is None:
            kind, address = "phone", contact.phone.e164
    elif mode and mode[1] == "email" and contact.email is not None:
        kind, address = "email", contact.email
    hashed = address_hash(organisation_id, address) if address else None
    content = {**contact.content(), "address_hash": hashed}
    if contact.phone is not None and kind is None:
        content["phone_refused"] = refused
    fingerprint = hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    values = {
        "organisation_id": organisation_id,
        "reference": contact.reference,
        "client_uuid": contact.client_uuid,
        "payload_hash": fingerprint,
        "contact_channel": contact.contact_channel,
        "ended_at": contact.ended_at,
        "unit_id": unit_id,
        "topic_id": topic_id,
        "handling": contact.handling,
        "language": contact.language,
        "address_kind": kind,
        "address": address,
        "address_hash": hashed,
        "address_erased_at": None,
        "survey_id": survey_id,  # taken out before the insert
    }
    return _Prepared(index, contact, values, refused)


def _survey_id(organisation_id: int, slug: str | None) -> int | None:
    """A survey the contact names instead of its rule's; None when it names none."""
    if slug is None:
        return None
    found = db.session.execute(
        select(Survey.id).where(Survey.organisation_id == organisation_id, Survey.slug == slug)
    ).scalar()
    if found is None:
        raise Invalid("unknown_survey", f"Unknown survey '{slug}'.", "survey")
    return found


def _existing(organisation_id: int, prepared: list[_Prepared]) -> dict:
    references = {p.values["reference"] for p in prepared if p.values["reference"]}
    uuids = {p.values["client_uuid"] for p in prepared if p.values["client_uuid"]}
    query = select(Contact, Invitation.due_at).outerjoin(
        Invitation, Invitation.contact_id == Contact.id
    )
    rows = []
    for part in chunks(references):
        rows += db.session.execute(
            query.where(Contact.organisation_id == organisation_id, Contact.reference.in_(part))
        ).all()
    for part in chunks(uuids):
        rows += db.session.execute(query.where(Contact.client_uuid.in_(part))).all()
    found = {}
    for contact, due_at in rows:
        if contact.reference is not None and contact.organisation_id == organisation_id:
            found[("ref", contact.reference)] = (contact, due_at)
        if contact.client_uuid is not None:
            found[("uuid", contact.client_uuid)] = (contact, due_at)
    return found


def _keys(p: _Prepared) -> list[tuple]:
    pairs = (("ref", p.values["reference"]), ("uuid", p.values["client_uuid"]))
    return [k for k in pairs if k[1] is not None]


@dataclass
class Sorted:
    """A batch sorted against what is stored: new contacts, known ones, and conflicts."""

    new: list[_Prepared]
    known: dict[int, ContactResult]  # index → the stored contact's result
    twins: dict[int, int]  # index → index of the same contact earlier in the batch
    conflicts: list[_Prepared]


def sort_batch(organisation_id: int, prepared: list[_Prepared]) -> Sorted:
    """Which contacts are new, stored already (same content), or clash with a stored or an
    earlier contact of the batch under the same reference or UUID (other content)."""
    existing = _existing(organisation_id, prepared)
    result = Sorted([], {}, {}, [])
    seen: dict = {}
    for p in prepared:
        keys = _keys(p)
        found = next((existing[k] for k in keys if k in existing), None)
        if found is not None:
            contact, due_at = found
            if (
                contact.payload_hash != p.values["payload_hash"]
                or contact.organisation_id != organisation_id
            ):
                result.conflicts.append(p)
            else:
                result.known[p.index] = ContactResult(
                    contact.id,
                    contact.reference,
                    _uuid(contact.client_uuid),
                    False,
                    contact.outcome,
                    due_at,
                    p.sms_refused,
                )
            continue
        twin = next((seen[k] for k in keys if k in seen), None)
        if twin is not None:
            if twin.values["payload_hash"] != p.values["payload_hash"]:
                result.conflicts.append(p)
            else:
                result.twins[p.index] = twin.index
            continue
        for k in keys:
            seen[k] = p
        result.new.append(p)
    return result


def conflict_message(p: _Prepared) -> str:
    which = "reference" if p.values["reference"] else "id"
    return f"A different contact was already stored with this {which}."


def lock_intake(organisation_id: int) -> None:
    """Inside a unit of work: one intake of this organisation at a time, so the throttle and
    the daily cap count every invitation. SQLite's writers queue already; PostgreSQL takes a
    transaction-level advisory lock (released at commit or rollback)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :org)"),
            {"space": _LOCK_SPACE, "org": organisation_id},
        )


def _store(organisation_id: int, prepared: list[_Prepared], now: datetime, batch: bool):
    with unit_of_work():
        lock_intake(organisation_id)
        batch_sorted = sort_batch(organisation_id, prepared)
        if batch_sorted.conflicts:
            p = batch_sorted.conflicts[0]
            prefix = f"Contact {p.index + 1}: " if batch else ""
            field = "reference" if p.values["reference"] else "id"
            raise Conflict("contact_conflict", prefix + conflict_message(p), field)
        results = dict(batch_sorted.known)
        results.update(insert_new(organisation_id, batch_sorted.new, now))
    for index, twin in batch_sorted.twins.items():
        first = results[twin]
        results[index] = ContactResult(
            first.id,
            first.reference,
            first.uuid,
            False,
            first.outcome,
            first.due_at,
            first.sms_refused,
        )
    return [results[i] for i in sorted(results)]


def insert_new(organisation_id: int, new: list[_Prepared], now: datetime) -> dict:
    """Insert new contacts and their invitations (inside the caller's unit of work)."""
    if not new:
        return {}
    decided = decide_all(organisation_id, [p.values for p in new], now)
    rows = []
    for p, (decision, _) in zip(new, decided, strict=True):
        values = {k: v for k, v in p.values.items() if k != "survey_id"}
        values["outcome"] = decision.outcome
        values["created_at"] = now
        if decision.outcome != "invited":
            values["address"] = None  # only an invitation needs the address
        rows.append(values)
    # RETURNING in parameter order would insert one row per statement on SQLite; every new
    # contact has a key of its own in the batch, so the ids are matched by key instead.
    returned = db.session.execute(
        insert(_CONTACTS).returning(_CONTACTS.c.id, _CONTACTS.c.reference, _CONTACTS.c.client_uuid),
        rows,
    ).all()
    by_key = {}
    for contact_id, reference, client_uuid in returned:
        by_key[("ref", reference) if reference is not None else ("uuid", client_uuid)] = contact_id
    ids = [by_key[_keys(p)[0]] for p in new]
    results, invitations = {}, []
    for contact_id, p, (decision, survey_id) in zip(ids, new, decided, strict=True):
        due = decision.schedule.due_at if decision.schedule else None
        results[p.index] = ContactResult(
            contact_id,
            p.values["reference"],
            _uuid(p.values["client_uuid"]),
            True,
            decision.outcome,
            due,
            p.sms_refused,
        )
        if decision.outcome == "invited":
            invitations.append(
                _invitation(organisation_id, contact_id, p, decision, survey_id, now)
            )
    if invitations:
        db.session.execute(insert(Invitation.__table__), invitations)
    return results


def _uuid(value) -> str | None:
    return None if value is None else str(value)


def _invitation(org_id, contact_id, p: _Prepared, decision, survey_id, now) -> dict:
    s = decision.schedule
    return {
        "organisation_id": org_id,
        "survey_id": survey_id,
        "contact_id": contact_id,
        "contact_channel": p.values["contact_channel"],
        "survey_mode": decision.survey_mode,
        "token_hash": token_hash(link_token(contact_id)),
        "inclusion_probability": decision.inclusion_probability,
        "status": "scheduled",
        "quiet_delayed": s.quiet_delayed,
        "due_at": s.due_at,
        "expires_at": s.expires_at,
        "reminder_due_at": s.reminder_due_at,
        "created_at": now,
    }
