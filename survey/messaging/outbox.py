"""Development: messages are written to a folder and logged, never sent.

E-mail goes to OUTBOX_DIR as .eml files (provider `outbox`, MAIL_PROVIDER), SMS to
OUTBOX_DIR/sms as .json files (provider `console`, SMS_PROVIDER). `make run` uses both; the
staff page /staff/<org>/outbox lists them with their links (survey/outbox/). A
message with a reference (an invitation) is stored under it, so sending it again changes
nothing and find_sent can tell whether it went out.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from survey.messaging.base import Message, Provider, Sent, Setting, register
from survey.messaging.smtp import email_message

log = logging.getLogger(__name__)


def _stem(message: Message) -> str:
    if message.reference and re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", message.reference):
        return message.reference
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}.tmp")
    tmp.write_bytes(content)
    return tmp.replace(path)  # whole files only


class Outbox(Provider):
    name = "outbox"
    kind = "email"
    recoverable = True
    settings = (
        Setting("folder", "OUTBOX_DIR", required=True),
        Setting("sender", "MAIL_FROM", default="kto@localhost"),
    )

    def send(self, message: Message) -> Sent:
        mime = email_message(message, self.options["sender"])
        mime["X-Kto-Recipients"] = ", ".join(message.to)  # what the envelope would have held
        if message.organisation:
            mime["X-Kto-Organisation"] = message.organisation
        stem = _stem(message)
        path = _write(Path(self.options["folder"]) / f"{stem}.eml", mime.as_bytes())
        log.warning("Outbox (not sent): %r to %s, saved as %s", message.subject,
                    ", ".join(message.to), path)
        return Sent(stem)

    def find_sent(self, message: Message, since) -> Sent | None:
        stem = _stem(message)
        return Sent(stem) if (Path(self.options["folder"]) / f"{stem}.eml").exists() else None


class Console(Provider):
    """SMS for development: a JSON file per message in OUTBOX_DIR/sms, and a log line."""

    name = "console"
    kind = "sms"
    recoverable = True
    settings = (Setting("folder", "OUTBOX_DIR", required=True),)

    def send(self, message: Message) -> Sent:
        stem = _stem(message)
        record = {
            "kind": "sms", "to": list(message.to), "body": message.body,
            "organisation": message.organisation, "at": datetime.now(UTC).isoformat(),
        }
        path = _write(Path(self.options["folder"]) / "sms" / f"{stem}.json",
                      json.dumps(record, ensure_ascii=False).encode())
        log.warning("SMS outbox (not sent) to %s: %s (%s)", ", ".join(message.to),
                    message.body, path)
        return Sent(stem)

    def find_sent(self, message: Message, since) -> Sent | None:
        stem = _stem(message)
        exists = (Path(self.options["folder"]) / "sms" / f"{stem}.json").exists()
        return Sent(stem) if exists else None


register(Outbox)
register(Console)
