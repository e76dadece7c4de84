"""Outbound messages (e-mail now; SMS and WhatsApp later) through a registry of providers.

The app config names the provider per kind (`MAIL_PROVIDER`: smtp or outbox); callers send
through `send_email` and never know which one it is. Adding SMS is one file with its Provider
class and `register(...)`, plus its module on the import line below.
"""

from __future__ import annotations

from flask import current_app

from survey.messaging import outbox, smtp  # noqa: F401  (the registry: one module per provider)
from survey.messaging.base import (
    PROVIDERS,
    Attachment,
    Message,
    NotConfigured,
    Provider,
    Setting,
    provider_class,
    register,
)

__all__ = [
    "PROVIDERS", "Attachment", "Message", "NotConfigured", "Provider", "Setting", "provider",
    "register", "send_email",
]

PROVIDER_SETTING = {"email": "MAIL_PROVIDER"}


def provider(kind: str) -> Provider:
    """The configured provider of this kind, with its settings (NotConfigured if incomplete)."""
    config = current_app.config
    return provider_class(config.get(PROVIDER_SETTING[kind]) or "smtp", kind).from_config(config)


def send_email(to, subject: str, body: str, attachments=()) -> None:
    """One e-mail to all recipients (they do not see each other)."""
    provider("email").send(
        Message(
            to=tuple(to),
            subject=subject,
            body=body,
            attachments=tuple(Attachment(*a) for a in attachments),
        )
    )
