"""Outbound messaging providers: a registry, a base class with its settings schema, a message.

One small file per provider (smtp.py, outbox.py, twilio.py, cmcom.py, whatsapp.py), each
ending in `register(TheProvider)`, and one import line in survey/messaging/__init__.py. A
provider reads its settings from the app config by the keys its schema names, so
`configuration_schema()` is the one description of what it needs (and what is secret).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar


class NotConfigured(RuntimeError):
    """The provider lacks a required setting, or no provider has the configured name."""


@dataclass(frozen=True)
class Setting:
    """One setting of a provider: its name, where the app config holds it, and how to treat it."""

    name: str
    config_key: str
    type: str = "string"  # string, number or boolean (JSON-schema types)
    required: bool = False
    secret: bool = False  # never shown back once saved, never logged
    default: object = None


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str


@dataclass(frozen=True)
class Message:
    """What to deliver. `to` are addresses or numbers, one message for all (as Bcc)."""

    to: tuple[str, ...]
    body: str
    subject: str | None = None  # e-mail only
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    html: str | None = None  # e-mail: an HTML alternative to the text body
    sender_name: str | None = None  # e-mail: the display name of From (the organisation)
    headers: tuple[tuple[str, str], ...] = ()  # e-mail: extra headers (List-Unsubscribe ...)
    # The send-once record's key: CM.com's reference, the e-mail's Message-ID, the outbox's
    # file name; the same key on a retry, so a provider that can, recognises a repeat.
    reference: str | None = None
    status_callback: str | None = None  # where the provider reports delivery (SMS)
    organisation: str | None = None  # the sending organisation's code (the outbox page)
    # WhatsApp: the message as the Graph API takes it (its "type" and that type's object),
    # the organisation's phone-number id it goes from, and what to send instead when Meta
    # answers that the 24-hour window has closed (the approved template).
    content: dict | None = None
    sender_id: str | None = None
    fallback: dict | None = None


@dataclass(frozen=True)
class Sent:
    """A provider accepted the message; its id is what delivery reports refer to."""

    provider_message_id: str


class SendFailed(OSError):
    """The provider did not take the message. `code` is short and stored; no addresses."""

    permanent = False

    def __init__(self, code: str, detail: str = "", retry_after: float | None = None,
                 ambiguous: bool = False):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.retry_after = retry_after  # seconds the provider asked us to wait (429)
        # The request may have reached the provider (a timeout after sending, a 5xx): the
        # message may exist, so a retry first asks the provider (find_sent) when it can.
        self.ambiguous = ambiguous


class TemporaryFailure(SendFailed):
    """Try again later: 5xx, 429, timeouts, connection errors."""


class PermanentFailure(SendFailed):
    """Never try again: invalid or landline number, unsubscribed recipient, refused content."""

    permanent = True


class Provider:
    """A way to deliver messages of one kind (email, sms, whatsapp)."""

    name: ClassVar[str] = ""
    kind: ClassVar[str] = ""
    settings: ClassVar[tuple[Setting, ...]] = ()
    # True when find_sent can tell whether the provider accepted a message (Twilio's list of
    # messages, CM.com's status reports by reference, the outbox's folder); SMTP cannot.
    recoverable: ClassVar[bool] = False

    def __init__(self, options: Mapping[str, object]):
        self.options = dict(options)

    @classmethod
    def configuration_schema(cls) -> dict:
        """The settings as a JSON schema with the names that are required and secret."""
        properties = {}
        for s in cls.settings:
            properties[s.name] = {"type": s.type}
            if s.default is not None:
                properties[s.name]["default"] = s.default
        return {
            "type": "object",
            "properties": properties,
            "required": [s.name for s in cls.settings if s.required],
            "secret": [s.name for s in cls.settings if s.secret],
        }

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> Provider:
        """The provider with its settings from the app config; NotConfigured when one is missing."""
        options = {}
        for setting in cls.settings:
            value = config.get(setting.config_key)
            if value is None or value == "":
                value = setting.default
            if setting.required and (value is None or value == ""):
                raise NotConfigured(
                    f"{setting.config_key} is not set; {cls.name} cannot send anything."
                )
            options[setting.name] = value
        return cls(options)

    def send(self, message: Message) -> Sent | None:
        """Deliver, or raise TemporaryFailure / PermanentFailure (SMS providers return Sent)."""
        raise NotImplementedError

    def find_sent(self, message: Message, since) -> Sent | None:
        """The message if the provider accepted it since `since` (UTC), else None.

        Asked before a message whose earlier attempt had an unknown outcome (the worker died,
        a timeout) is sent again. Raises TemporaryFailure when the provider cannot answer.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release connections (an HTTP client's pool)."""

    def __enter__(self) -> Provider:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


PROVIDERS: dict[str, type[Provider]] = {}


def register(provider: type[Provider]) -> type[Provider]:
    """Make a provider available under its name (the value of e.g. MAIL_PROVIDER)."""
    if not provider.name or not provider.kind:
        raise ValueError("A provider needs a name and a kind.")
    PROVIDERS[provider.name] = provider
    return provider


def provider_class(name: str, kind: str) -> type[Provider]:
    found = PROVIDERS.get(name)
    if found is None or found.kind != kind:
        names = ", ".join(sorted(n for n, p in PROVIDERS.items() if p.kind == kind))
        raise NotConfigured(f"No {kind} provider '{name}'; available: {names}.")
    return found
