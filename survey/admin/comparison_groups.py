"""The platform operator's page for comparison groups (/staff/operator/groups): make a group,
invite an organisation, take one out. The same services as `flask kto groups`; an invited
organisation takes part only after its own administrator agreed (survey/admin/comparisons.py).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from survey.admin import bp
from survey.admin.messages import show_on_form
from survey.admin.permissions import requires
from survey.errors import ServiceError
from survey.services import comparisons, organisations


class GroupForm(FlaskForm):
    code = StringField(
        _l("Code"), validators=[DataRequired(), Length(max=40)],
        description=_l("Lower-case letters, digits and hyphens, e.g. regio-oost."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class InviteForm(FlaskForm):
    group = SelectField(_l("Group"), choices=[], validate_choice=False)
    organisation = SelectField(_l("Organisation"), choices=[], validate_choice=False)


class RemoveForm(FlaskForm):
    group = StringField(validators=[DataRequired()])
    organisation = StringField(validators=[DataRequired()])


def _forms(group_form=None, invite_form=None):
    found = comparisons.groups()
    invite = invite_form or InviteForm(formdata=None)
    invite.group.choices = [(g.slug, g.name) for g, _ in found]
    invite.organisation.choices = [(o.slug, o.name) for o in organisations.overview()]
    return found, group_form or GroupForm(formdata=None), invite


def _page(group_form=None, invite_form=None, status=200):
    found, group_form, invite_form = _forms(group_form, invite_form)
    return render_template(
        "admin/comparisons/operator.html",
        groups=found,
        group_form=group_form,
        invite_form=invite_form,
    ), status


@bp.get("/operator/groups")
@requires("operator")
def operator_groups():
    return _page()


@bp.post("/operator/groups")
@requires("operator")
def operator_group_create():
    form = GroupForm()
    if not form.validate_on_submit():
        return _page(group_form=form, status=422 if form.errors else 400)
    try:
        comparisons.create_group(form.code.data, form.name.data, actor=current_user)
    except ServiceError as error:
        show_on_form(form, error)
        return _page(group_form=form, status=error.status)
    flash(_("The comparison group has been made."))
    return redirect(url_for("admin.operator_groups"), 303)


@bp.post("/operator/groups/invite")
@requires("operator")
def operator_group_invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(invite_form=form, status=400)
    try:
        comparisons.invite(form.group.data, form.organisation.data, actor=current_user)
    except ServiceError as error:
        show_on_form(form, error)
        return _page(invite_form=form, status=error.status)
    flash(_("The organisation has been invited; it takes part once an administrator agrees."))
    return redirect(url_for("admin.operator_groups"), 303)


@bp.post("/operator/groups/remove")
@requires("operator")
def operator_group_remove():
    form = RemoveForm()
    if form.validate_on_submit():
        try:
            comparisons.remove(form.group.data, form.organisation.data, actor=current_user)
        except ServiceError as error:
            return _page(status=error.status)
        flash(_("The organisation has been taken out of the group."))
    return redirect(url_for("admin.operator_groups"), 303)
