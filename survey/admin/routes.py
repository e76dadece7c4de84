"""Staff views: parse, call one service, render."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from urllib.parse import urlsplit

from flask import (
    Response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from survey.admin import bp
from survey.admin.forms import LoginForm, LogoutForm
from survey.extensions import login_manager
from survey.reports import funnel
from survey.services import reports, users


@login_manager.user_loader
def _load_user(user_id: str):
    return users.load_user(user_id)


def _safe_next(target: str | None) -> str:
    """A local path only: browsers drop tabs and newlines and read a backslash as a slash, so
    "/\tevil.example" or "/\\evil.example" would leave the site; such a target is ignored."""
    default = url_for("admin.report_list")
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if any(c == "\\" or c.isspace() or unicodedata.category(c)[0] == "C" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with e-mail address and password."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        error = _("E-mail address or password is not correct.")
    status = 401 if error else (400 if form.errors else 200)
    return render_template("admin/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    """Log out (a POST with a CSRF token)."""
    if LogoutForm().validate_on_submit():
        users.end_sessions(current_user.id)
        logout_user()
    return redirect(url_for("admin.login"))


@bp.get("/reports")
@login_required
def report_list():
    """Every stored monthly report of the user's organisation."""
    listing = reports.reports_for(current_user.organisation_id)
    return render_template("admin/reports.html", reports=listing, logout=LogoutForm())


@bp.get("/reports/<int:report_id>")
@login_required
def report_page(report_id: int):
    """One report: its charts (SVG) and downloads."""
    # A NotFound from the service is rendered by survey.error_responses (a 404 page).
    report = reports.report_of(current_user.organisation_id, report_id)
    data = reports.stored_data(report)
    return render_template(
        "admin/report.html",
        report=report,
        data=data,
        tables=reports.spreadsheet.tables(data),
        charts=reports.charts.CHARTS,
        report_texts=reports.texts,
        funnel=funnel,
        logout=LogoutForm(),
    )


@bp.get("/reports/<int:report_id>/<kind>", defaults={"name": ""})
@bp.get("/reports/<int:report_id>/<kind>/<name>")
@login_required
def report_file(report_id: int, kind: str, name: str):
    """A download (pdf, xlsx, csv/<table>, responses) or a chart (svg/<name>)."""
    found = reports.download(current_user.organisation_id, report_id, kind, name)
    headers = {"X-Content-Type-Options": "nosniff"}
    if found.filename:
        headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    body = found.body
    if isinstance(body, Iterator):
        # Streamed after this view returns: keep the request (and app) context for it.
        body = stream_with_context(body)
    return Response(body, mimetype=found.mimetype, headers=headers)
