"""WhatsApp through Meta's WhatsApp Business Cloud API (the Graph API), over httpx; and a
development backend that keeps the messages in files.

Sending: POST {WHATSAPP_API_BASE}/{version}/{phone-number-id}/messages with a bearer token
(WHATSAPP_ACCESS_TOKEN, one Meta app for the platform) and JSON
{"messaging_product": "whatsapp", "recipient_type": "individual", "to": <number>, "type": ...}
answers 200 with {"messages": [{"id": "wamid..."}]}; status webhooks refer to that id.
Errors come as {"error": {"message", "type", "code", "error_data": {"details"}, "fbtrace_id"}}:
131047 (re-engagement: the 24-hour window has closed; the message's `fallback`, the approved
template, is sent instead), 131026 (undeliverable), 100 / 131009 (invalid parameter),
130429 / 131056 (rate limits), 190 (access token), 131000 / 5xx (Meta's side).

The Graph API cannot be asked afterwards whether it took a message, so the provider is not
`recoverable`: a send with an unknown outcome is not repeated (survey.services.sending).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import httpx

from survey.messaging import http
from survey.messaging.base import (
    Message,
    NotConfigured,
    PermanentFailure,
    Provider,
    Sent,
    Setting,
    TemporaryFailure,
    register,
)
from survey.messaging.outbox import _stem, _write

log = logging.getLogger(__name__)

WINDOW_CLOSED = 131047
PERMANENT_CODES = {
    WINDOW_CLOSED: "whatsapp_window_closed",
    131026: "whatsapp_undeliverable",  # not on WhatsApp, blocked us, old app
    100: "whatsapp_invalid_parameter",
    131009: "whatsapp_invalid_parameter",
    131008: "whatsapp_invalid_parameter",  # a required parameter is missing
    131021: "whatsapp_recipient_is_sender",
    131030: "whatsapp_recipient_not_allowed",  # test numbers: not on the allowed list
    131051: "whatsapp_unsupported_type",
}
RATE_LIMIT_CODES = {4, 80007, 130429, 131048, 131056}
ACCOUNT_CODES = {190, 10, 200, 131031, 132000, 132001, 132005, 132007, 132012, 132015, 132016}


def recipient(number: str) -> str:
    """The Graph API's `to`: the number with its country code, digits only."""
    return number.lstrip("+")


def request_body(to: str, content: dict) -> dict:
    return {"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": recipient(to), **content}


class WhatsAppCloud(Provider):
    name = "meta"
    kind = "whatsapp"
    settings = (
        Setting("access_token", "WHATSAPP_ACCESS_TOKEN", required=True, secret=True),
        Setting("api_base", "WHATSAPP_API_BASE", default="https://graph.facebook.com"),
        Setting("api_version", "WHATSAPP_API_VERSION", default="v21.0"),
        Setting("timeout", "SMS_TIMEOUT_SECONDS", "number", default=10),
        Setting("connections", "SMS_CONCURRENCY", "number", default=64),
    )

    def __init__(self, options):
        super().__init__(options)
        self.base = f"{str(self.options['api_base']).rstrip('/')}/{self.options['api_version']}"
        self.client = http.client(
            self.options["timeout"], int(self.options["connections"]),
            headers={"Authorization": f"Bearer {self.options['access_token']}"},
        )

    def send(self, message: Message) -> Sent:
        if not message.sender_id or not message.content:
            raise NotConfigured("A WhatsApp message needs the organisation's phone-number id.")
        try:
            return self._post(message, message.content)
        except PermanentFailure as failure:
            if failure.code == PERMANENT_CODES[WINDOW_CLOSED] and message.fallback:
                return self._post(message, message.fallback)
            raise

    def _post(self, message: Message, content: dict) -> Sent:
        [to] = message.to
        url = f"{self.base}/{message.sender_id}/messages"
        try:
            response = self.client.post(url, json=request_body(to, content))
        except httpx.HTTPError as error:
            raise http.transport_failure(error) from None
        if response.status_code == 200:
            try:
                return Sent(response.json()["messages"][0]["id"])
            except (ValueError, KeyError, IndexError, TypeError):
                raise TemporaryFailure("provider_answer_unreadable", ambiguous=True) from None
        raise failure(response)

    def close(self) -> None:
        self.client.close()


def failure(response: httpx.Response):
    """A Graph API error response as a temporary or permanent failure."""
    try:
        error = response.json().get("error") or {}
        code = int(error.get("code") or 0)
    except (ValueError, AttributeError, TypeError):
        error, code = {}, 0
    status = response.status_code
    if status == 429 or code in RATE_LIMIT_CODES:
        return TemporaryFailure("provider_rate_limited", str(code or status),
                                http.retry_after(response))
    if status >= 500 or code in (1, 2, 131000):
        return TemporaryFailure("provider_error", f"{status} {code}", http.retry_after(response),
                                ambiguous=True)
    if status in (401, 403) or code in ACCOUNT_CODES:  # our token, account or template
        return TemporaryFailure("provider_refused_account", f"{status} {code}")
    if code in PERMANENT_CODES:
        return PermanentFailure(PERMANENT_CODES[code], str(code))
    return PermanentFailure("provider_rejected", f"{status} {code}")


class WhatsAppOutbox(Provider):
    """Development: each message a JSON file in OUTBOX_DIR/whatsapp, shown with its buttons
    on /staff/<org>/whatsapp, where a developer taps and types the citizen's replies."""

    name = "whatsapp_outbox"
    kind = "whatsapp"
    recoverable = True
    settings = (Setting("folder", "OUTBOX_DIR", required=True),)

    def folder(self) -> Path:
        return Path(self.options["folder"]) / "whatsapp"

    def send(self, message: Message) -> Sent:
        stem = _stem(message)
        record = {
            "id": f"wamid.dev-{stem}", "to": recipient(message.to[0]),
            "sender_id": message.sender_id, "organisation": message.organisation,
            "content": message.content, "fallback": message.fallback,
            "at": datetime.now(UTC).isoformat(),
        }
        path = _write(self.folder() / f"{stem}.json",
                      json.dumps(record, ensure_ascii=False).encode())
        log.warning("WhatsApp outbox (not sent) to %s: %s (%s)", message.to[0],
                    (message.content or {}).get("type"), path)
        return Sent(record["id"])

    def find_sent(self, message: Message, since) -> Sent | None:
        stem = _stem(message)
        return Sent(f"wamid.dev-{stem}") if (self.folder() / f"{stem}.json").exists() else None


register(WhatsAppCloud)
register(WhatsAppOutbox)
