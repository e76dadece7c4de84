"""A fake Meta Graph API for WhatsApp: POST /v{ver}/{phone-number-id}/messages, and the
webhook deliveries Meta signs (messages and statuses), built as Meta documents them.

Send: bearer token (else 401, code 190 OAuthException), JSON with messaging_product
"whatsapp", `to`, and a `text`, `interactive` (button: 1-3 replies, titles ≤ 20; list: rows
≤ 10, titles ≤ 24; body ≤ 1,024) or `template` (a known name and language) message; answered
200 {"messaging_product", "contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid..."}]}.
Errors as Graph errors: {"error": {"message", "type", "code", "error_data": {"messaging_product",
"details"}, "fbtrace_id"}}: 100 invalid parameter, 131009 parameter value, 131047
re-engagement (a free-form message to a number whose 24-hour window is closed, when
`window_errors` is "http"; with "status" the message is accepted and a failed status with
131047 follows), 131026 undeliverable, 132001 unknown template, 130429 rate limit, 131000.
Webhooks: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, app secret>`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import threading
import time

from tests.fakes.server import FakeServer

TOKEN = "fake-meta-access-token"
APP_SECRET = "fake-meta-app-secret"
VERIFY_TOKEN = "fake-verify-token"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "31970102030405"
WABA_ID = "102290129340398"
VERSION = "v21.0"


def graph_error(status: int, code: int, message: str, details: str = "",
                type_: str = "OAuthException") -> tuple[int, dict, dict]:
    return status, {}, {"error": {
        "message": f"(#{code}) {message}", "type": type_, "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details or message},
        "fbtrace_id": "AbCdEfGhIjKlMnOp"}}


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery(value: dict, phone_number_id: str = PHONE_NUMBER_ID) -> dict:
    """One webhook delivery around a `value` (messages or statuses)."""
    return {"object": "whatsapp_business_account", "entry": [{
        "id": WABA_ID, "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": DISPLAY_NUMBER,
                         "phone_number_id": phone_number_id},
            **value}}]}]}


_ids = itertools.count(1)


def wamid() -> str:
    return f"wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQz{next(_ids):012d}"


def inbound(sender: str, kind: str, *, text: str = "", reply_id: str = "", title: str = "",
            context: str | None = None, message_id: str | None = None,
            phone_number_id: str = PHONE_NUMBER_ID, name: str = "Inwoner") -> dict:
    """A delivery with one message from `sender` (digits): kind text, button (a template's
    quick reply), button_reply or list_reply (interactive), or image (not an answer)."""
    message: dict = {"from": sender, "id": message_id or wamid(),
                     "timestamp": str(int(time.time()))}
    if context:
        message["context"] = {"from": DISPLAY_NUMBER, "id": context}
    if kind == "text":
        message.update(type="text", text={"body": text})
    elif kind == "button":
        message.update(type="button", button={"payload": reply_id, "text": title})
    elif kind in ("button_reply", "list_reply"):
        reply = {"id": reply_id, "title": title}
        if kind == "list_reply":
            reply["description"] = ""
        message.update(type="interactive", interactive={"type": kind, kind: reply})
    else:
        message.update(type="image", image={"mime_type": "image/jpeg", "sha256": "x",
                                            "id": "1234567890"})
    return delivery({"contacts": [{"profile": {"name": name}, "wa_id": sender}],
                     "messages": [message]}, phone_number_id)


def status(message_id: str, state: str, recipient: str, error: int | None = None,
           phone_number_id: str = PHONE_NUMBER_ID) -> dict:
    """A delivery with one status: sent, delivered, read or failed (with Meta's error)."""
    entry: dict = {"id": message_id, "status": state, "timestamp": str(int(time.time())),
                   "recipient_id": recipient}
    if state in ("sent", "delivered"):
        entry["conversation"] = {"id": "CONVERSATION_ID",
                                 "origin": {"type": "utility"}}
        entry["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "utility"}
    if error is not None:
        titles = {131047: "Re-engagement message", 131026: "Message undeliverable"}
        entry["errors"] = [{"code": error, "title": titles.get(error, "Error"),
                            "message": titles.get(error, "Error"),
                            "error_data": {"details": titles.get(error, "Error")},
                            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/"
                                    "support/error-codes/"}]
    return delivery({"statuses": [entry]}, phone_number_id)


def signed_post(payload: dict, secret: str = APP_SECRET) -> dict:
    """Keyword arguments for a client's post: the exact bytes and their signature."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return {"data": body, "headers": {"Content-Type": "application/json",
                                      "X-Hub-Signature-256": sign(body, secret)}}


class FakeGraph(FakeServer):
    def __init__(self, latency: float = 0.0, templates=("kto_na_contact",),
                 window_errors: str = "http"):
        super().__init__(latency)
        self.templates = set(templates)
        self.window_errors = window_errors  # "http" (400) or "status" (failed webhook)
        self.open_windows: set[str] = set()  # numbers that wrote to us within 24 hours
        self.undeliverable: set[str] = set()
        self.webhook_url: str | None = None  # where statuses are posted (a live app)
        self.id_lock = threading.Lock()

    def config(self) -> dict:
        return {"WHATSAPP_PROVIDER": "meta", "WHATSAPP_ACCESS_TOKEN": TOKEN,
                "WHATSAPP_APP_SECRET": APP_SECRET, "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
                "WHATSAPP_API_BASE": self.base_url, "WHATSAPP_API_VERSION": VERSION}

    def sent_to(self, number: str) -> list[dict]:
        with self.lock:
            return [m for m in self.messages if m["to"] == number.lstrip("+")]

    def handle(self, request, method):
        found = re.fullmatch(r"/(v\d+\.\d+)/([0-9A-Za-z_-]+)/messages", request.path)
        if method != "POST" or not found:
            return graph_error(400, 100, "Unsupported request", type_="GraphMethodException")
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        try:
            body = json.loads(request.body)
        except ValueError:
            return graph_error(400, 100, "Invalid parameter", "The request body is not JSON.")
        problem = self._invalid(body)
        if problem:
            return graph_error(400, *problem)
        mode = self.next_mode()
        if mode == "500":
            return graph_error(500, 131000, "Something went wrong")
        if mode == "429":
            status_, headers, err = graph_error(429, 130429, "Rate limit hit")
            return status_, {"Retry-After": str(self.retry_after)}, err
        if mode == "timeout_unaccepted":
            return None, {}, None
        if mode == "invalid":
            return graph_error(400, 100, "Invalid parameter", "Invalid 'to' parameter")
        to = body["to"].lstrip("+")
        if to in self.undeliverable:
            return graph_error(400, 131026, "Message undeliverable")
        free_form = body["type"] != "template"
        if free_form and to not in self.open_windows and self.window_errors == "http":
            return graph_error(400, 131047, "Re-engagement message",
                               "Message failed to send because more than 24 hours have passed "
                               "since the customer last replied to this number.")
        with self.id_lock:
            message_id = wamid()
        record = {"id": message_id, "to": to, "from_id": found.group(2),
                  "version": found.group(1), "type": body["type"], "body": body}
        with self.lock:
            self.messages.append(record)
        if self.webhook_url:
            if free_form and to not in self.open_windows:
                self._status(message_id, "failed", to, 131047)
            else:
                for state in ("sent", "delivered"):
                    self._status(message_id, state, to)
        if mode == "timeout":
            return None, {}, None
        return 200, {}, {"messaging_product": "whatsapp",
                         "contacts": [{"input": body["to"], "wa_id": to}],
                         "messages": [{"id": message_id}]}

    def _status(self, message_id, state, to, error=None):
        kwargs = signed_post(status(message_id, state, to, error))
        self.post_later(self.webhook_url, **kwargs)

    def _invalid(self, body) -> tuple | None:
        """(code, message, details) of the first thing the Graph API would refuse."""
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            return 100, "Invalid parameter", "messaging_product must be whatsapp"
        if not re.fullmatch(r"\+?\d{8,15}", str(body.get("to", ""))):
            return 100, "Invalid parameter", "Invalid 'to' parameter"
        kind = body.get("type")
        if kind == "text":
            text = (body.get("text") or {}).get("body")
            if not isinstance(text, str) or not text or len(text) > 4096:
                return 100, "Invalid parameter", "text.body is required, at most 4096 characters"
            return None
        if kind == "template":
            template = body.get("template") or {}
            if template.get("name") not in self.templates:
                return 132001, "Template name does not exist in the translation", \
                    f"template name ({template.get('name')}) does not exist"
            buttons = [c for c in template.get("components") or [] if c.get("type") == "button"]
            for c in buttons:
                if c.get("sub_type") != "quick_reply" or len(
                        c["parameters"][0].get("payload", "")) > 1000:
                    return 131009, "Parameter value is not valid", "button parameter"
            return None
        if kind == "interactive":
            inner = body.get("interactive") or {}
            text = (inner.get("body") or {}).get("text") or ""
            if not text or len(text) > 1024:
                return 131009, "Parameter value is not valid", "body text: 1 to 1024 characters"
            action = inner.get("action") or {}
            if inner.get("type") == "button":
                buttons = action.get("buttons") or []
                if not 1 <= len(buttons) <= 3:
                    return 131009, "Parameter value is not valid", "buttons: 1 to 3"
                if any(len(b["reply"]["title"]) > 20 or len(b["reply"]["id"]) > 256
                       for b in buttons):
                    return 131009, "Parameter value is not valid", "button title at most 20"
                return None
            if inner.get("type") == "list":
                rows = [r for s in action.get("sections") or [] for r in s.get("rows") or []]
                if not 1 <= len(rows) <= 10 or len(action.get("button") or "") > 20:
                    return 131009, "Parameter value is not valid", "list: 1 to 10 rows"
                if any(len(r["title"]) > 24 or len(r["id"]) > 200
                       or len(r.get("description", "")) > 72 for r in rows):
                    return 131009, "Parameter value is not valid", "row title at most 24"
                return None
            return 100, "Invalid parameter", "interactive.type"
        return 100, "Invalid parameter", f"type {kind!r} is not supported"
