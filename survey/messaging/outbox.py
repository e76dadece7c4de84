"""Development: e-mail is written to a folder as .eml files and logged, never sent."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

from survey.messaging.base import Message, Provider, Setting, register
from survey.messaging.smtp import email_message

log = logging.getLogger(__name__)


class Outbox(Provider):
    name = "outbox"
    kind = "email"
    settings = (
        Setting("folder", "OUTBOX_DIR", required=True),
        Setting("sender", "MAIL_FROM", default="kto@localhost"),
    )

    def send(self, message: Message) -> None:
        folder = Path(self.options["folder"])
        folder.mkdir(parents=True, exist_ok=True)
        mime = email_message(message, self.options["sender"])
        mime["X-Kto-Recipients"] = ", ".join(message.to)  # what the envelope would have held
        stem = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        tmp = folder / f".{stem}.tmp"
        tmp.write_bytes(mime.as_bytes())
        path = tmp.replace(folder / f"{stem}.eml")  # whole files only
        log.warning("Outbox (not sent): %r to %s, saved as %s", message.subject,
                    ", ".join(message.to), path)


register(Outbox)
