"""POST /webhooks/whatsapp answered in front of Flask's request handling.

Meta sends one delivery per message and per status, so this one endpoint carries most of the
platform's requests. It needs none of what Flask's request cycle does for a page or the API:
no session, no CSRF, no locale, no Content-Security-Policy on an empty 200, no rate limit (the
signature proves the sender; a stranger gets a 403 after one HMAC and nothing is read), no
API key. So this WSGI wrapper (installed by create_app, outermost) takes exactly
`POST /webhooks/whatsapp` and does only the delivery's own work, in this order:

1. a body size limit (MAX_BODY, 413 above it), read once, raw;
2. X-Hub-Signature-256 checked on those bytes (403 and nothing read without a valid one);
3. the JSON parsed by the app's strict parser (survey.security.StrictJSONProvider; anything it
   refuses is treated as a delivery without events: 200, nothing kept);
4. the events kept once (survey.services.whatsapp_inbox.take_in: one transaction) and the new
   ones queued for the worker, in an application context;
5. 200 only after that commit; an unavailable database is a 503 with Retry-After and any
   other error a 500 (Meta delivers again later; the keys make the retry change nothing).

Every answer carries `X-Content-Type-Options: nosniff` and `Cache-Control: no-store`; the
request's latency goes to the same Prometheus histogram as every other endpoint's, and an
answer other than 200 is logged. Every other request goes to Flask unchanged.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from flask import Flask

from survey.webhooks.signatures import meta_valid

PATH = "/webhooks/whatsapp"
ENDPOINT = "webhooks.whatsapp_events"
MAX_BODY = 3 * 1024 * 1024  # Meta's deliveries are small; a batch stays far below this
STATUSES = {200: "200 OK", 400: "400 Bad Request", 403: "403 Forbidden",
            413: "413 Content Too Large", 500: "500 Internal Server Error",
            503: "503 Service Unavailable"}
HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0"),
           ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store")]
log = logging.getLogger(__name__)


class WhatsAppEntry:
    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        from survey.metrics import LATENCY

        started = time.perf_counter()
        status = self.answer(environ)
        headers = HEADERS + ([("Retry-After", "30")] if status == 503 else [])
        start_response(STATUSES[status], headers)
        LATENCY.labels(ENDPOINT, "POST").observe(time.perf_counter() - started)
        if status != 200:
            log.warning("POST %s %s", PATH, status, extra={"status": status,
                                                            "endpoint": ENDPOINT})
        return [b""]

    def answer(self, environ) -> int:
        body = _body(environ)
        if body is None:
            return 413
        if not meta_valid(body, self.app.config.get("WHATSAPP_APP_SECRET"),
                          environ.get("HTTP_X_HUB_SIGNATURE_256")):
            return 403
        try:
            document = self.app.json.loads(body)
        except (ValueError, UnicodeDecodeError):  # JSONRefused is a ValueError
            document = None
        from survey import tasks
        from survey.database import unavailable
        from survey.domain.whatsapp import read_webhook
        from survey.services import whatsapp_inbox

        try:
            events = read_webhook(document)  # pure; a part of the wrong type reads as absent
            if not events:
                return 200
            with self.app.app_context():
                ids = whatsapp_inbox.take_in(events, datetime.now(UTC))
                if ids:
                    tasks.process_whatsapp(ids)
        except Exception as error:  # noqa: BLE001 - Meta delivers again on any non-2xx
            if unavailable(error):
                log.warning("Database unavailable: %s", error)
                return 503
            log.exception("WhatsApp delivery not kept")
            return 500
        return 200


def _body(environ) -> bytes | None:
    """The raw body, or None when it is larger than MAX_BODY."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return None
    stream = environ["wsgi.input"]
    if length:
        return stream.read(length)
    if not environ.get("wsgi.input_terminated"):
        return b""  # no length and no terminated stream (as werkzeug): no body
    body = stream.read(MAX_BODY + 1)
    return None if len(body) > MAX_BODY else body


def install(app: Flask) -> None:
    app.wsgi_app = WhatsAppEntry(app, app.wsgi_app)
