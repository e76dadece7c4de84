"""A fake Twilio: the Messages REST API (create, list) and signed status/inbound callbacks.

Speaks https://api.twilio.com/2010-04-01/Accounts/{Sid}/Messages.json as documented: basic
auth with the account SID and auth token, form-encoded create answered 201 with the Message
resource, errors as {"code", "message", "more_info", "status"}, the list filtered by To and
DateSent> with next_page_uri paging. A message stays `queued` (its `date_sent` null, so a
DateSent filter does not find it, as at Twilio) for `queue_seconds` after it was accepted.
Twilio has no idempotency key for creating a message: the same request twice is two
messages. Callbacks are signed as Twilio signs them
(X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by the sorted POST parameters).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import threading
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import parse_qs, quote, urlsplit

from tests.fakes.server import FakeServer

SID = "AC" + "0" * 32
TOKEN = "fake-twilio-auth-token"
FROM = "+3197010000000"


def signature(url: str, params: dict, token: str = TOKEN) -> str:
    data = url + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def error(status: int, code: int, message: str) -> tuple[int, dict, dict]:
    return status, {}, {"code": code, "message": message,
                        "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


class FakeTwilio(FakeServer):
    def __init__(self, latency: float = 0.0, deliver: bool = True, queue_seconds: float = 0.0):
        super().__init__(latency)
        self.queue_seconds = queue_seconds
        self.deliver = deliver  # send a signed "delivered" status callback per message
        self.lookup_failures = 0  # the next this many message-list look-ups answer 500
        self.ids = itertools.count(1)
        self.id_lock = threading.Lock()

    def config(self) -> dict:
        """App settings pointing the twilio provider here."""
        return {"SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN,
                "TWILIO_FROM": FROM, "TWILIO_API_BASE": self.base_url}

    def _authorised(self, request) -> bool:
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        return request.headers.get("Authorization") == expected

    def handle(self, request, method):
        path = urlsplit(request.path)
        if path.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
            return error(404, 20404, "The requested resource was not found")
        if not self._authorised(request):
            return error(401, 20003, "Authenticate")
        if method == "GET":
            with self.lock:
                failing, self.lookup_failures = self.lookup_failures > 0, self.lookup_failures - 1
            if failing:
                return error(500, 20500, "Internal Server Error")
            return self._list(parse_qs(path.query))
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if "To" not in form or "Body" not in form or not (
            "From" in form or "MessagingServiceSid" in form
        ):
            return error(400, 21604, "A 'To' phone number is required.")
        mode = self.next_mode()
        if mode == "500":
            return error(500, 20500, "Internal Server Error")
        if mode == "429":
            status, headers, body = error(429, 20429, "Too Many Requests")
            return status, {"Retry-After": str(self.retry_after)}, body
        if mode == "timeout_unaccepted":
            return None, {}, None
        if mode == "invalid" or form["To"] in self.invalid_numbers:
            return error(400, 21211, f"The 'To' number {form['To']} is not a valid phone number.")
        message = self._accept(form)
        if mode == "timeout":
            return None, {}, None
        return 201, {}, self._resource(message)

    def _accept(self, form) -> dict:
        with self.id_lock:
            sid = f"SM{next(self.ids):032x}"
        message = {
            "sid": sid, "to": form["To"], "from": form.get("From") or FROM, "body": form["Body"],
            "status_callback": form.get("StatusCallback"), "date_created": datetime.now(UTC),
            "messaging_service_sid": form.get("MessagingServiceSid"),
        }
        with self.lock:
            self.messages.append(message)
        if self.deliver and message["status_callback"]:
            self.status_callback(message, "delivered")
        return message

    def status_callback(self, message: dict, status: str, error_code: str | None = None):
        params = {"MessageSid": message["sid"], "SmsSid": message["sid"], "AccountSid": SID,
                  "MessageStatus": status, "SmsStatus": status, "To": message["to"],
                  "From": message["from"], "ApiVersion": "2010-04-01"}
        if error_code:
            params["ErrorCode"] = error_code
        url = message["status_callback"]
        self.post_later(url, data=params, headers={"X-Twilio-Signature": signature(url, params)})

    def inbound(self, url: str, from_: str, body: str, sid: str = "SMinbound1") -> dict:
        """The form Twilio posts for an incoming SMS, and its signature header."""
        params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": SID, "From": from_,
                  "To": FROM, "Body": body, "NumMedia": "0", "ApiVersion": "2010-04-01"}
        return {"data": params, "headers": {"X-Twilio-Signature": signature(url, params)}}

    def _date_sent(self, m: dict) -> datetime | None:
        """None while the message waits in Twilio's queue."""
        if (datetime.now(UTC) - m["date_created"]).total_seconds() < self.queue_seconds:
            return None
        return m["date_created"]

    def _resource(self, m: dict) -> dict:
        sent = self._date_sent(m)
        return {
            "sid": m["sid"], "account_sid": SID, "to": m["to"], "from": m["from"],
            "body": m["body"], "status": "sent" if sent else "queued",
            "direction": "outbound-api",
            "messaging_service_sid": m["messaging_service_sid"], "num_segments": "1",
            "date_created": format_datetime(m["date_created"], usegmt=True),
            "date_sent": format_datetime(sent, usegmt=True) if sent else None,
            "error_code": None, "error_message": None,
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{SID}/Messages/{m['sid']}.json",
        }

    def _list(self, query) -> tuple[int, dict, dict]:
        to = (query.get("To") or [None])[0]
        since = (query.get("DateSent>") or [None])[0]
        size = int((query.get("PageSize") or ["50"])[0])
        page = int((query.get("Page") or ["0"])[0])
        with self.lock:
            found = [m for m in reversed(self.messages)
                     if (to is None or m["to"] == to)
                     and (since is None or ((sent := self._date_sent(m)) is not None
                                           and sent.strftime("%Y-%m-%d") >= since))]
        chunk = found[page * size:(page + 1) * size]
        base = f"/2010-04-01/Accounts/{SID}/Messages.json"
        more = (page + 1) * size < len(found)
        extra = f"&To={quote(to)}" if to else ""
        return 200, {}, {
            "messages": [self._resource(m) for m in chunk],
            "page": page, "page_size": size, "start": page * size,
            "end": page * size + len(chunk) - 1, "uri": base,
            "first_page_uri": f"{base}?PageSize={size}&Page=0{extra}",
            "previous_page_uri": None,
            "next_page_uri": f"{base}?PageSize={size}&Page={page + 1}{extra}"
            + (f"&DateSent%3E={since}" if since else "") if more else None,
        }
