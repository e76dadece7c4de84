"""API views: parse the request, call one service, render JSON."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, datetime

from flask import Response, current_app, jsonify, request, stream_with_context
from werkzeug.exceptions import BadRequest, NotFound, UnsupportedMediaType

from survey import safetext
from survey.api import bp
from survey.api.auth import require_api_key
from survey.api.openapi import openapi_document
from survey.channels.ingest import receive
from survey.services import exports, surveys, volumes


@bp.before_request
def _limit_body():
    request.max_content_length = current_app.config["API_MAX_BODY_BYTES"]


def _json_body():
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    payload = request.get_json(silent=True)
    if payload is None:
        raise BadRequest("The body is not valid JSON.")
    return payload


@bp.post("/responses")
def post_response():
    """Store one response proven by its channel; the same id and payload again returns its id."""
    recorded, extra = receive(
        _json_body(), request.headers, skew_seconds=current_app.config["CLOCK_SKEW_SECONDS"]
    )
    body = {"id": recorded.id, "uuid": recorded.uuid, "created": recorded.created, **extra}
    return jsonify(body), 201 if recorded.created else 200


def _moment(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        # In UTC here, so a moment whose UTC time lies outside years 1-9999 is refused now,
        # not when the database driver converts it.
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadRequest(f"'{name}' must be an ISO 8601 date or timestamp.") from None


@bp.get("/responses")
def export_responses():
    """The organisation's responses as JSON lines (default) or CSV."""
    organisation = require_api_key()
    fmt = request.args.get("format", "jsonl")
    if fmt not in ("jsonl", "csv"):
        raise BadRequest("'format' must be jsonl or csv.")
    survey_slug = request.args.get("survey")
    records = exports.iter_responses(
        organisation.id, _moment("since"), _moment("until"), survey_slug
    )
    if fmt == "jsonl":
        lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        return Response(stream_with_context(lines), mimetype="application/x-ndjson")
    keys = exports.question_keys(organisation.id, survey_slug)
    return Response(
        stream_with_context(_csv_lines(records, keys)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={organisation.slug}-responses.csv"},
    )


@bp.get("/volumes")
def list_volumes():
    """The organisation's stored contact volumes per month and channel."""
    organisation = require_api_key()
    rows = volumes.list_volumes(
        organisation.slug, request.args.get("since"), request.args.get("until")
    )
    return jsonify({"organisation": organisation.slug, "volumes": rows})


def _csv_lines(records, keys):
    """Machine-readable CSV (comma, dot, codes), with text cells neutralised against
    formula injection and control characters (survey.safetext)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(exports.BASE_COLUMNS + [f"answer.{k}" for k in keys])
    for record in records:
        answers = record["answers"]
        row = [record[c] for c in exports.BASE_COLUMNS] + [_cell(answers.get(k)) for k in keys]
        writer.writerow([safetext.spreadsheet_value(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


@bp.get("/surveys/<org>/<survey>")
def survey_config(org: str, survey: str):
    """The newest version of a survey as front ends need it, cacheable."""
    config = surveys.public_config(org, survey)
    if config is None:
        raise NotFound(f"No survey '{survey}' for organisation '{org}'.")
    body = json.dumps(config, ensure_ascii=False, sort_keys=True)
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document())
