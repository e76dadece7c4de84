"""WhatsApp: each organisation's business number, the conversation per invitation, the
messages we sent (for replies that quote them) and the webhook events taken in once.

Nothing here holds a phone number: a conversation finds its person through its invitation's
contact (whose address is erased on the invitations' schedule; the keyed hash stays), and a
reply goes to the number that wrote to us.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.types import BigId, UTCDateTime, utcnow

CONVERSATION_STATES = ("open", "closed")


class WhatsAppAccount(db.Model):
    """An organisation's WhatsApp business phone number (Meta's phone-number id) and the
    names of its approved templates per language ({"nl": {"name": ..., "code": "nl"}})."""

    __tablename__ = "whatsapp_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    phone_number_id: Mapped[str] = mapped_column(String(40), unique=True)
    templates: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WhatsAppConversation(db.Model):
    """The survey as a conversation: one per invitation, its state stored as it goes."""

    __tablename__ = "whatsapp_conversations"
    __table_args__ = (Index("ix_whatsapp_conversations_org_state", "organisation_id", "state"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # The keyed hash of the citizen's number (the contact's), to find a typed reply's
    # conversation after the address itself was erased.
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(10), default="open")
    # The question asked last, and the optional questions the person passed.
    asked: Mapped[str | None] = mapped_column(String(40))
    skipped: Mapped[list] = mapped_column(JSON, default=list)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WhatsAppMessage(db.Model):
    """A message we sent in a conversation (Meta's wamid), so a reply quoting it (`context`)
    finds its invitation and question."""

    __tablename__ = "whatsapp_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(128), unique=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id"), index=True)
    question_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WhatsAppEvent(db.Model):
    """Every webhook event taken in, once: a message by its wamid, a status by wamid and
    status, a daily notice by number and day. The unique key makes replays change nothing."""

    __tablename__ = "whatsapp_events"
    __table_args__ = (Index("ix_whatsapp_events_pending", "processed_at", "received_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # The parsed event (no raw body); emptied once processed, so no number stays here.
    data: Mapped[dict | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
