"""An organisation's settings (administrators): name, default language, time zone, complaint
page, report subscribers, and the logo on reports (PNG or SVG, checked)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    URLField,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from survey.admin import bp
from survey.admin.messages import show_on_form
from survey.admin.permissions import current_organisation, requires
from survey.errors import ServiceError
from survey.services import logos, members, organisations


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SettingsForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    default_language = SelectField(
        _l("Default language"),
        choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")],  # own names
        description=_l("The language of reports and e-mails unless someone chooses another."),
    )
    timezone = SelectField(_l("Time zone"), choices=[])
    complaint_url = URLField(
        _l("Complaint page"),
        description=_l("The web address of your complaint form; citizens who are unhappy are "
                       "pointed to it. Starts with https://."),
        validators=[Length(max=500)],
    )
    subscribers = MultiCheckboxField(
        _l("Monthly report by e-mail to"), coerce=int, choices=[], validate_choice=False
    )
    viewers_see_comments = BooleanField(
        _l("Viewers may read comments"),
        description=_l("Analysts and administrators always see citizens' comments; viewers "
                       "only when this is on (on the report page, in the PDF, XLSX and CSV "
                       "files and on the dashboard)."),
    )
    open_data = BooleanField(
        _l("Publish the monthly figures as open data"),
        description=_l("Anyone may then read the headline figures per channel of every "
                       "monthly report (satisfied with interval, n, NPS; no comments, no "
                       "figures from fewer than 10 responses) on a public page under /open/, "
                       "as CSV and as JSON. Off by default."),
    )


class LogoForm(FlaskForm):
    logo = FileField(
        _l("Logo for reports"),
        description=_l("A PNG or SVG file of at most %(kb)s KB.", kb=logos.MAX_BYTES // 1024),
        validators=[FileRequired(_l("Choose a file."))],
    )


class RemoveLogoForm(FlaskForm):
    """Only the CSRF token."""


def _settings_form(formdata=True) -> SettingsForm:
    organisation = current_organisation()
    active = [m for m in members.members(organisation.id) if m.active]
    kwargs = {} if formdata else {"formdata": None}
    form = SettingsForm(
        obj=organisation,
        subscribers=[m.user_id for m in active if m.receives_reports],
        **kwargs,
    )
    form.timezone.choices = [SelectChoice(z, z) for z in organisations.timezones()]
    form.subscribers.choices = [SelectChoice(m.user_id, m.email) for m in active]
    return form


def _page(form: SettingsForm, logo_form: LogoForm, status: int = 200):
    return render_template(
        "admin/settings.html",
        form=form,
        logo_form=logo_form,
        remove_form=RemoveLogoForm(formdata=None),
        organisation=current_organisation(),
    ), status


@bp.get("/<org>/settings")
@requires("admin")
def settings():
    return _page(_settings_form(formdata=False), LogoForm(formdata=None))


@bp.post("/<org>/settings")
@requires("admin")
def settings_save():
    form = _settings_form()
    if not form.validate_on_submit():
        return _page(form, LogoForm(formdata=None), 422 if form.errors else 400)
    try:
        organisations.update_settings(
            current_user,
            current_organisation().id,
            name=form.name.data,
            default_language=form.default_language.data,
            timezone=form.timezone.data,
            complaint_url=form.complaint_url.data or "",
            subscribers=set(form.subscribers.data or []),
            viewers_see_comments=bool(form.viewers_see_comments.data),
            open_data=bool(form.open_data.data),
        )
    except ServiceError as error:
        show_on_form(form, error)
        return _page(form, LogoForm(formdata=None), error.status)
    flash(_("The settings have been saved."))
    return redirect(url_for("admin.settings"), 303)


@bp.post("/<org>/settings/logo")
@requires("admin")
def settings_logo():
    form = LogoForm()
    if not form.validate_on_submit():
        return _page(_settings_form(formdata=False), form, 422 if form.errors else 400)
    data = form.logo.data.stream.read(logos.MAX_BYTES + 1)
    try:
        organisations.set_logo(
            current_user, current_organisation().id, data, form.logo.data.filename or ""
        )
    except ServiceError as error:
        show_on_form(form, error)
        return _page(_settings_form(formdata=False), form, error.status)
    flash(_("The logo has been saved."))
    return redirect(url_for("admin.settings"), 303)


@bp.post("/<org>/settings/logo/remove")
@requires("admin")
def settings_logo_remove():
    if RemoveLogoForm().validate_on_submit():
        organisations.remove_logo(current_user, current_organisation().id)
        flash(_("The logo has been removed."))
    return redirect(url_for("admin.settings"), 303)


@bp.get("/<org>/settings/logo")
@requires("viewer")
def settings_logo_file():
    """The stored logo, as an image that can run nothing (sandboxed, no scripts)."""
    organisation = current_organisation()
    if organisation.logo is None:
        abort(404)
    response = Response(organisation.logo, mimetype=organisation.logo_type)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = "attachment"
    return response
