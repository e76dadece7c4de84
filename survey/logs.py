"""Structured logs: one JSON object a line, each carrying the request id of its request.

The request id is the caller's `X-Request-ID` when it is a short token (a proxy such as nginx
sets one), otherwise a fresh random one; it is sent back in the response's `X-Request-ID`, so
a client's report, nginx's log and ours can be matched. `LOG_FORMAT=json` (the default outside
development and tests) switches the app's log lines to JSON.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HANDLER_NAME = "kto-json"


def request_id() -> str | None:
    if not has_request_context():
        return None
    return g.get("kto_request_id")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time, level, logger, message, request id and, inside a
    request, its method and path; an exception's traceback as `exc`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry.update(request_id=request_id(), method=request.method, path=request.path)
        for key in ("status", "duration_ms", "endpoint"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def use_json(level: int = logging.INFO) -> None:
    """Write the root logger's lines as JSON to stderr (once per process)."""
    root = logging.getLogger()
    if any(h.get_name() == HANDLER_NAME for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)


def init_app(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") == "json":
        use_json()
    requests_log = logging.getLogger("kto.requests")

    @app.before_request
    def _request_id():
        given = request.headers.get("X-Request-ID", "")
        g.kto_request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        g.kto_request_started = time.perf_counter()

    @app.after_request
    def _send_request_id(response):
        rid = g.get("kto_request_id")
        if rid:
            response.headers["X-Request-ID"] = rid
            started = g.get("kto_request_started")
            requests_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "endpoint": request.endpoint,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2)
                    if started
                    else None,
                },
            )
        return response
