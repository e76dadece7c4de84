"""The webhook views: parse, prove, call one service, answer as the provider expects."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from flask import abort, current_app, render_template, request

from survey.services import delivery_reports
from survey.services.delivery_reports import Report
from survey.webhooks import bp
from survey.webhooks.signatures import secret_matches, twilio_valid

# Twilio MessageStatus → our report state (queued, sending, sent tell nothing new).
TWILIO_STATES = {"delivered": "delivered", "undelivered": "failed", "failed": "failed",
                 "accepted": "accepted", "sent": "accepted"}
# CM.com status codes: 0 accepted by the operator, 1 rejected, 2 delivered, 3 failed.
CM_STATES = {"0": "accepted", "1": "failed", "2": "delivered", "3": "failed"}


def _now() -> datetime:
    return datetime.now(UTC)


def _twilio_proven() -> None:
    """403 unless X-Twilio-Signature signs the URL Twilio called and the form."""
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    query = request.query_string.decode()
    url = f"{public}{request.path}" + (f"?{query}" if query else "")
    params = list(request.form.items(multi=True))
    if not twilio_valid(url, params, current_app.config.get("TWILIO_AUTH_TOKEN"),
                        request.headers.get("X-Twilio-Signature")):
        abort(403)


@bp.post("/sms/twilio/status")
def twilio_status():
    _twilio_proven()
    state = TWILIO_STATES.get(request.form.get("MessageStatus", ""))
    if state:
        delivery_reports.record_report(Report(
            provider="twilio", state=state, message_id=request.form.get("MessageSid"),
            reference=request.args.get("ref"), error=request.form.get("ErrorCode"),
        ), _now())
    return "", 204


@bp.post("/sms/twilio/inbound")
def twilio_inbound():
    _twilio_proven()
    result = delivery_reports.inbound_sms(request.form.get("From", ""),
                                          request.form.get("Body", ""), _now())
    reply = f"<Message>{escape(result.acknowledge)}</Message>" if result.acknowledge else ""
    xml = f'<?xml version="1.0" encoding="UTF-8"?><Response>{reply}</Response>'
    return xml, 200, {"Content-Type": "text/xml; charset=utf-8"}


def _cm_proven(secret: str) -> None:
    if not secret_matches(secret, current_app.config.get("CM_WEBHOOK_SECRET")):
        abort(403)


@bp.post("/sms/cm/<secret>/status")
def cm_status(secret: str):
    _cm_proven(secret)
    data = request.get_json(silent=True)
    messages = data.get("messages") if isinstance(data, dict) else None
    msgs = messages.get("msg") if isinstance(messages, dict) else None
    for msg in msgs if isinstance(msgs, list) else [msgs]:
        if not isinstance(msg, dict):
            abort(400)
        status = msg.get("status") or {}
        if not isinstance(status, dict):
            abort(400)
        state = CM_STATES.get(str(status.get("code")))
        if state and msg.get("reference"):
            delivery_reports.record_report(Report(
                provider="cmcom", state=state, reference=str(msg["reference"]),
                error=str(status.get("errorCode") or "") or None,
            ), _now())
    return "", 204


@bp.post("/sms/cm/<secret>/inbound")
def cm_inbound(secret: str):
    _cm_proven(secret)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    sender, message = data.get("from") or {}, data.get("message") or {}
    if not isinstance(sender, dict) or not isinstance(message, dict):
        abort(400)
    sender, text = sender.get("number", ""), message.get("text", "")
    result = delivery_reports.inbound_sms(str(sender), str(text), _now())
    if result.acknowledge:  # CM.com has no reply in the answer: a message of its own
        delivery_reports.acknowledge_by_sms(str(sender), result.acknowledge)
    return "", 200


@bp.get("/email/unsubscribe/<token>")
def unsubscribe_page(token: str):
    return render_template("webhooks/unsubscribe.html", token=token, done=False)


@bp.post("/email/unsubscribe/<token>")
def unsubscribe(token: str):
    delivery_reports.unsubscribe(token, _now())  # NotFound (404) for an unknown token
    return render_template("webhooks/unsubscribe.html", token=token, done=True)


@bp.get("/whatsapp")
def whatsapp_verify():
    """Meta's handshake when the webhook is set up: the challenge back, only for our token."""
    token = current_app.config.get("WHATSAPP_VERIFY_TOKEN")
    given = request.args.get("hub.verify_token")
    if request.args.get("hub.mode") != "subscribe" or not secret_matches(given, token):
        abort(403)
    challenge = request.args.get("hub.challenge", "")
    if not challenge or len(challenge) > 200:
        abort(400)
    return challenge, 200, {"Content-Type": "text/plain; charset=utf-8"}


# POST /whatsapp (Meta's deliveries) is answered before Flask's request handling:
# survey/webhooks/whatsapp_entry.py.
