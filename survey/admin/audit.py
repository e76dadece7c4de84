"""The audit log (administrators): read it page by page, download it as CSV. There is no
route that changes or deletes an entry."""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context

from survey.admin import bp
from survey.admin.permissions import current_organisation, requires
from survey.services import audit


@bp.get("/<org>/audit")
@requires("admin")
def audit_log():
    try:
        page = max(1, min(int(request.args.get("page", 1)), 1_000_000))
    except ValueError:
        page = 1
    found = audit.entries(current_organisation().id, page)
    return render_template(
        "admin/audit.html",
        entries=found[: audit.PAGE_SIZE],
        more=len(found) > audit.PAGE_SIZE,
        page=page,
        changes=audit.changes,
    )


@bp.get("/<org>/audit.csv")
@requires("admin")
def audit_csv():
    organisation = current_organisation()
    return Response(
        stream_with_context(audit.csv_lines(organisation.id)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="kto-{organisation.slug}-audit.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )
