"""The monthly reports of an organisation: list, one report with charts, downloads."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, render_template, stream_with_context

from survey.admin import bp
from survey.admin.permissions import allows, current_organisation, may_read_comments, requires
from survey.reports import follow_up, funnel
from survey.services import period_reports, reports


@bp.get("/<org>/reports")
@requires("viewer")
def report_list():
    """Every stored monthly report of the organisation."""
    listing = reports.reports_for(current_organisation().id)
    runs = period_reports.runs_for(current_organisation().id)
    return render_template("admin/reports.html", reports=listing, runs=runs)


@bp.get("/<org>/reports/<int:report_id>")
@requires("viewer")
def report_page(report_id: int):
    """One report: its charts (SVG) and downloads."""
    # A NotFound from the service is rendered by survey.error_responses (a 404 page).
    report = reports.report_of(current_organisation().id, report_id)
    data = reports.stored_data(report)
    tables = reports.spreadsheet.tables(data)
    if not may_read_comments():
        tables.pop("comments", None)
    return render_template(
        "admin/report.html",
        report=report,
        data=data,
        tables=tables,
        charts=reports.charts.CHARTS,
        report_texts=reports.texts,
        funnel=funnel,
        follow_up=follow_up,
    )


@bp.get("/<org>/reports/<int:report_id>/<kind>", defaults={"name": ""})
@bp.get("/<org>/reports/<int:report_id>/<kind>/<name>")
@requires("viewer")
def report_file(report_id: int, kind: str, name: str):
    """A download (pdf, xlsx, csv/<table>, responses) or a chart (svg/<name>)."""
    if kind == "responses" and not allows("analyst"):
        abort(403)  # raw responses (with comments) are for analysts and administrators
    found = reports.download(
        current_organisation().id, report_id, kind, name, comments=may_read_comments()
    )
    headers = {"X-Content-Type-Options": "nosniff"}
    if found.filename:
        headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    body = found.body
    if isinstance(body, Iterator):
        # Streamed after this view returns: keep the request (and app) context for it.
        body = stream_with_context(body)
    return Response(body, mimetype=found.mimetype, headers=headers)
