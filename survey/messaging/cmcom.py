"""SMS through CM.com's Business Messaging API (JSON), the gateway many municipalities use.

Sending: POST {CM_API_BASE}/v1.0/message with
  {"messages": {"authentication": {"productToken": ...},
                "msg": [{"from", "to": [{"number"}], "body": {"type": "auto", "content"},
                         "reference", "allowedChannels": ["SMS"], ...}]}}
answers {"details", "errorCode", "messages": [{"to", "status", "reference", "parts",
"messageDetails", "messageErrorCode"}]}; errorCode 0 means every message was accepted.

The send-once record's key goes out as the message's `reference`; CM.com's status reports
(survey/webhooks/cmcom.py) carry it back. CM.com offers no API to look a message up, so a
message whose outcome is unknown is recovered by its reports: the first report (accepted
by the operator, code 0) arrives within seconds of acceptance, so a delivery still without
any report CM_REPORT_WAIT_SECONDS after its claim was not accepted and is sent again with
the same reference (survey/services/sending.py).
"""

from __future__ import annotations

import httpx

from survey.messaging import http
from survey.messaging.base import (
    Message,
    PermanentFailure,
    Provider,
    Sent,
    Setting,
    TemporaryFailure,
    register,
)


class CMCom(Provider):
    name = "cmcom"
    kind = "sms"
    recoverable = False  # recovered by status reports instead (see the module's text)
    recovered_by_reports = True
    settings = (
        Setting("product_token", "CM_PRODUCT_TOKEN", required=True, secret=True),
        Setting("sender", "CM_FROM", required=True),
        Setting("api_base", "CM_API_BASE", default="https://gw.messaging.cm.com"),
        Setting("timeout", "SMS_TIMEOUT_SECONDS", "number", default=10),
        Setting("connections", "SMS_CONCURRENCY", "number", default=64),
    )

    def __init__(self, options):
        super().__init__(options)
        self.url = str(self.options["api_base"]).rstrip("/") + "/v1.0/message"
        self.client = http.client(self.options["timeout"], int(self.options["connections"]))

    def send(self, message: Message) -> Sent:
        [to] = message.to
        body = {
            "messages": {
                "authentication": {"productToken": self.options["product_token"]},
                "msg": [{
                    "allowedChannels": ["SMS"],
                    "from": self.options["sender"],
                    "to": [{"number": to}],
                    "body": {"type": "auto", "content": message.body},
                    "reference": message.reference,
                    "minimumNumberOfMessageParts": 1,
                    "maximumNumberOfMessageParts": 8,
                }],
            }
        }
        try:
            response = self.client.post(self.url, json=body)
        except httpx.HTTPError as error:
            raise http.transport_failure(error) from None
        return accepted(response, message.reference)

    def close(self) -> None:
        self.client.close()


# errorCode of the request (CM.com "Responses & Errors").
ACCOUNT_ERRORS = {101, 102, 103, 104, 105, 106, 107}  # authentication, balance, token
MESSAGE_ERRORS = {
    301: "invalid_sender",
    302: "empty_message",
    303: "invalid_number",  # "Gsm '...' is not a number"
    304: "invalid_number",
    305: "rejected",
    306: "rejected",
    999: "rejected",
}


def accepted(response: httpx.Response, reference: str | None) -> Sent:
    status = response.status_code
    if status == 429:
        raise TemporaryFailure("provider_rate_limited", "", http.retry_after(response))
    if status >= 500:
        raise TemporaryFailure("provider_error", str(status), http.retry_after(response),
                               ambiguous=True)
    try:
        body = response.json()
    except ValueError:
        raise TemporaryFailure("provider_error", f"{status} not JSON", ambiguous=True) from None
    error = int(body.get("errorCode") or 0)
    messages = body.get("messages") or [{}]
    first = messages[0]
    if status == 200 and error == 0 and first.get("status") == "Accepted":
        return Sent(str(first.get("reference") or reference))
    if error in ACCOUNT_ERRORS or status in (401, 403):
        raise TemporaryFailure("provider_refused_account", f"{status} {error}")
    code = int(first.get("messageErrorCode") or 0)
    raise PermanentFailure(MESSAGE_ERRORS.get(code, "provider_rejected"), f"{error} {code}")


register(CMCom)
