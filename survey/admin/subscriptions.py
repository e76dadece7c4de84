"""Staff page "Reports by e-mail": who gets which report (month, quarter, year; of the whole
organisation or of one unit). Every member subscribes and unsubscribes themselves, for every
kind and unit (every role sees every unit on the dashboard); an administrator also adds and
removes other members' subscriptions and sees everyone's. A viewer the organisation does not
let read comments gets the monthly report without them (survey.services.subscriptions). A
new subscription is handed to the worker, which e-mails the report of the period that just
ended when it is built already (survey.services.late_reports)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from survey import tasks
from survey.admin import bp
from survey.admin.config_views import REFUSED, actor, options, org_id
from survey.admin.messages import MESSAGES, show_on_form
from survey.admin.permissions import allows, requires
from survey.errors import NotFound, ServiceError
from survey.services import members
from survey.services import subscriptions as service

KIND_NAMES = {
    "month": _l("Monthly report"),
    "quarter": _l("Quarterly report"),
    "year": _l("Annual report"),
}
MESSAGES.update({
    "already_subscribed": _l("This person already gets this report."),
    "unknown_kind": _l("Choose a monthly, quarterly or annual report."),
    "unknown_subscription": _l("This subscription does not exist (any more)."),
})


class OwnForm(FlaskForm):
    """One's own subscription: the kind and, optionally, a unit."""

    kind = SelectField(_l("Report"), validators=[InputRequired()], validate_choice=False)
    unit = SelectField(
        _l("Of"), validate_choice=False,
        description=_l("The whole organisation, or one unit (team) only."),
    )


class AddForm(OwnForm):
    """An administrator's: also the member who gets it."""

    user = SelectField(_l("Staff member"), validators=[InputRequired()],
                       validate_choice=False)


class ActionForm(FlaskForm):
    """Only the CSRF token: remove."""


def _choices(form: OwnForm) -> OwnForm:
    form.kind.choices = options(KIND_NAMES.items())
    form.unit.choices = options(
        [("", _("The whole organisation"))]
        + [(str(u.id), u.name) for u in service.units(org_id())]
    )
    if isinstance(form, AddForm):
        form.user.choices = options(
            [("", _("Choose a staff member"))]
            + [(str(m.user_id), m.email) for m in members.members(org_id()) if m.active]
        )
    return form


def _id(text: str | None) -> int | None:
    """A posted id; None for empty, -1 for anything that is not one (the service refuses)."""
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 11 else -1


def _page(own: OwnForm | None = None, add: AddForm | None = None, status: int = 200,
          problem: str | None = None):
    admin = allows("admin")
    listing = service.entries(org_id(), None if admin else current_user.id)
    monthly = [m.email for m in members.members(org_id()) if m.active and m.receives_reports]
    return render_template(
        "admin/subscriptions.html",
        entries=listing,
        own=own or _choices(OwnForm(prefix="own", formdata=None)),
        add=(add or _choices(AddForm(prefix="add", formdata=None))) if admin else None,
        action=ActionForm(formdata=None),
        kinds=KIND_NAMES,
        monthly=monthly,
        problem=problem,
    ), status


@bp.get("/<org>/subscriptions")
@requires("viewer")
def subscriptions():
    """Who gets which report by e-mail; one's own subscriptions (everyone's for admins)."""
    return _page()


def _subscribe(form: OwnForm, user_id, which: str):
    try:
        subscription = service.add(actor(), org_id(), user_id, form.kind.data,
                                   _id(form.unit.data))
    except ServiceError as error:
        show_on_form(form, error)
        return _page(**{which: form}, status=REFUSED)
    tasks.deliver_late_report(subscription.id)
    flash(_("Saved. The report is e-mailed when its period has ended; the report of the "
            "period that just ended is e-mailed now if it has been made already."))
    return redirect(url_for("admin.subscriptions"), 303)


@bp.post("/<org>/subscriptions")
@requires("viewer")
def subscription_own():
    """Subscribe oneself."""
    form = _choices(OwnForm(prefix="own"))
    if not form.validate_on_submit():
        return _page(own=form, status=REFUSED if form.errors else 400)
    return _subscribe(form, current_user.id, "own")


@bp.post("/<org>/subscriptions/add")
@requires("admin")
def subscription_add():
    """An administrator subscribes a member."""
    form = _choices(AddForm(prefix="add"))
    if not form.validate_on_submit():
        return _page(add=form, status=REFUSED if form.errors else 400)
    user_id = _id(form.user.data)
    return _subscribe(form, -1 if user_id is None else user_id, "add")


@bp.post("/<org>/subscriptions/<int:subscription_id>/remove")
@requires("viewer")
def subscription_remove(subscription_id: int):
    """Remove a subscription: one's own, or (administrators) anyone's."""
    if not ActionForm().validate_on_submit():
        return _page(status=400, problem=_("Not done: the form had expired. Try again."))
    try:
        service.remove(actor(), org_id(), subscription_id,
                       None if allows("admin") else current_user.id)
    except NotFound as error:
        return _page(status=404, problem=str(MESSAGES.get(error.code, error.message)))
    flash(_("The subscription has been removed."))
    return redirect(url_for("admin.subscriptions"), 303)
