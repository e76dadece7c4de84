"""A fake CM.com Business Messaging API: POST /v1.0/message, status reports, inbound.

Request and answer shapes as CM.com documents them: {"messages": {"authentication":
{"productToken"}, "msg": [{"from", "to": [{"number"}], "body": {"type", "content"},
"reference", ...}]}} answered {"details", "errorCode", "messages": [{"to", "status",
"reference", "parts", "messageDetails", "messageErrorCode"}]}. Status reports go to the
configured webhook as CM.com's JSON format; inbound messages as its MO webhook JSON.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.fakes.server import FakeServer

TOKEN = "00000000-0000-0000-0000-00000000c0de"
SENDER = "Gemeente"


def answer(status, error, details, messages) -> tuple[int, dict, dict]:
    return status, {}, {"details": details, "errorCode": error, "messages": messages}


class FakeCM(FakeServer):
    def __init__(self, latency: float = 0.0, report_url: str | None = None):
        super().__init__(latency)
        self.report_url = report_url  # where status reports go (None: none)

    def config(self) -> dict:
        return {"SMS_PROVIDER": "cmcom", "CM_PRODUCT_TOKEN": TOKEN, "CM_FROM": SENDER,
                "CM_API_BASE": self.base_url}

    def handle(self, request, method):
        if method != "POST" or request.path != "/v1.0/message":
            return 404, {}, {"details": "Not found", "errorCode": 999, "messages": []}
        try:
            body = json.loads(request.body)
            token = body["messages"]["authentication"]["productToken"]
            [msg] = body["messages"]["msg"]
            [to] = msg["to"]
        except (ValueError, KeyError, TypeError):
            return answer(400, 999, "Unknown error", [])
        if token != TOKEN:
            return answer(400, 101, "Authentication of the request failed.", [])
        mode = self.next_mode()
        if mode == "500":
            return 500, {}, b"Internal Server Error"
        if mode == "429":
            return 429, {"Retry-After": str(self.retry_after)}, b""
        if mode == "timeout_unaccepted":
            return None, {}, None
        number, reference = to["number"], msg.get("reference")
        if mode == "invalid" or number in self.invalid_numbers:
            details = "There are messages with errors. See 'messages' for details."
            return answer(400, 201, details, [{
                "to": number, "status": "Rejected", "reference": reference, "parts": 0,
                "messageDetails": f"Gsm '{number}' is not a number.", "messageErrorCode": 303}])
        message = {"to": number, "body": msg["body"]["content"], "reference": reference,
                   "from": msg["from"], "at": datetime.now(UTC)}
        with self.lock:
            self.messages.append(message)
        if self.report_url:
            self.report(message, "0")  # accepted by the operator
            self.report(message, "2")  # delivered
        if mode == "timeout":
            return None, {}, None
        return answer(200, 0, "Created 1 message(s)", [{
            "to": number, "status": "Accepted", "reference": reference, "parts": 1,
            "messageDetails": None, "messageErrorCode": 0}])

    def report(self, message: dict, code: str, error_code: str = "", url: str | None = None):
        """CM.com's JSON status report: code 0 accepted, 1 rejected, 2 delivered, 3 failed."""
        payload = {"messages": {"msg": {
            "received": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "to": message["to"],
            "reference": message["reference"],
            "status": {"code": code, "errorCode": error_code, "errorDescription": ""},
            "operator": "20416"}}}
        self.post_later(url or self.report_url, json=payload)

    @staticmethod
    def inbound(from_: str, body: str, reference: str = "inbound-1") -> dict:
        """The JSON CM.com posts for an incoming message (MO webhook)."""
        return {"json": {"from": {"number": from_, "name": None}, "to": {"number": SENDER},
                         "message": {"text": body, "media": None, "custom": None},
                         "reference": reference, "groupings": ["", "", ""],
                         "timeUtc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                         "channel": "SMS"}}
