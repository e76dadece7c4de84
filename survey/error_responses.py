"""The one renderer of refused requests: service errors, the domain's ValidationError and HTTP
errors become the API's JSON error `{"error": code, "message": text, "field": name}`, or form
errors on pages.

Registered on the app (init_app), so every blueprint answers the same way: under the JSON paths
(/api/..., /kiosk/api/...) always JSON; elsewhere an HTTP error keeps werkzeug's page and a
service error that a view did not catch becomes the HTTP error of its status.
"""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, jsonify, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
    default_exceptions,
)
from wtforms import Field, Form

from survey import metrics
from survey.database import unavailable
from survey.domain.errors import ValidationError
from survey.errors import ServiceError

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5  # a database restart or a freed disk usually takes a few seconds

JSON_PATHS = ("/api/", "/kiosk/api/")

# Machine codes for HTTP errors raised by views or by werkzeug itself (404, 405, 413 ...).
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}
UNAVAILABLE_MESSAGE = "The database is not available right now; nothing was stored. Try again."


def describe(error: Exception) -> tuple[int, str, str, str | None]:
    """(status, code, message, field) of a refused request."""
    if isinstance(error, ServiceError):
        return error.status, error.code, error.message, error.field
    if isinstance(error, ValidationError):
        return 422, error.code, error.message, error.field
    if isinstance(error, HTTPException):
        status = error.code or 500
        return status, HTTP_CODES.get(status, "http_error"), error.description or error.name, None
    return 500, "internal_error", InternalServerError.description, None


def json_error(status: int, code: str, message: str, field: str | None = None):
    """The API's JSON error with its status."""
    metrics.refused(status, code)
    response = jsonify({"error": code, "message": message, "field": field})
    response.status_code = status
    return response


def error_json(error: Exception):
    """The JSON error response for a ServiceError, ValidationError or HTTPException."""
    return json_error(*describe(error))


def add_form_error(form: Form, error: Exception) -> None:
    """Show a refused request on a WTForms form: on the field it names, else on the form."""
    _status, _code, message, field = describe(error)
    target = getattr(form, field, None) if field else None
    if isinstance(target, Field):
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)


def wants_json() -> bool:
    return request.path.startswith(JSON_PATHS)


def _render(error: Exception):
    if wants_json():
        return error_json(error)
    if isinstance(error, HTTPException):
        return error
    status, _code, message, _field = describe(error)
    return default_exceptions.get(status, InternalServerError)(description=message)


def _database_error(error: Exception):
    """A database that is away or cannot write (PostgreSQL restarting, too many connections,
    a read-only or full SQLite file) is a 503 with Retry-After, never a 500: the client keeps
    its answer and sends it again. Other database errors are faults and go on as before."""
    if not unavailable(error):
        raise error
    from survey.extensions import db

    try:
        db.session.rollback()  # the session is usable again for the next request of this thread
    except Exception:  # noqa: BLE001  (the database is away: nothing to roll back)
        log.debug("Rollback after an unavailable database failed", exc_info=True)
    log.warning("Database unavailable: %s", error)
    response = _render(ServiceUnavailable(UNAVAILABLE_MESSAGE))
    if not wants_json():
        response = response.get_response()
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_errors() -> tuple[type[Exception], ...]:
    """The database error classes of SQLAlchemy and of the drivers (the ingest runs the
    driver itself, survey.database.DriverWrite)."""
    classes: list[type[Exception]] = [sa_exc.DBAPIError, sa_exc.TimeoutError, sqlite3.Error]
    try:
        import psycopg

        classes.append(psycopg.Error)
    except ImportError:  # only SQLite installed
        pass
    return tuple(classes)


def init_app(app: Flask) -> None:
    app.register_error_handler(ServiceError, _render)
    app.register_error_handler(ValidationError, _render)
    app.register_error_handler(HTTPException, _render)
    for error_class in database_errors():
        app.register_error_handler(error_class, _database_error)
