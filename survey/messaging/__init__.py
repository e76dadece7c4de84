"""Outbound messages (e-mail, SMS, WhatsApp) through a registry of providers.

The app config names the provider per kind (`MAIL_PROVIDER`: smtp or outbox; `SMS_PROVIDER`:
twilio, cmcom or console); callers send through `send_email` or `provider(kind)` and never
know which one it is. Adding a provider is one file with its Provider class and
`register(...)`, plus its module on the import line below.
"""

from __future__ import annotations

from flask import current_app

from survey.messaging import cmcom, outbox, smtp, twilio, whatsapp  # noqa: F401  (one module per provider)
from survey.messaging.base import (
    PROVIDERS,
    Attachment,
    Message,
    NotConfigured,
    PermanentFailure,
    Provider,
    SendFailed,
    Sent,
    Setting,
    TemporaryFailure,
    provider_class,
    register,
)

__all__ = [
    "PROVIDERS", "Attachment", "Message", "NotConfigured", "PermanentFailure", "Provider",
    "SendFailed", "Sent", "Setting", "TemporaryFailure", "provider", "register", "send_email",
]

PROVIDER_SETTING = {"email": "MAIL_PROVIDER", "sms": "SMS_PROVIDER",
                    "whatsapp": "WHATSAPP_PROVIDER"}
DEFAULT_PROVIDER = {"email": "smtp", "sms": "twilio", "whatsapp": "meta"}


def provider(kind: str) -> Provider:
    """The configured provider of this kind, with its settings (NotConfigured if incomplete)."""
    config = current_app.config
    name = config.get(PROVIDER_SETTING[kind]) or DEFAULT_PROVIDER[kind]
    return provider_class(name, kind).from_config(config)


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
