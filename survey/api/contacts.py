"""Contacts in (POST /api/v1/contacts) and the invitation funnel out (GET /api/v1/funnel)."""

from __future__ import annotations

from flask import current_app, jsonify, request
from werkzeug.exceptions import BadRequest

from survey.api import bp
from survey.api.auth import require_api_key
from survey.api.routes import _json_body
from survey.models.types import utcnow
from survey.reports.period import parse_month
from survey.services.contacts import receive_contacts
from survey.services.funnel import funnel


def _limit_contacts_body():
    request.max_content_length = current_app.config["CONTACTS_MAX_BODY_BYTES"]


def _result(result) -> dict:
    return {
        "id": result.id,
        "reference": result.reference,
        "uuid": result.uuid,
        "created": result.created,
        "outcome": result.outcome,
        "due_at": result.due_at.isoformat() if result.due_at else None,
        "sms_refused": result.sms_refused,
    }


@bp.post("/contacts")
def post_contacts():
    """One contact (an object) or a batch (a list, or {"contacts": [...]}), all or nothing."""
    organisation = require_api_key()
    _limit_contacts_body()
    payload = _json_body()
    single = isinstance(payload, dict) and "contacts" not in payload
    if isinstance(payload, dict) and "contacts" in payload:
        if set(payload) != {"contacts"}:
            raise BadRequest('A batch is {"contacts": [...]} with nothing else.')
        payload = payload["contacts"]
    results = receive_contacts(
        organisation.id, [payload] if single else payload, utcnow(), batch=not single
    )
    created = any(r.created for r in results)
    if single:
        return jsonify(_result(results[0])), 201 if created else 200
    body = {
        "created": sum(r.created for r in results),
        "existing": sum(not r.created for r in results),
        "contacts": [_result(r) for r in results],
    }
    return jsonify(body), 201 if created else 200


@bp.get("/funnel")
def get_funnel():
    """The invitation funnel of the key's organisation in one month, per contact channel."""
    organisation = require_api_key()
    raw = request.args.get("month")
    if raw is None:
        raise BadRequest("'month' is required, e.g. ?month=2026-10.")
    try:
        month = parse_month(raw)
    except ValueError as error:
        raise BadRequest(str(error)) from None
    return jsonify(funnel(organisation.id, month).to_dict())
