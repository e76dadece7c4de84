"""The one error hierarchy of services: a machine code, a human message and the field at fault.

Services raise these (never werkzeug or HTTP types); one renderer turns them into the API's JSON
error and into form errors on pages. The domain's own ValidationError (pure, in
survey/domain/errors.py) is rendered like Invalid.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A request a service refuses. `status` is only a hint for renderers."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class Invalid(ServiceError):
    """The input does not fit (types, ranges, unknown names)."""

    status = 422


class NotFound(ServiceError):
    """What was asked for does not exist, or not for this caller."""

    status = 404


class Conflict(ServiceError):
    """The request clashes with what is stored (e.g. a reused response id)."""

    status = 409


class Forbidden(ServiceError):
    """The caller is known but may not do this, or could not prove where it comes from."""

    status = 403


class Unauthorized(ServiceError):
    """The caller did not identify itself (no or an unknown key, device secret or token)."""

    status = 401


class Gone(ServiceError):
    """A one-time link or token that was used, revoked or has expired."""

    status = 410


class Unavailable(ServiceError):
    """The service cannot do this now or in this installation (a missing setting)."""

    status = 503
