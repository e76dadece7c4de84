"""Staff pages: "Maak rapport" on the dashboard queues a report of the view's period and
filters to the worker; its page shows the progress (static/js/report-progress.js asks
status.json, without script the page has a refresh link) and then the download."""

from __future__ import annotations

from flask import Response, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from survey import tasks
from survey.admin import bp
from survey.admin.permissions import current_organisation, requires
from survey.services import period_reports

DASHBOARD_ARGS = ("period", "at", "from", "to", "channel", "mode", "location", "unit", "topic")


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "nl"


@bp.post("/<org>/dashboard/report")
@requires("viewer")
def dashboard_report():
    """Queue the report of the dashboard's period and filters; go to its progress page."""
    args = {k: request.form.get(k, "") for k in DASHBOARD_ARGS}
    run = period_reports.request(current_organisation(), args, _language(), current_user.id)
    run_id = run.id
    tasks.build_requested_report(run_id)
    return redirect(url_for("admin.report_run", run_id=run_id), code=303)


def status(run) -> dict:
    """What the progress page shows, also as status.json."""
    texts = {
        "queued": _("Waiting for the worker…"),
        "running": _("Building the report: %(percent)s%%", percent=run.progress),
        "done": _("The report is ready."),
        "failed": _("The report could not be made."),
    }
    done = run.state == "done"
    return {
        "state": run.state,
        "progress": 100 if done else run.progress,
        "text": texts.get(run.state, run.state),
        "download": url_for("admin.report_run_pdf", run_id=run.id) if done else None,
    }


@bp.get("/<org>/report-runs/<int:run_id>")
@requires("viewer")
def report_run(run_id: int):
    """A queued report: its progress, then its download."""
    run = period_reports.run_of(current_organisation().id, run_id)
    return render_template("admin/report_run.html", run=run, status=status(run))


@bp.get("/<org>/report-runs/<int:run_id>/status.json")
@requires("viewer")
def report_run_status(run_id: int):
    run = period_reports.run_of(current_organisation().id, run_id)
    response = jsonify(status(run))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<org>/report-runs/<int:run_id>/pdf")
@requires("viewer")
def report_run_pdf(run_id: int):
    run = period_reports.run_of(current_organisation().id, run_id)
    if run.state != "done" or run.pdf is None:
        return redirect(url_for("admin.report_run", run_id=run_id))
    name = period_reports.filename(run)
    return Response(
        run.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.get("/<org>/report-runs/<int:run_id>/xlsx")
@requires("viewer")
def report_run_xlsx(run_id: int):
    """The report's tables (one sheet each; a year report's trend with the year before)."""
    run = period_reports.run_of(current_organisation().id, run_id)
    if run.state != "done" or run.xlsx is None:
        return redirect(url_for("admin.report_run", run_id=run_id))
    name = period_reports.filename(run, "xlsx")
    return Response(
        run.xlsx,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
