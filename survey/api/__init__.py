"""The JSON API under /api/v1, used by every front end."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from survey.api import contacts, routes  # noqa: E402,F401
