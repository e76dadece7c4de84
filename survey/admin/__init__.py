"""Staff pages: login, the monthly reports of the user's own organisation, downloads."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff")

from survey.admin import routes  # noqa: E402,F401
