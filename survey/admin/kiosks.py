"""Staff pages: kiosk devices. Add one (its enrolment QR on screen and as a PDF to print),
the list with last heartbeat, queue, refused answers and app version, rename, move, revoke.

The enrolment token is shown once, in the answer to the POST that made it; only its hash is
stored. The PDF is asked for with the token in a POST body (never in an address), and only
while the link still works.
"""

from __future__ import annotations

from flask import Response, current_app, render_template
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from kiosk import qr
from survey.admin import bp
from survey.admin.config_views import REFUSED, actor, attempt, done, options, org_id
from survey.admin.permissions import requires
from survey.services import kiosk_admin, places, widget_sites


class DeviceForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=100)],
        description=_l("A name staff recognise, e.g. 'Town hall, exit'."),
    )
    location_id = SelectField(_l("Location"), coerce=int)
    survey_id = SelectField(_l("Survey"), coerce=int)


class ActionForm(FlaskForm):
    """Only the CSRF token: revoke, new enrolment link."""


class PdfForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Length(max=100)])


def _choices(form: DeviceForm) -> DeviceForm:
    form.location_id.choices = options([(0, _("(no location)"))] + [
        (loc.id, loc.name) for loc in places.locations(org_id())
    ])
    form.survey_id.choices = options(
        [(s.id, s.name) for s, _widget in widget_sites.sites(org_id())]
    )
    return form


def _link(token: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/kiosk/enrol/{token}"


def _enrolment_page(enrolment):
    link = _link(enrolment.token)
    label = _("QR code to enrol the tablet %(name)s", name=enrolment.name)
    svg = Markup(qr.inline_svg(link, label))  # noqa: S704 - qrcode's own markup, label escaped
    return render_template(
        "admin/config/kiosk_enrolment.html",
        enrolment=enrolment,
        link=link,
        svg=svg,
        pdf_form=PdfForm(data={"token": enrolment.token}),
    ), 200, {"Cache-Control": "no-store"}


@bp.get("/<org>/kiosks")
@requires("admin")
def kiosk_list():
    """The organisation's devices with their health, and a form to add one."""
    return _list(_choices(DeviceForm()))


def _list(form, status=200):
    return render_template(
        "admin/config/kiosks.html", devices=kiosk_admin.devices(org_id()), form=form
    ), status


@bp.post("/<org>/kiosks")
@requires("admin")
def kiosk_create():
    form = _choices(DeviceForm())
    made = []
    if form.validate_on_submit() and attempt(form, lambda: made.append(kiosk_admin.add_device(
        org_id(), actor(), form.name.data, form.location_id.data or None, form.survey_id.data
    ))):
        return _enrolment_page(made[0])
    return _list(form, REFUSED)


@bp.route("/<org>/kiosks/<int:device_id>", methods=["GET", "POST"])
@requires("admin")
def kiosk_edit(device_id: int):
    """Rename a device or move it to another location or survey."""
    device = kiosk_admin.device(org_id(), device_id)
    form = DeviceForm(data={
        "name": device.name, "location_id": device.location_id or 0, "survey_id": device.survey_id
    })
    if form.is_submitted():
        form = DeviceForm()
    _choices(form)
    if form.validate_on_submit() and attempt(form, lambda: kiosk_admin.update_device(
        org_id(), actor(), device_id, form.name.data, form.location_id.data or None,
        form.survey_id.data,
    )):
        return done(_("Device saved."), "admin.kiosk_list")
    return render_template(
        "admin/config/kiosk.html",
        device=device,
        state=kiosk_admin.state_of(device),
        form=form,
        action=ActionForm(),
    ), (REFUSED if form.errors else 200)


@bp.post("/<org>/kiosks/<int:device_id>/revoke")
@requires("admin")
def kiosk_revoke(device_id: int):
    kiosk_admin.device(org_id(), device_id)  # another organisation's device: 404
    if not ActionForm().validate_on_submit():
        return done(_("Not done: the form had expired. Try again."), "admin.kiosk_edit",
                    device_id=device_id)
    kiosk_admin.revoke(org_id(), actor(), device_id)
    return done(_("Device revoked: it no longer accepts answers."), "admin.kiosk_list")


@bp.post("/<org>/kiosks/<int:device_id>/enrolment")
@requires("admin")
def kiosk_enrolment(device_id: int):
    """A new one-time link (the tablet that uses it replaces the one before)."""
    kiosk_admin.device(org_id(), device_id)
    if not ActionForm().validate_on_submit():
        return done(_("Not done: the form had expired. Try again."), "admin.kiosk_edit",
                    device_id=device_id)
    return _enrolment_page(kiosk_admin.new_enrolment(org_id(), actor(), device_id))


@bp.post("/<org>/kiosks/<int:device_id>/enrolment.pdf")
@requires("admin")
def kiosk_enrolment_pdf(device_id: int):
    """The enrolment QR as a PDF to print, while the link still works (else 410)."""
    kiosk_admin.device(org_id(), device_id)
    form = PdfForm()
    if not form.validate_on_submit():
        return done(_("Not done: the form had expired. Try again."), "admin.kiosk_edit",
                    device_id=device_id)
    enrolment = kiosk_admin.enrolment_for(org_id(), device_id, form.token.data)
    until = format_datetime(enrolment.expires_at, "short")
    body = qr.pdf(
        _link(enrolment.token),
        _("Kiosk %(name)s", name=enrolment.name),
        [
            _("1. Open the camera on the tablet and scan this code, or type the address below."),
            _("2. The tablet shows the survey: it is ready."),
            _("This code works once, until %(until)s.", until=until),
        ],
    )
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="kiosk-{device_id}-enrolment.pdf"',
        "Cache-Control": "no-store",
    })
