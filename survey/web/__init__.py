"""Public pages: the start page that shows what runs here."""

from flask import Blueprint

bp = Blueprint("web", __name__)

from survey.web import routes  # noqa: E402,F401
