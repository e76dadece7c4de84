"""The invitation's link page: what a token opens, its first answer, follow-ups and opt-out.

The token in `/s/<token>` is the only thing that authorises: 128 bits derived with the
server's key when the invitation is sent (survey.services.invitations.link_token), kept in
the database only as its sha256 (Invitation.token_hash), so a copy of the database cannot make
a working link, and the page needs no cookie or session. The token tells nothing about the
person. Opening is recorded once (opened_at); the first answer creates the response and
marks the invitation completed in the same unit of work (see survey.services.link_answers);
afterwards the link shows "already answered" and the answers stored are never changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from survey.database import unit_of_work
from survey.domain import SurveyDefinition
from survey.domain.submission import parse_submission
from survey.errors import Gone, Invalid, NotFound
from survey.extensions import db
from survey.models import Answer, Invitation, Response
from survey.services import catalogue, complaints, invitations
from survey.services.link_answers import (
    Reply,
    add_answer,
    definition_of_response,
    derived_uuid,
    next_key,
    read_reply,
    stored_answers,
)
from survey.services.responses import Origin, prepare_response

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class LinkPage:
    """What the link page shows: a question ("ask"), thanks ("done"), "answered" or "expired"."""

    state: str
    organisation: str
    definition: SurveyDefinition | None = None
    question: str | None = None
    language: str = "nl"
    # "done" after a complaint reason: the organisation's complaint page to point to.
    complaint_url: str | None = None


def _unknown() -> NotFound:
    return NotFound("unknown_link", "This link is not valid.", "token")


def _expired() -> Gone:
    return Gone("link_expired", "This link has expired.", "token")


def _invitation(token: str, lock: bool = False) -> Invitation:
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise _unknown()  # not one of ours: no lookup needed
    if not lock:
        try:
            return invitations.invitation_for_token(token)
        except NotFound:
            raise _unknown() from None
    found = db.session.execute(
        select(Invitation)
        .where(Invitation.token_hash == invitations.token_hash(token))
        .with_for_update()  # one writer per invitation at a time (PostgreSQL)
    ).scalar_one_or_none()
    if found is None:
        raise _unknown()
    return found


def _is_expired(invitation: Invitation, now: datetime) -> bool:
    return invitation.status == "expired" or now >= invitation.expires_at


def _response_id(invitation_id: int) -> int | None:
    return db.session.execute(
        select(Response.id).where(Response.invitation_id == invitation_id)
    ).scalar()


def response_of(token: str) -> int | None:
    """The id of the response given through this invitation (None: not answered yet)."""
    return _response_id(_invitation(token).id)


def _language(invitation: Invitation) -> str:
    return (invitation.contact.language if invitation.contact else None) or "nl"


def _page(invitation: Invitation, state: str, **fields) -> LinkPage:
    return LinkPage(
        state=state,
        organisation=invitation.organisation.name,
        language=_language(invitation),
        **fields,
    )


def _newest(invitation: Invitation) -> tuple[catalogue.SurveyRef, SurveyDefinition]:
    ref = catalogue.find_survey_version(
        invitation.organisation.slug, invitation.survey.slug, None
    )
    return ref, catalogue.definition_for(ref.version_id)


def open_link(token: str, now: datetime, record: bool = True) -> LinkPage:
    """A visit to `/s/<token>`: the first question, or "answered", or "expired".

    The first visit records opened_at (once; not when `record` is False, for a HEAD request);
    an expired or answered link records nothing.
    """
    invitation = _invitation(token)
    if _is_expired(invitation, now) and _response_id(invitation.id) is None:
        return _page(invitation, "expired")
    if _response_id(invitation.id) is not None:
        return _page(invitation, "answered")
    if invitation.opened_at is None and record:
        invitations.mark_opened(invitation, now)
        invitation = _invitation(token)
    _, definition = _newest(invitation)
    question = next_key(definition, {}, ())
    return _page(invitation, "ask", definition=definition, question=question)


def follow_up(token: str, skipped: frozenset[str] | str | None, now: datetime) -> LinkPage:
    """The next question after the first answer (`/s/<token>/next`), or thanks when done."""
    invitation = _invitation(token)
    response_id = _response_id(invitation.id)
    if response_id is None:
        if _is_expired(invitation, now):
            return _page(invitation, "expired")
        _, definition = _newest(invitation)
        skips = _skips(skipped, definition)
        return _page(
            invitation, "ask", definition=definition, question=next_key(definition, {}, skips)
        )
    _, definition = definition_of_response(db.session, response_id)
    answers = stored_answers(db.session, definition, response_id)
    question = next_key(definition, answers, _skips(skipped, definition))
    if question is None or _is_expired(invitation, now):
        referral = complaints.referral_for(invitation.organisation_id, definition, answers)
        return _page(invitation, "done", definition=definition, complaint_url=referral)
    return _page(invitation, "ask", definition=definition, question=question)


def _skips(skipped, definition: SurveyDefinition) -> frozenset[str]:
    from survey.services.link_answers import parse_skipped

    if isinstance(skipped, frozenset):
        return frozenset(k for k in skipped if definition.question(k) is not None)
    return parse_skipped(skipped, definition)


def definition_for_answer(token: str) -> SurveyDefinition:
    """The questions a posted answer is read against (the response's version once there is one)."""
    invitation = _invitation(token)
    response_id = _response_id(invitation.id)
    if response_id is None:
        return _newest(invitation)[1]
    return definition_of_response(db.session, response_id)[1]


def answer(
    token: str,
    question_key: str,
    values: Sequence[str],
    other: str,
    skipped: str | None,
    language: str | None,
    now: datetime,
) -> frozenset[str]:
    """Store one screen's answer; returns the skipped questions to carry to the next screen.

    The first answer creates the response (client UUID derived from the invitation) and marks
    the invitation completed, in one unit of work; later ones add answer rows to it (once per
    question). An answer to any other question than the one the flow asks now, or a second
    answer to the same one, changes nothing. Raises Gone after expiry (nothing stored),
    ValidationError for an unclear answer, NotFound for a token that is not ours.
    """
    definition = definition_for_answer(token)
    skips = _skips(skipped, definition)
    reply = read_reply(definition, question_key, values, other)  # before any write
    if reply.skipped:
        skips = skips | {reply.question}
    try:
        _store(token, definition, reply, skips, language, now)
    except IntegrityError:
        # PostgreSQL: another request stored this invitation's response a moment ago.
        db.session.rollback()
    except Gone as error:
        if error.code != "already_answered":
            raise
    return skips


def _store(
    token: str,
    definition: SurveyDefinition,
    reply: Reply,
    skips: frozenset[str],
    language: str | None,
    now: datetime,
) -> None:
    with unit_of_work() as session:
        invitation = _invitation(token, lock=True)  # one writer per invitation at a time
        response_id = _response_id(invitation.id)
        if response_id is not None:
            answers = stored_answers(session, definition, response_id)
            if not _is_expired(invitation, now) and reply.question == next_key(
                definition, answers, skips - {reply.question}
            ):
                add_answer(session, definition, response_id, reply)
            return
        if _is_expired(invitation, now):
            raise _expired()
        if reply.skipped or reply.question != next_key(definition, {}, skips):
            return
        ref, current = _newest(invitation)
        if current != definition:
            return  # the survey changed between reading and writing: ask again
        first_answer(session, invitation, ref, reply, language, now)


def first_answer(session, invitation: Invitation, ref, reply: Reply, language, now) -> None:
    contact = invitation.contact
    payload = {
        "id": str(derived_uuid("invitation", invitation.id)),
        "organisation": invitation.organisation.slug,
        "survey": invitation.survey.slug,
        "version": ref.version_number,
        "contact_channel": invitation.contact_channel,
        "survey_mode": invitation.survey_mode,
        "language": language or _language(invitation),
        "submitted_at": now.isoformat(),
        "answers": {reply.question: reply.value},
    }
    if invitation.opened_at is not None:
        payload["started_at"] = invitation.opened_at.isoformat()
    if contact is not None:
        payload["contact_at"] = contact.ended_at.isoformat()
    submission = parse_submission(payload, now, timedelta(seconds=60), max_age=None)
    origin = Origin(
        invitation_id=invitation.id,
        inclusion_probability=invitation.inclusion_probability,
        handling=contact.handling if contact else None,
    )
    values, rows = prepare_response(submission, origin, now, ref, partial=True)
    if contact is not None:
        values.update(unit_id=contact.unit_id, topic_id=contact.topic_id)
    response_id = session.execute(insert(Response).returning(Response.id), values).scalar_one()
    if rows:
        session.execute(
            insert(Answer),
            [
                {
                    "response_id": response_id,
                    "submitted_at": values["submitted_at"],
                    "question_key": r.question,
                    "number": r.number,
                    "option": r.option,
                    "text": r.text,
                }
                for r in rows
            ],
        )
    invitations.mark_completed(invitation, now)  # Gone if answered already: all rolls back


def opt_out(token: str, now: datetime) -> bool:
    """Put the invited person on the organisation's opt-out list from the link page.

    Returns True once, when the page should acknowledge it ("you will get no more
    invitations"), False when the person was on the list and had been told already. Works
    after the link expired too. Only the address's keyed hash is kept on the list.
    """
    invitation = _invitation(token)
    contact = invitation.contact
    if contact is None or not contact.address_hash:
        raise Invalid("no_address", "This invitation has no address to take off the list.")
    org_id, hashed = invitation.organisation_id, contact.address_hash
    invitations.opt_out(org_id, hashed, "survey_page", now)
    return invitations.acknowledge_opt_out(org_id, hashed, now)


def sender(token: str) -> tuple[str, str]:
    """The inviting organisation's name and the invited person's language."""
    invitation = _invitation(token)
    return invitation.organisation.name, _language(invitation)
