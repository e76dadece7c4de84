"""The development outbox read back: e-mails (.eml) and SMS (.json) of one organisation."""

from __future__ import annotations

import email
import email.policy
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from survey.extensions import db
from survey.models import Organisation

LINK = re.compile(r"https?://[^\s<>\"]+/s/[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class OutboxMessage:
    kind: str  # "sms" or "email"
    at: datetime
    to: str
    text: str  # the SMS, or the e-mail's subject
    link: str | None


def enabled() -> bool:
    config = current_app.config
    return config.get("MAIL_PROVIDER") == "outbox" or config.get("SMS_PROVIDER") == "console"


def messages(organisation_id: int, limit: int = 200) -> list[OutboxMessage] | None:
    """The newest messages of the organisation in OUTBOX_DIR; None when no outbox is used."""
    if not enabled():
        return None
    slug = db.session.scalar(select(Organisation.slug).where(Organisation.id == organisation_id))
    folder = Path(current_app.config["OUTBOX_DIR"])
    files = sorted([*folder.glob("*.eml"), *folder.glob("sms/*.json")],
                   key=lambda p: p.stat().st_mtime, reverse=True)
    found: list[OutboxMessage] = []
    for path in files:
        if len(found) >= limit:
            break
        at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if path.suffix == ".json":
            record = json.loads(path.read_text())
            if record.get("organisation") != slug:
                continue
            link = LINK.search(record["body"])
            found.append(OutboxMessage("sms", at, ", ".join(record["to"]), record["body"],
                                       link and link.group(0)))
            continue
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["X-Kto-Organisation"] != slug:
            continue
        body = message.get_body(("plain",))
        link = LINK.search(body.get_content() if body else "")
        found.append(OutboxMessage("email", at, str(message["X-Kto-Recipients"] or ""),
                                   str(message["Subject"] or ""), link and link.group(0)))
    return found
