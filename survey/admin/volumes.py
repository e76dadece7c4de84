"""Staff pages: contact volumes per channel and month. A form for one figure, a CSV upload
(every bad line reported, nothing stored unless all lines are good) and a chart of the
volumes next to the response counts, with the same figures as a table.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from survey.admin import bp
from survey.admin.config_views import REFUSED, actor, attempt, done, options, org_id
from survey.admin.permissions import requires
from survey.domain.channels import CONTACT_CHANNELS
from survey.reports import texts
from survey.reports.period import AMSTERDAM
from survey.services import volume_chart, volumes

MAX_UPLOAD = 512 * 1024
MONTH = Regexp(r"^\d{4}-\d{2}$", message=_l("Give a month as 2026-10."))


def channel_choices():
    return [(c, texts.channel_name(c, _locale())) for c in CONTACT_CHANNELS]


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "nl")


class VolumeForm(FlaskForm):
    month = StringField(_l("Month"), validators=[DataRequired(), Length(max=7), MONTH],
                        description=_l("As 2026-10."))
    contact_channel = SelectField(_l("Channel"))
    count = IntegerField(
        _l("Number of contacts"),
        validators=[InputRequired(), NumberRange(min=0, max=volumes.MAX_COUNT)],
    )


class UploadForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l("Columns month,contact_channel,count; one line per month and channel, "
                       "for example 2026-10,phone,9000."),
    )


def _this_month() -> date:
    now = datetime.now(AMSTERDAM)
    return date(now.year, now.month, 1)


def _channel_filter() -> str | None:
    asked = request.args.get("channel")
    return asked if asked in CONTACT_CHANNELS else None


def _page(form=None, upload=None, line_errors=(), status=200):
    form = form or VolumeForm(data={"month": f"{_this_month():%Y-%m}"})
    form.contact_channel.choices = options(channel_choices())
    channel = _channel_filter()
    rows = volume_chart.overview(org_id(), _this_month(), channel)
    return render_template(
        "admin/config/volumes.html",
        form=form,
        upload=upload or UploadForm(),
        line_errors=line_errors,
        rows=list(reversed(rows)),
        channel=channel,
        channels=channel_choices(),
    ), status


@bp.get("/<org>/volumes", endpoint="volumes")
@requires("admin")
def volumes_page():
    """The volumes per month (one channel or all) beside the responses, and the two forms."""
    return _page()


@bp.post("/<org>/volumes")
@requires("admin")
def volume_set():
    form = VolumeForm()
    form.contact_channel.choices = options(channel_choices())
    if form.validate_on_submit() and attempt(form, lambda: volumes.save_volume(
        org_id(), actor(), form.month.data, form.contact_channel.data, form.count.data
    )):
        return done(_("Volume saved."), "admin.volumes")
    return _page(form=form, status=REFUSED)


@bp.post("/<org>/volumes/upload")
@requires("admin")
def volume_upload():
    upload = UploadForm()
    line_errors = []
    if upload.validate_on_submit():
        raw = upload.file.data.read(MAX_UPLOAD + 1)
        try:
            if len(raw) > MAX_UPLOAD:
                upload.file.errors = [_("The file may be at most 512 KB.")]
            else:
                stored = volumes.upload_csv(org_id(), actor(), raw.decode("utf-8"))
                return done(_("%(n)d volumes stored.", n=stored), "admin.volumes")
        except UnicodeDecodeError:
            upload.file.errors = [_("The file is not UTF-8 text (save it as CSV UTF-8).")]
        except volumes.CsvInvalid as error:
            upload.file.errors = [_("Nothing was stored: correct the lines below.")]
            line_errors = error.lines
        except volumes.Invalid as error:
            upload.file.errors = [error.message]
    return _page(upload=upload, line_errors=line_errors, status=REFUSED)


@bp.get("/<org>/volumes/chart.svg")
@requires("admin")
def volume_chart_svg():
    rows = volume_chart.overview(org_id(), _this_month(), _channel_filter())
    svg = volume_chart.chart_svg(
        rows, _locale(), (_("Contacts"), _("Responses")), _("not entered")
    )
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
