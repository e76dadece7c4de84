"""/readyz and /metrics: parse, call one service, render."""

from __future__ import annotations

import hmac

from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import Unauthorized

from survey import metrics
from survey.ops import bp
from survey.services.status import readiness


@bp.get("/readyz")
def ready():
    """Can this node take traffic: its database answers and the task queue is reachable."""
    checks = readiness()
    ok = all(value == "ok" for value in checks.values())
    response = jsonify({"status": "ready" if ok else "unavailable", **checks})
    response.status_code = 200 if ok else 503
    if not ok:
        response.headers["Retry-After"] = "5"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def prometheus():
    """Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer` it."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise Unauthorized("Send the metrics token as a bearer token.")
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
