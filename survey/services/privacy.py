"""A citizen's request under the AVG (GDPR) for one contact reference: what the platform holds
(`export`, art. 15) and its erasure (`erase`, art. 17), each erasure in the audit log.

What is personal here: the contact (the organisation's reference, the address while it is
kept and its keyed hash), its invitation's provider message ids and error texts, the link
from the invitation to the answers given through it and the free text of those answers, and
whatever other modules hold for the contact (`register_part`, e.g. a callback request).
The anonymous answers themselves (scores, options) stay: they carry nothing of the person
once the link is gone, and the reports keep their figures.

The opt-out list is not erased: it holds only a keyed hash and is kept so the person is
never invited again (the objection itself, AVG art. 21).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from survey.database import unit_of_work
from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import (
    Answer,
    Contact,
    Invitation,
    Organisation,
    Response,
    Survey,
    Topic,
    Unit,
)
from survey.services import audit
from survey.services.invitations import is_opted_out


@dataclass(frozen=True)
class Part:
    """What another module holds for a contact: `export(contact) -> JSON-safe value` and
    `erase(session, contact, now) -> count`, called inside the erasure's unit of work."""

    name: str
    export: Callable[[Contact], object]
    erase: Callable[[object, Contact, datetime], int]


PARTS: list[Part] = []


def register_part(part: Part) -> None:
    PARTS[:] = [p for p in PARTS if p.name != part.name] + [part]


def find_contact(reference: str, organisation: str | None = None) -> Contact:
    """The contact with this reference (in the organisation, when given)."""
    if not isinstance(reference, str) or not reference.strip() or len(reference) > 100:
        raise Invalid("invalid_reference", "Give the contact's reference.", "reference")
    query = select(Contact).where(Contact.reference == reference.strip())
    if organisation:
        org_id = db.session.execute(
            select(Organisation.id).where(Organisation.slug == organisation)
        ).scalar()
        if org_id is None:
            raise NotFound("unknown_organisation", f"No organisation {organisation!r}.", "org")
        query = query.where(Contact.organisation_id == org_id)
    found = db.session.execute(query).scalars().all()
    if not found:
        raise NotFound("unknown_reference", "No contact has this reference.", "reference")
    if len(found) > 1:
        raise Invalid(
            "ambiguous_reference",
            "Several organisations have a contact with this reference; name the organisation.",
            "org",
        )
    return found[0]


def _iso(moment) -> str | None:
    return None if moment is None else moment.isoformat()


def _invitation(contact: Contact) -> Invitation | None:
    return db.session.execute(
        select(Invitation).where(Invitation.contact_id == contact.id)
    ).scalar_one_or_none()


def _responses(invitation: Invitation | None) -> list[Response]:
    if invitation is None:
        return []
    return list(
        db.session.execute(
            select(Response).where(Response.invitation_id == invitation.id).order_by(Response.id)
        ).scalars()
    )


def export(reference: str, organisation: str | None = None) -> dict:
    """Everything held for one contact reference, as JSON-safe data."""
    contact = find_contact(reference, organisation)
    org = db.session.get(Organisation, contact.organisation_id)
    unit = db.session.get(Unit, contact.unit_id) if contact.unit_id else None
    topic = db.session.get(Topic, contact.topic_id) if contact.topic_id else None
    invitation = _invitation(contact)
    held = {
        "organisation": org.slug,
        "reference": contact.reference,
        "contact": {
            "channel": contact.contact_channel,
            "ended_at": _iso(contact.ended_at),
            "unit": unit.name if unit else None,
            "topic": topic.name_nl if topic else None,
            "handling": contact.handling,
            "language": contact.language,
            "address_kind": contact.address_kind,
            "address": contact.address,
            "address_erased_at": _iso(contact.address_erased_at),
            "address_hash_kept": contact.address_hash is not None,
            "invitation_decision": contact.outcome,
            "received_at": _iso(contact.created_at),
        },
        "opted_out": is_opted_out(contact.organisation_id, contact.address_hash),
        "invitation": None,
        "answers": [],
    }
    if invitation is not None:
        survey = db.session.get(Survey, invitation.survey_id)
        held["invitation"] = {
            "survey": survey.slug if survey else None,
            "mode": invitation.survey_mode,
            "status": invitation.status,
            "due_at": _iso(invitation.due_at),
            "sent_at": _iso(invitation.sent_at),
            "delivered_at": _iso(invitation.delivered_at),
            "opened_at": _iso(invitation.opened_at),
            "completed_at": _iso(invitation.completed_at),
            "reminded_at": _iso(invitation.reminded_at),
            "failure_code": invitation.failure_code,
            "provider": invitation.provider,
            "provider_message_id": invitation.provider_message_id,
            "messages": [
                {
                    "kind": d.kind,
                    "status": d.status,
                    "attempts": d.attempts,
                    "finished_at": _iso(d.finished_at),
                    "provider_message_id": d.provider_message_id,
                    "error": d.error,
                }
                for d in invitation.deliveries
            ],
        }
    for response in _responses(invitation):
        held["answers"].append(
            {
                "survey": response.survey.slug,
                "submitted_at": _iso(response.submitted_at),
                "answers": [
                    {"question": a.question_key, "number": a.number, "option": a.option,
                     "text": a.text}
                    for a in response.answers
                ],
            }
        )
    for part in PARTS:
        held[part.name] = part.export(contact)
    return held


def erase(reference: str, organisation: str | None = None, actor="cli") -> dict[str, int]:
    """Erase what is personal for one contact reference; returns what was erased.

    The contact row stays without reference, address or hash (so the month's funnel keeps
    its counts); the answers given through its invitation are unlinked and lose their free
    text; the audit entry names the contact by its id only.
    """
    contact = find_contact(reference, organisation)
    contact_id, org_id = contact.id, contact.organisation_id
    now = datetime.now(UTC)
    counts: dict[str, int] = {}
    with unit_of_work() as session:
        contact = session.get(Contact, contact_id)
        counts["address"] = int(contact.address is not None)
        contact.reference = None
        contact.address = None
        contact.address_hash = None
        contact.address_erased_at = contact.address_erased_at or now
        contact.payload_hash = "erased"
        for part in PARTS:  # before the answers are unlinked: parts may find them through it
            counts[part.name] = int(part.erase(session, contact, now) or 0)
        invitation = _invitation(contact)
        counts["answers_unlinked"] = 0
        counts["answer_texts"] = 0
        if invitation is not None:
            invitation.provider_message_id = None
            for delivery in invitation.deliveries:
                delivery.provider_message_id = None
                if delivery.error:
                    delivery.error = delivery.error.split(" ", 1)[0]
            linked = select(Response.id).where(Response.invitation_id == invitation.id)
            texts = session.execute(
                update(Answer)
                .where(Answer.response_id.in_(linked), Answer.text.is_not(None))
                .values(text=None)
                .execution_options(synchronize_session=False)
            )
            counts["answer_texts"] = texts.rowcount
            unlinked = session.execute(
                update(Response)
                .where(Response.invitation_id == invitation.id)
                .values(invitation_id=None)
                .execution_options(synchronize_session=False)
            )
            counts["answers_unlinked"] = unlinked.rowcount
        audit.record(
            session, actor, org_id, "privacy.erase", f"contact:{contact_id}", None,
            {"erased": counts},
        )
    return counts


# ---- staff notes on callback cases of the contact ---------------------------------------------
# The callback requests themselves are a part of their own (survey.services.callback_privacy:
# "callback_requests", details exported and erased); the notes staff wrote on their cases can
# name the person or repeat the number, so they are exported and erased here.


def _case_notes(contact: Contact):
    from survey.models import CallbackCase, CallbackNote, CallbackRequest

    invitation = _invitation(contact)
    if invitation is None:
        return []
    linked = select(Response.id).where(Response.invitation_id == invitation.id)
    return list(
        db.session.execute(
            select(CallbackNote)
            .join(CallbackCase, CallbackCase.id == CallbackNote.case_id)
            .join(CallbackRequest, CallbackRequest.id == CallbackCase.request_id)
            .where(CallbackRequest.response_id.in_(linked))
            .order_by(CallbackNote.id)
        ).scalars()
    )


def _export_case_notes(contact: Contact) -> list[dict]:
    return [
        {"written_at": _iso(note.created_at), "by": note.author_label, "text": note.text}
        for note in _case_notes(contact)
    ]


def _erase_case_notes(session, contact: Contact, now: datetime) -> int:
    from survey.services import retention

    erased = 0
    for note in _case_notes(contact):
        if note.text != retention.ERASED_NOTE:
            note.text = retention.ERASED_NOTE
            erased += 1
    return erased


register_part(Part("callback_case_notes", _export_case_notes, _erase_case_notes))
