"""SMS through Twilio's Programmable Messaging REST API (2010-04-01), over httpx.

Sending: POST /2010-04-01/Accounts/{AccountSid}/Messages.json (form-encoded To, From or
MessagingServiceSid, Body, StatusCallback; HTTP basic auth with the account SID and auth
token) answers 201 with the Message resource, whose `sid` delivery callbacks refer to.
Errors come as JSON {"code", "message", "more_info", "status"}.

Twilio has no idempotency key for creating messages, so a send whose outcome is unknown (a
timeout, or a worker killed before it recorded the answer) is looked up before it is sent
again: GET Messages.json filtered by To, paged, compared by body. Every body holds the
invitation's own link, so a match is this message and no other. No DateSent filter: Twilio
fills a message's date_sent only when it leaves its queue (which can hold a message for hours
under a rate limit), and a still queued message must be found too.
"""

from __future__ import annotations

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

API_VERSION = "2010-04-01"
LOOKUP_PAGES = 20  # at most 2,000 messages to one number are looked through


class Twilio(Provider):
    name = "twilio"
    kind = "sms"
    recoverable = True
    settings = (
        Setting("account_sid", "TWILIO_ACCOUNT_SID", required=True),
        Setting("auth_token", "TWILIO_AUTH_TOKEN", required=True, secret=True),
        Setting("from_number", "TWILIO_FROM"),
        Setting("messaging_service_sid", "TWILIO_MESSAGING_SERVICE_SID"),
        Setting("api_base", "TWILIO_API_BASE", default="https://api.twilio.com"),
        Setting("timeout", "SMS_TIMEOUT_SECONDS", "number", default=10),
        Setting("connections", "SMS_CONCURRENCY", "number", default=64),
    )

    def __init__(self, options):
        super().__init__(options)
        if not (self.options["from_number"] or self.options["messaging_service_sid"]):
            raise NotConfigured(
                "Set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID; twilio cannot send anything."
            )
        self.base = str(self.options["api_base"]).rstrip("/")
        self.client = http.client(
            self.options["timeout"], int(self.options["connections"]),
            auth=(self.options["account_sid"], self.options["auth_token"]),
        )

    @property
    def messages_url(self) -> str:
        return f"{self.base}/{API_VERSION}/Accounts/{self.options['account_sid']}/Messages.json"

    def send(self, message: Message) -> Sent:
        [to] = message.to
        form = {"To": to, "Body": message.body}
        if self.options["messaging_service_sid"]:
            form["MessagingServiceSid"] = self.options["messaging_service_sid"]
        else:
            form["From"] = self.options["from_number"]
        if message.status_callback:
            form["StatusCallback"] = message.status_callback
        try:
            response = self.client.post(self.messages_url, data=form)
        except httpx.HTTPError as error:
            raise http.transport_failure(error) from None
        if response.status_code in (200, 201):
            return Sent(response.json()["sid"])
        raise failure(response)

    def find_sent(self, message: Message, since) -> Sent | None:
        [to] = message.to
        params: dict | None = {"To": to, "PageSize": 100}
        url: str | None = self.messages_url
        pages = 0
        while url:
            pages += 1
            if pages > LOOKUP_PAGES:  # cannot tell: never risk a second message
                raise PermanentFailure("provider_lookup_too_long", str(LOOKUP_PAGES))
            try:
                response = self.client.get(url, params=params)
            except httpx.HTTPError as error:
                raise TemporaryFailure("provider_lookup_failed", type(error).__name__) from None
            if response.status_code != 200:
                raise TemporaryFailure("provider_lookup_failed", str(response.status_code))
            page = response.json()
            for found in page.get("messages", []):
                if found.get("body") == message.body:
                    return Sent(found["sid"])
            next_page = page.get("next_page_uri")
            url, params = (f"{self.base}{next_page}" if next_page else None), None
        return None

    def close(self) -> None:
        self.client.close()


# Twilio error codes that no retry can change (https://www.twilio.com/docs/api/errors).
PERMANENT_CODES = {
    21211: "invalid_number",  # 'To' is not a valid phone number
    21612: "unroutable_number",  # cannot route to this number
    21614: "not_a_mobile_number",  # 'To' is not a mobile number
    21408: "region_not_enabled",  # no permission to send to this region
    21610: "unsubscribed",  # the recipient replied STOP
    21606: "invalid_sender",
}


def failure(response: httpx.Response):
    """A Twilio error response as a temporary or permanent failure."""
    try:
        body = response.json()
        code = int(body.get("code") or 0)
    except ValueError:
        body, code = {}, 0
    status = response.status_code
    if status == 429:
        wait = http.retry_after(response)
        return TemporaryFailure("provider_rate_limited", str(code or ""), wait)
    if status >= 500:
        return TemporaryFailure("provider_error", str(status), http.retry_after(response),
                                ambiguous=True)
    if status in (401, 403, 404):  # our credentials or account: fixable, keep the message
        return TemporaryFailure("provider_refused_account", f"{status} {code}")
    if code in PERMANENT_CODES:
        return PermanentFailure(PERMANENT_CODES[code], str(code))
    return PermanentFailure("provider_rejected", f"{status} {code}")


register(Twilio)
