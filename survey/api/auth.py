"""Authentication of API callers by bearer key."""

from flask import request
from werkzeug.exceptions import Unauthorized

from survey.models import Organisation
from survey.services.apikeys import organisation_for_key


def require_api_key() -> Organisation:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    organisation = organisation_for_key(key.strip()) if scheme.lower() == "bearer" else None
    if organisation is None:
        raise Unauthorized("A valid API key is required: 'Authorization: Bearer <key>'.")
    return organisation
