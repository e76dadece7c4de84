"""Privacy (administrators): how long comments are kept, and the retention job's runs with
what each step erased."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from survey.admin import bp
from survey.admin.messages import MESSAGES, show_on_form
from survey.admin.permissions import current_organisation, requires
from survey.errors import ServiceError
from survey.services import retention

MESSAGES["invalid_retention"] = _l(
    "The retention period is %(min)s to %(max)s months.",
    min=retention.MIN_MONTHS, max=retention.MAX_MONTHS,
)

STEPS = {
    "comments": _l("Comments scrubbed"),
    "stored_reports": _l("Stored reports without comments"),
    "invitation_addresses": _l("Invitation addresses erased (all organisations)"),
    "delivery_errors": _l("Provider error texts shortened (all organisations)"),
    "callback_details": _l("Callback contact details erased (all organisations)"),
    "case_notes": _l("Notes of closed callback cases erased (all organisations)"),
}


class RetentionForm(FlaskForm):
    comment_retention_months = IntegerField(
        _l("Keep comments for (months)"),
        description=_l("Citizens' free-text comments older than this are deleted by the daily "
                       "retention job; the answers' scores and every report figure stay. "
                       "Default 24 months."),
        validators=[InputRequired(),
                    NumberRange(retention.MIN_MONTHS, retention.MAX_MONTHS)],
    )


def _page(form: RetentionForm, status: int = 200):
    try:
        page = max(1, min(int(request.args.get("page", 1)), 1_000_000))
    except ValueError:
        page = 1
    found = retention.runs(page)
    organisation = current_organisation()
    rows = []
    for run in found[: retention.PAGE_SIZE]:
        counts = run.counts or {}
        own = (counts.get("organisations") or {}).get(str(organisation.id), {})
        totals = counts.get("totals") or {}
        shown = []
        for name, count in totals.items():
            value = own.get(name, 0) if name in ("comments", "stored_reports") else count
            shown.append((str(STEPS.get(name, name)), value))
        rows.append((run, shown))
    return render_template(
        "admin/privacy.html", form=form, runs=rows, page=page,
        more=len(found) > retention.PAGE_SIZE,
    ), status


@bp.get("/<org>/privacy")
@requires("admin")
def privacy():
    organisation = current_organisation()
    form = RetentionForm(
        formdata=None, comment_retention_months=organisation.comment_retention_months
    )
    return _page(form)


@bp.post("/<org>/privacy")
@requires("admin")
def privacy_save():
    form = RetentionForm()
    if not form.validate_on_submit():
        return _page(form, 422 if form.errors else 400)
    try:
        retention.set_retention(
            current_user, current_organisation().id, form.comment_retention_months.data
        )
    except ServiceError as error:
        show_on_form(form, error)
        return _page(form, error.status)
    flash(_("The retention period has been saved."))
    return redirect(url_for("admin.privacy"), 303)
