"""An organisation's landing page, and the platform operator's list of organisations."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from survey.admin import bp
from survey.admin.permissions import requires
from survey.services import organisations


@bp.get("/<org>/")
@requires("viewer")
def org_home():
    """The organisation's first page: its dashboard."""
    return redirect(url_for("admin.dashboard"))


@bp.get("/operator/organisations")
@requires("operator")
def operator_organisations():
    """Every organisation of the instance (created with `flask kto org create`)."""
    return render_template(
        "admin/operator_organisations.html", organisations=organisations.overview()
    )
