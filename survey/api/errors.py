"""Every API error is JSON: {"error": code, "message": text, "field": name}."""

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from survey.api import bp
from survey.domain import ValidationError
from survey.services.errors import Conflict, Forbidden


def error_response(status: int, code: str, message: str, field: str | None = None):
    response = jsonify({"error": code, "message": message, "field": field})
    response.status_code = status
    return response


@bp.errorhandler(ValidationError)
def _validation(error: ValidationError):
    return error_response(422, error.code, error.message, error.field)


@bp.errorhandler(Conflict)
def _conflict(error: Conflict):
    return error_response(409, error.code, error.message, error.field)


@bp.errorhandler(Forbidden)
def _forbidden(error: Forbidden):
    return error_response(403, error.code, error.message)


def http_error(error: HTTPException):
    """JSON for HTTP errors anywhere under /api/ (404 and 405 never reach the blueprint)."""
    code = {
        400: "bad_request",
        401: "unauthorized",
        404: "not_found",
        405: "method_not_allowed",
        413: "body_too_large",
        415: "unsupported_media_type",
        429: "rate_limited",
    }.get(error.code, "http_error")
    return error_response(error.code, code, error.description or error.name)


def wants_json_error() -> bool:
    return request.path.startswith("/api/")
