"""The development WhatsApp backend read back and answered: `make run` keeps each WhatsApp
message in OUTBOX_DIR/whatsapp (survey.messaging.whatsapp.WhatsAppOutbox); the page
/staff/<org>/whatsapp shows them per number as a conversation and lets a developer tap the
buttons or type a reply. A reply is made into the webhook delivery Meta would send and goes
the webhook's own way after the signature check (take_in, then the queued processing), so
the flow can be tried end to end without Meta.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from survey.domain import whatsapp as wa
from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.messaging.outbox import _write
from survey.models import Organisation
from survey.services.whatsapp_accounts import account_of
from survey.services.whatsapp_chat import words

BUTTON_WORDS = {"up": "up", "down": "down", wa.OPT_OUT: "opt_out", wa.START: "start",
                wa.SKIP: "skip"}


@dataclass
class Item:
    inbound: bool
    at: datetime
    text: str
    message_id: str = ""
    template: str = ""  # the template's name, for a template message
    choices: list[tuple[str, str]] = field(default_factory=list)  # (reply id, title)
    kind: str = ""  # button, list, template or text


@dataclass
class Thread:
    number: str  # digits, as Meta writes a wa_id
    items: list[Item]

    @property
    def last_ours(self) -> Item | None:
        return next((i for i in reversed(self.items) if not i.inbound), None)


def enabled() -> bool:
    return current_app.config.get("WHATSAPP_PROVIDER") == "whatsapp_outbox"


def _folder() -> Path:
    return Path(current_app.config["OUTBOX_DIR"]) / "whatsapp"


def _title(value: str, language: str = "nl") -> str:
    name = BUTTON_WORDS.get(value)
    return getattr(words(language), name) if name else value


def _item(record: dict) -> Item:
    at = datetime.fromisoformat(record["at"])
    if record.get("inbound"):
        return Item(True, at, record.get("text", ""), record.get("id", ""))
    content = record.get("content") or {}
    kind = content.get("type")
    if kind == "template":
        template = content["template"]
        choices = []
        for component in template.get("components", []):
            if component.get("type") == "button":
                payload = component["parameters"][0]["payload"]
                tap = wa.read_payload(payload)
                choices.append((payload, _title(tap.value if tap else payload)))
        return Item(False, at, "", record["id"], template["name"], choices, "template")
    if kind == "interactive":
        inner = content["interactive"]
        if inner["type"] == "button":
            choices = [(b["reply"]["id"], b["reply"]["title"]) for b in inner["action"]["buttons"]]
        else:
            choices = [(r["id"], r["title"]) for s in inner["action"]["sections"]
                       for r in s["rows"]]
        return Item(False, at, inner["body"]["text"], record["id"], "", choices,
                    "button" if inner["type"] == "button" else "list")
    return Item(False, at, (content.get("text") or {}).get("body", ""), record["id"],
                kind="text")


def threads(organisation_id: int, limit: int = 500) -> list[Thread] | None:
    """The organisation's conversations, newest first; None when WhatsApp is sent for real."""
    if not enabled():
        return None
    slug = db.session.scalar(select(Organisation.slug).where(Organisation.id == organisation_id))
    by_number: dict[str, list[Item]] = {}
    files = sorted(_folder().glob("*.json"), key=lambda p: p.stat().st_mtime)[-limit:]
    for path in files:
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if record.get("organisation") != slug:
            continue
        by_number.setdefault(record["to"], []).append(_item(record))
    found = [Thread(number, sorted(items, key=lambda i: i.at))
             for number, items in by_number.items()]
    return sorted(found, key=lambda t: t.items[-1].at, reverse=True)


def reply(organisation_id: int, number: str, kind: str, reply_id: str, title: str,
          context_id: str, text: str, now: datetime) -> list[int]:
    """The developer's tap or typed text as the citizen's message, through the webhook's path.

    Only to a number the development backend wrote to for this organisation."""
    if not enabled():
        raise NotFound("not_development", "WhatsApp is sent for real here.")
    known = {t.number: t for t in threads(organisation_id) or []}
    if number not in known:
        raise NotFound("unknown_number", "No conversation with this number.", "number")
    account = account_of(organisation_id)
    if account is None:
        raise NotFound("whatsapp_not_set_up", "This organisation has no WhatsApp number.")
    text = (text or "").strip()
    if not reply_id and not text:
        raise Invalid("answer_required", "Tap a button or type a reply.", "text")
    slug = db.session.scalar(select(Organisation.slug).where(Organisation.id == organisation_id))
    message_id = f"wamid.dev-in-{uuid.uuid4().hex}"
    message: dict = {"from": number, "id": message_id, "timestamp": str(int(now.timestamp()))}
    if context_id:
        message["context"] = {"from": account.phone_number_id, "id": context_id}
    if reply_id:
        shown = title or reply_id
        if kind == "template":  # a template's quick-reply button
            message.update(type="button", button={"payload": reply_id, "text": shown})
        else:
            reply_kind = "list_reply" if kind == "list" else "button_reply"
            message.update(type="interactive", interactive={
                "type": reply_kind, reply_kind: {"id": reply_id, "title": shown}})
    else:
        shown = text
        message.update(type="text", text={"body": text})
    record = {"inbound": True, "id": message_id, "to": number, "organisation": slug,
              "text": shown, "at": now.astimezone(UTC).isoformat()}
    _write(_folder() / f"{now:%Y%m%dT%H%M%S%f}-in.json",
           json.dumps(record, ensure_ascii=False).encode())
    delivery = {"object": "whatsapp_business_account", "entry": [{"id": "development",
                "changes": [{"field": "messages", "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "", "phone_number_id":
                                 account.phone_number_id},
                    "contacts": [{"profile": {"name": ""}, "wa_id": number}],
                    "messages": [message]}}]}]}
    from survey import tasks
    from survey.services import whatsapp_inbox

    ids = whatsapp_inbox.take_in(wa.read_webhook(delivery), now)
    if ids:
        tasks.process_whatsapp(ids)
    return ids
