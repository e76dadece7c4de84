"""Start page and health check."""

from flask import jsonify, render_template

from survey.services.overview import public_overview
from survey.services.status import current_status
from survey.web import bp


@bp.get("/")
def home():
    """What this installation offers, with links for staff and developers."""
    return render_template("home.html", overview=public_overview())


@bp.get("/healthz")
def health():
    """Liveness and worker state for load balancers and monitoring."""
    state = current_status()
    return jsonify(
        {
            "status": "ok",
            "worker_running": state.worker_running,
            "worker_last_seen": state.worker_last_seen.isoformat()
            if state.worker_last_seen
            else None,
        }
    )
