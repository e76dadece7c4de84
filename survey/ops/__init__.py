"""Operations endpoints: readiness for load balancers and Prometheus metrics."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from survey.ops import routes  # noqa: E402,F401
