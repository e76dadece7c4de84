"""/open: an organisation's published headline figures per month (HTML, CSV, JSON), for
municipalities that publish their service figures. Off unless the organisation's
administrator switched it on; then public, without cookies, cacheable and rate limited."""

from flask import Blueprint

bp = Blueprint("open", __name__, url_prefix="/open")

from survey.opendata import routes  # noqa: E402,F401
