"""Kiosk views: parse, call one service, render."""

from __future__ import annotations

from flask import Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, Unauthorized

from kiosk import assets, bp
from kiosk.texts import kiosk_texts, title
from survey.models.types import utcnow
from survey.services import callbacks, kiosks


def _device_secret() -> str:
    secret = request.headers.get("X-Kto-Device")
    if not secret:
        raise Unauthorized("Send the device secret in X-Kto-Device.")
    return secret


def _json_body() -> dict:
    payload = request.get_json(silent=True) if request.is_json else None
    if not isinstance(payload, dict):
        raise BadRequest("Send a JSON object.")
    return payload


@bp.get("/")
def shell():
    """The app shell: the same for every device, cached by the service worker."""
    response = Response(
        render_template(
            "kiosk/app.html", version=assets.version(), texts=kiosk_texts(), title=title()
        )
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, served under /kiosk/ so its scope covers the kiosk."""
    response = Response(assets.service_worker(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/enrol/<token>")
def enrol_page(token: str):
    """Opened on the tablet: its script trades the token for the device secret."""
    response = Response(render_template("kiosk/enrol.html", version=assets.version()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/enrol")
def enrol():
    """Use a one-time enrolment token; returns the device secret once."""
    secret = kiosks.enrol(_json_body().get("token"))
    response = jsonify({"secret": secret})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/config")
def config():
    """The device's survey and settings."""
    response = jsonify(kiosks.kiosk_config(_device_secret()))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/api/heartbeat")
def heartbeat():
    """The kiosk reports its version, queue length and last submission."""
    kiosks.record_heartbeat(_device_secret(), _json_body())
    return "", 204


@bp.post("/api/callback")
def callback():
    """A callback request after a negative answer: its own idempotent request, sent after the
    response it follows (kiosk.src.js queues it behind that response)."""
    done = callbacks.kiosk_request(_device_secret(), _json_body(), utcnow())
    response = jsonify({
        "id": done.case_id,
        "due_at": done.due_at.isoformat(),
        "norm_days": done.norm_days,
    })
    response.status_code = 201 if done.created else 200
    response.headers["Cache-Control"] = "no-store"
    return response
