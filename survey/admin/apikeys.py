"""An organisation's API keys (administrators): create (the key is shown once), revoke."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from survey.admin import bp
from survey.admin.messages import show_on_form
from survey.admin.permissions import current_organisation, requires
from survey.errors import ServiceError
from survey.services import apikeys


class NewKeyForm(FlaskForm):
    name = StringField(
        _l("Name"),
        description=_l("What the key is for, e.g. the telephone platform's export."),
        validators=[DataRequired(), Length(max=apikeys.NAME_MAX)],
    )


class RevokeForm(FlaskForm):
    """Only the CSRF token."""


def _page(form: NewKeyForm, status: int = 200, created: apikeys.Created | None = None):
    return render_template(
        "admin/api_keys.html",
        keys=apikeys.keys_of(current_organisation().id),
        form=form,
        created=created,
    ), status


@bp.get("/<org>/api-keys")
@requires("admin")
def api_keys():
    return _page(NewKeyForm())


@bp.post("/<org>/api-keys")
@requires("admin")
def api_key_create():
    form = NewKeyForm()
    if not form.validate_on_submit():
        return _page(form, 422 if form.errors else 400)
    try:
        created = apikeys.create(current_user, current_organisation().id, form.name.data)
    except ServiceError as error:
        show_on_form(form, error)
        return _page(form, error.status)
    # The key is on this response only; it is not stored and cannot be shown again.
    response = _page(NewKeyForm(formdata=None), 200, created)
    return response


@bp.post("/<org>/api-keys/<int:key_id>/revoke")
@requires("admin")
def api_key_revoke(key_id: int):
    if RevokeForm().validate_on_submit():
        revoked = apikeys.revoke(current_user, current_organisation().id, key_id)
        flash(_("The key %(name)s has been revoked; it no longer works.", name=revoked.label))
    return redirect(url_for("admin.api_keys"), 303)
