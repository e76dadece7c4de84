"""Callbacks from providers and mail clients under /webhooks (no session, no CSRF).

- `/webhooks/sms/twilio/status`, `/webhooks/sms/twilio/inbound`: Twilio, proven by
  X-Twilio-Signature (signatures.py); 403 and nothing changed without a valid one.
- `/webhooks/sms/cm/<secret>/status`, `/webhooks/sms/cm/<secret>/inbound`: CM.com, which
  signs nothing; the secret in the URL (CM_WEBHOOK_SECRET) is the proof.
- `/webhooks/whatsapp`: Meta's WhatsApp Cloud API. GET is the verification handshake
  (WHATSAPP_VERIFY_TOKEN); POSTs are proven by X-Hub-Signature-256 (WHATSAPP_APP_SECRET) on
  the raw body, kept once per message id and processed on the worker; the POST is answered in
  front of Flask's request handling (whatsapp_entry.py: no session, headers or rate limit).
- `/webhooks/email/unsubscribe/<token>`: RFC 8058 one-click unsubscribe (POST), with a page
  and a button for a person who opens the address (GET never unsubscribes: link checkers).
Views parse, call one service (survey/services/delivery_reports.py) and answer.
"""

from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

from survey.webhooks import routes  # noqa: E402,F401
