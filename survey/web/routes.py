"""Start page and health check."""

from flask import jsonify, redirect, render_template

from survey.services.complaints import complaint_page
from survey.services.overview import public_overview
from survey.services.status import worker_state
from survey.web import bp


@bp.get("/")
def home():
    """What this installation offers, with links for staff and developers."""
    return render_template("home.html", overview=public_overview())


@bp.get("/healthz")
def health():
    """Liveness and worker state for load balancers and monitoring."""
    worker = worker_state()
    return jsonify(
        {
            "status": "ok",
            "worker_running": worker.running,
            "worker_last_seen": worker.last_seen.isoformat() if worker.last_seen else None,
        }
    )


@bp.get("/k/<org>")
def complaint_redirect(org: str):
    """The short link on the kiosk's thank-you screen: on to the organisation's complaint
    page (404 when it has none). Nothing is recorded."""
    return redirect(complaint_page(org), code=302)
