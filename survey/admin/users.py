"""An organisation's users (administrators): invite, change role, deactivate, send a
one-time password link."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Length

from survey.admin import bp
from survey.admin.messages import show_on_form, text
from survey.admin.permissions import current_organisation, requires
from survey.errors import ServiceError
from survey.models.membership import ROLES
from survey.services import members, password_links


def role_choices():
    from survey.admin.staff_session import role_name

    return [SelectChoice(role, role_name(role)) for role in reversed(ROLES)]


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=[],
        default="viewer",
        description=_l("Administrator: everything. Analyst: reports, exports, comments. "
                       "Viewer: reports only."),
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[])


class ActionForm(FlaskForm):
    """Only the CSRF token (deactivate, send a link)."""


def _forms(invite: InviteForm | None = None):
    invite = invite or InviteForm(prefix="invite")
    invite.role.choices = role_choices()
    return invite


def _page(
    invite: InviteForm,
    status: int = 200,
    link: str | None = None,
    link_for=None,
    refused: RoleForm | None = None,
):
    listing = members.members(current_organisation().id)
    role_forms = {}
    for member in listing:
        form = RoleForm(prefix=f"m{member.user_id}", formdata=None, role=member.role)
        form.role.choices = role_choices()
        role_forms[member.user_id] = form
    if refused is not None:
        role_forms[int(refused._prefix[1:-1])] = refused
    return render_template(
        "admin/users.html",
        members=listing,
        invite=invite,
        role_forms=role_forms,
        action=ActionForm(formdata=None),
        link=link,
        link_for=link_for,
    ), status


@bp.get("/<org>/users")
@requires("admin")
def users():
    """The organisation's members and the invitation form."""
    return _page(_forms())


def _after_link(result: members.Invited, done: str):
    if result.mailed:
        flash(_("%(done)s A link to set a password was e-mailed to %(email)s.",
                done=done, email=result.email))
        return redirect(url_for("admin.users"))
    if result.token:
        flash(done)
        # Shown once on this page, never stored in the session cookie.
        return _page(_forms(), 200, password_links.link(result.token), result.email)
    flash(_("%(done)s No e-mail could be sent (mail is not configured); the user can ask "
            "for a new link on the login page once mail works.", done=done))
    return redirect(url_for("admin.users"))


@bp.post("/<org>/users")
@requires("admin")
def invite_user():
    """Invite someone by e-mail address with a role."""
    form = _forms()
    if not form.validate_on_submit():
        return _page(form, 422 if form.errors else 400)
    try:
        result = members.invite(
            current_user, current_organisation().id, form.email.data, form.role.data
        )
    except ServiceError as error:
        show_on_form(form, error)
        return _page(form, error.status)
    done = _("%(email)s is now a member.", email=result.email)
    if result.token is None and not result.mailed:
        flash(done)
        return redirect(url_for("admin.users"))
    return _after_link(result, done)


@bp.post("/<org>/users/<int:user_id>/role")
@requires("admin")
def change_role(user_id: int):
    form = RoleForm(prefix=f"m{user_id}")
    form.role.choices = role_choices()
    if not form.validate_on_submit():
        members.member(current_organisation().id, user_id)  # another organisation's id: 404
        return _page(_forms(), 422, refused=form)
    try:
        members.change_role(current_user, current_organisation().id, user_id, form.role.data)
    except ServiceError as error:
        if error.status == 404:
            raise
        show_on_form(form, error)
        return _page(_forms(), error.status, refused=form)
    else:
        flash(_("The role has been changed."))
    return redirect(url_for("admin.users"), 303)


@bp.post("/<org>/users/<int:user_id>/deactivate")
@requires("admin")
def deactivate_user(user_id: int):
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.users"), 303)
    try:
        members.deactivate(current_user, current_organisation().id, user_id)
    except ServiceError as error:
        if error.status == 404:
            raise
        flash(text(error))
    else:
        flash(_("The user has been deactivated and has no access any more."))
    return redirect(url_for("admin.users"), 303)


@bp.post("/<org>/users/<int:user_id>/password-link")
@requires("admin")
def send_password_link(user_id: int):
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.users"), 303)
    result = members.send_reset(current_user, current_organisation().id, user_id)
    return _after_link(result, _("A new password link was made."))
