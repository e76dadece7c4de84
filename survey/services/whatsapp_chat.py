"""The survey as a WhatsApp conversation: the first message, each reply stored as it comes,
the next question, thanks.

The first message (sent by the invitation sender, survey.services.sending) asks the headline:
as an interactive message inside the 24-hour customer-service window (after a WhatsApp
contact), else as the organisation's approved template with quick-reply buttons (the template
is also the fallback when Meta answers that the window has closed). Each reply is stored in
its own unit of work with the invitation row locked, exactly like the link page
(survey.services.link_answers): the first answer creates the response under a UUID derived
from the invitation (so a citizen who stops after one tap counts), later answers add their
rows once per question. A reply is taken only for the question the flow asks now; a late,
repeated or out-of-order one changes nothing. Replies are matched by the button's payload
(invitation, question, value), by the `context` id of the message they answer, or, for typed
text, by the sender's keyed hash and the open conversation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from survey import messaging
from survey.database import unit_of_work
from survey.domain import ValidationError
from survey.domain import whatsapp as wa
from survey.domain.flow import parse_reply
from survey.extensions import db
from survey.i18n import in_language
from survey.models import (
    Invitation,
    Organisation,
    Response,
    Survey,
    WhatsAppConversation,
    WhatsAppMessage,
)
from survey.services import catalogue
from survey.services.invitation_link import first_answer
from survey.services.link_answers import (
    Reply,
    add_answer,
    definition_of_response,
    next_key,
    stored_answers,
)
from survey.services.whatsapp_accounts import account_of

log = logging.getLogger(__name__)


def words(language: str) -> wa.Words:
    with in_language(language):
        return wa.Words(
            up=_("👍 Good"), down=_("👎 Not good"), yes=_("Yes"), no=_("No"),
            na=_("Don't know"), skip=_("Skip"), choose=_("Choose"), start=_("Start"),
            opt_out=_("Unsubscribe"),
            type_numbers=_("Type the numbers of your answers, for example: 1, 3"),
            type_text=_("Type your answer. Or type: skip"),
            nps_zero=_("Not likely at all? Then type 0."),
            other=_("Something else"),
        )


def fixed_text(kind: str, language: str) -> str:
    with in_language(language):
        if kind == "thanks":
            return _("Thank you for your answers!")
        if kind == "unclear":
            return _("Sorry, we did not understand that. Tap one of the buttons, or type the "
                     "number of your answer.")
        if kind == "opted_out":
            return _("You will receive no more invitations from us.")
        return _("Thank you for your message. This number only asks how you experienced your "
                 "contact with us; messages are not read. Do you have a question? Please "
                 "contact us the usual way.")


def _newest(organisation_id: int, survey_id: int):
    org, slug = db.session.execute(
        select(Organisation.slug, Survey.slug)
        .join(Survey, Survey.organisation_id == Organisation.id)
        .where(Survey.id == survey_id, Organisation.id == organisation_id)).one()
    ref = catalogue.find_survey_version(org, slug, None)
    return ref, catalogue.definition_for(ref.version_id)


# ---- the first message (called by the invitation sender) ----

def compose_invitation(job, now: datetime) -> None:
    """The headline question as the job's message: interactive inside the 24-hour window (a
    WhatsApp contact that ended less than 23 hours ago), otherwise the approved template."""
    account = account_of(job.organisation_id)
    if account is None:
        job.failure = messaging.TemporaryFailure(
            "whatsapp_not_set_up", "the organisation has no WhatsApp number")
        return
    _, definition = _newest(job.organisation_id, job.survey_id)
    headline = definition.headline_question
    language = job.language if job.language in ("nl", "en") else "nl"
    templates = account.templates or {}
    template = templates.get(language) or templates.get("nl")
    by_template = None
    if template:
        by_template = wa.template_message(template["name"], template["code"], headline,
                                          job.invitation_id, job.organisation_name)
    if job.contact_channel == "whatsapp" and wa.in_window(job.contact_ended_at, now):
        content = wa.question_message(headline, language, job.invitation_id, words(language))
        fallback = by_template
    elif by_template is not None:
        content, fallback = by_template, None
    else:
        job.failure = messaging.TemporaryFailure(
            "whatsapp_no_template", f"no approved template for '{language}'")
        return
    job.question = headline.key
    job.message = messaging.Message(
        to=(job.address,), body="", content=content, fallback=fallback,
        sender_id=account.phone_number_id, reference=job.reference,
        organisation=job.organisation)


def conversations_started(session, outcomes, now: datetime) -> None:
    """Inside the sender's unit of work: a conversation per invitation sent by WhatsApp, and
    the sent message's id (a reply quoting it finds its invitation and question)."""
    for outcome in outcomes:
        job = outcome.job
        wamid = outcome.sent.provider_message_id
        if session.execute(select(WhatsAppMessage.id).where(
                WhatsAppMessage.message_id == wamid)).first() is None:
            session.add(WhatsAppMessage(message_id=wamid, invitation_id=job.invitation_id,
                                        question_key=job.question, created_at=now))
        exists = session.execute(select(WhatsAppConversation.id).where(
            WhatsAppConversation.invitation_id == job.invitation_id)).first()
        if exists is None:
            session.add(WhatsAppConversation(
                invitation_id=job.invitation_id, organisation_id=job.organisation_id,
                address_hash=job.address_hash or "", state="open", asked=job.question,
                skipped=[], created_at=now,
                last_inbound_at=job.contact_ended_at if job.contact_channel == "whatsapp"
                else None))


# ---- a reply ----

@dataclass(frozen=True)
class Step:
    """What a reply did, and what to send back (None: nothing)."""

    outcome: str  # stored, skipped, ignored, unclear, closed, not_found
    invitation_id: int | None = None
    language: str = "nl"
    ask: str | None = None  # the question to ask next
    definition: object = None
    thanks: bool = False


def find_conversation(organisation_id: int, hashed: str, event: wa.Event, tap: wa.Tap | None):
    """The conversation a reply belongs to, only if it is this sender's."""
    query = select(WhatsAppConversation).where(
        WhatsAppConversation.organisation_id == organisation_id,
        WhatsAppConversation.address_hash == hashed)
    if tap is not None:
        query = query.where(WhatsAppConversation.invitation_id == tap.invitation_id)
    elif event.context_id:
        quoted = select(WhatsAppMessage.invitation_id).where(
            WhatsAppMessage.message_id == event.context_id).scalar_subquery()
        query = query.where(WhatsAppConversation.invitation_id == quoted)
    else:
        query = query.where(WhatsAppConversation.state == "open").order_by(
            WhatsAppConversation.created_at.desc(), WhatsAppConversation.id.desc())
    return db.session.execute(query.limit(1)).scalar_one_or_none()


def _quoted_question(event: wa.Event) -> str | None:
    if not event.context_id:
        return None
    return db.session.execute(select(WhatsAppMessage.question_key).where(
        WhatsAppMessage.message_id == event.context_id)).scalar()


def answer(organisation_id: int, hashed: str, event: wa.Event, now: datetime) -> Step:
    """Store one reply (a tap or typed text) of a conversation, if it answers the question the
    flow asks now; nothing stored ever changes."""
    tap = wa.read_payload(event.reply_id)
    conversation = find_conversation(organisation_id, hashed, event, tap)
    if conversation is None:
        return Step("not_found")
    try:
        return _answer(conversation.id, event, tap, now)
    except IntegrityError:  # PostgreSQL: the same reply stored a moment ago by another worker
        db.session.rollback()
        return Step("ignored", conversation.invitation_id)


def _answer(conversation_id: int, event: wa.Event, tap: wa.Tap | None, now: datetime) -> Step:
    with unit_of_work() as session:
        conversation = session.get(WhatsAppConversation, conversation_id)
        invitation = session.execute(select(Invitation).where(
            Invitation.id == conversation.invitation_id).with_for_update()).scalar_one()
        language = (invitation.contact.language if invitation.contact else None) or "nl"
        if conversation.state == "closed":
            return Step("closed", invitation.id, language)
        conversation.last_inbound_at = now
        response_id = session.execute(select(Response.id).where(
            Response.invitation_id == invitation.id)).scalar()
        if response_id is None:
            if invitation.status == "expired" or now >= invitation.expires_at:
                conversation.state, conversation.closed_at = "closed", now
                return Step("closed", invitation.id, language)
            ref, definition = _newest(invitation.organisation_id, invitation.survey_id)
            answers = {}
        else:
            ref = None
            _, definition = definition_of_response(session, response_id)
            answers = stored_answers(session, definition, response_id)
        skipped = set(conversation.skipped or [])
        current = next_key(definition, answers, skipped)
        if current is None:
            conversation.state, conversation.closed_at = "closed", now
            return Step("closed", invitation.id, language)
        target = tap.question if tap else (_quoted_question(event) or current)
        if target != current:  # a late or repeated tap, or a reply to an earlier question
            return Step("ignored", invitation.id, language)
        question = definition.question(current)
        step = "stored"
        if tap is not None and tap.value == wa.START:
            return Step("ask", invitation.id, language, current, definition)
        if tap is not None and tap.value == wa.SKIP:
            value = None
        elif tap is not None:
            value = wa.tap_value(question, tap.value)
            if value is None:
                return Step("ignored", invitation.id, language)
        else:
            try:
                value = parse_reply(question, event.text)
            except ValidationError:
                return Step("unclear", invitation.id, language, current, definition)
        if value is None:
            if question.required:
                return Step("unclear", invitation.id, language, current, definition)
            skipped.add(current)
            conversation.skipped = sorted(skipped)
            step = "skipped"
        else:
            reply = Reply(current, value=value)
            if response_id is None:
                first_answer(session, invitation, ref, reply, language, now)
            else:
                add_answer(session, definition, response_id, reply)
            answers = {**answers, current: value}
        following = next_key(definition, answers, skipped)
        conversation.asked = following
        if following is None:
            conversation.state, conversation.closed_at = "closed", now
        return Step(step, invitation.id, language, following, definition,
                    thanks=following is None)


def close_all(organisation_id: int, hashed: str, now: datetime) -> None:
    """The person opted out: their open conversations end here."""
    with unit_of_work() as session:
        session.execute(update(WhatsAppConversation).where(
            WhatsAppConversation.organisation_id == organisation_id,
            WhatsAppConversation.address_hash == hashed,
            WhatsAppConversation.state == "open").values(state="closed", closed_at=now))


# ---- messages back ----

def send(number: str, phone_number_id: str, content: dict, organisation: str | None = None,
         invitation_id: int | None = None, question: str | None = None,
         now: datetime | None = None) -> str | None:
    """Send one message in a conversation to the number that wrote to us; its id is kept
    when it asks a question. A failure is logged: the citizen may simply reply again."""
    try:
        with messaging.provider("whatsapp") as provider:
            sent = provider.send(messaging.Message(
                to=(number,), body="", content=content, sender_id=phone_number_id,
                organisation=organisation))
    except (messaging.NotConfigured, messaging.SendFailed) as error:
        log.warning("WhatsApp reply not sent: %s", error)
        return None
    if invitation_id is not None and sent is not None:
        with unit_of_work() as session:
            session.add(WhatsAppMessage(message_id=sent.provider_message_id,
                                        invitation_id=invitation_id, question_key=question,
                                        created_at=now))
    return sent.provider_message_id if sent else None


def reply_to(step: Step, number: str, phone_number_id: str, organisation: str,
             now: datetime) -> str | None:
    """The message a step asks for: the next question, thanks, or a hint; else nothing."""
    if step.thanks:
        return send(number, phone_number_id, wa.text_message(fixed_text("thanks", step.language)),
                    organisation)
    if step.outcome in ("stored", "skipped", "ask", "unclear") and step.ask:
        question = step.definition.question(step.ask)
        content = wa.question_message(question, step.language, step.invitation_id,
                                      words(step.language))
        if step.outcome == "unclear":
            send(number, phone_number_id,
                 wa.text_message(fixed_text("unclear", step.language)), organisation)
        return send(number, phone_number_id, content, organisation, step.invitation_id,
                    step.ask, now)
    return None
