"""Staff pages: targets and service norms per channel and measure, from a start month.

The monthly report judges each target as met / not met, uncertain when the norm lies in the
95% interval (survey/reports/builder.py).
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from survey.admin import bp
from survey.admin.config_views import REFUSED, actor, attempt, done, options, org_id
from survey.admin.permissions import requires
from survey.admin.volumes import channel_choices
from survey.services import targets as service
from survey.services.scoped import owned

MEASURES = {
    "satisfied": _l("Share satisfied (%)"),
    "yes_share": _l("Share 'yes' to a yes/no question (%)"),
    "nps": _l("NPS (-100 to 100)"),
}


class TargetForm(FlaskForm):
    measure = SelectField(_l("Measure"), choices=options(MEASURES.items()))
    contact_channel = SelectField(_l("Channel"))
    question_key = SelectField(
        _l("Question"), validators=[Optional()],
        description=_l("Only for the share 'yes': which yes/no question."),
    )
    value = DecimalField(
        _l("Norm"), places=None, validators=[InputRequired()],
        description=_l("A percentage such as 90, or an NPS such as 0."),
    )
    start_month = StringField(
        _l("From month"),
        validators=[Optional(), Length(max=7),
                    Regexp(r"^\d{4}-\d{2}$", message=_l("Give a month as 2026-10."))],
        description=_l("As 2026-01. Empty: every month."),
    )
    label_nl = StringField(_l("Label in Dutch"), validators=[DataRequired(), Length(max=200)])
    label_en = StringField(_l("Label in English"), validators=[DataRequired(), Length(max=200)])


class ActionForm(FlaskForm):
    """Only the CSRF token: delete."""


def _choices(form: TargetForm) -> TargetForm:
    form.contact_channel.choices = options([("", _("All channels"))] + channel_choices())
    form.question_key.choices = options(
        [("", _("(none)"))] + [(k, k) for k in service.yes_no_questions(org_id())]
    )
    return form


def _call(form: TargetForm, function, *ids):
    return lambda: function(
        org_id(), actor(), *ids, form.measure.data, form.contact_channel.data or None,
        form.question_key.data or None, float(form.value.data), form.start_month.data or None,
        form.label_nl.data, form.label_en.data,
    )


def _data(target) -> dict:
    return {
        "measure": target.measure,
        "contact_channel": target.contact_channel or "",
        "question_key": target.question_key or "",
        "value": service.norm_value(target),
        "start_month": f"{target.start_month:%Y-%m}" if target.start_month else "",
        "label_nl": target.label_nl,
        "label_en": target.label_en,
    }


def _list(form, status=200):
    return render_template(
        "admin/config/targets.html",
        targets=service.targets(org_id()),
        form=form,
        measures=MEASURES,
        channels=dict(channel_choices()),
        norm=service.norm_value,
    ), status


@bp.get("/<org>/targets", endpoint="targets")
@requires("admin")
def target_list():
    """The organisation's targets and a form to add one."""
    return _list(_choices(TargetForm()))


@bp.post("/<org>/targets")
@requires("admin")
def target_create():
    form = _choices(TargetForm())
    if form.validate_on_submit() and attempt(form, _call(form, service.create_target)):
        return done(_("Target added."), "admin.targets")
    return _list(form, REFUSED)


@bp.route("/<org>/targets/<int:target_id>", methods=["GET", "POST"])
@requires("admin")
def target_edit(target_id: int):
    from survey.models import ReportTarget

    target = owned(ReportTarget, org_id(), target_id)
    form = TargetForm() if TargetForm().is_submitted() else TargetForm(data=_data(target))
    _choices(form)
    if form.validate_on_submit() and attempt(form, _call(form, service.update_target, target_id)):
        return done(_("Target saved."), "admin.targets")
    return render_template(
        "admin/config/target.html", target=target, form=form, action=ActionForm()
    ), (REFUSED if form.errors else 200)


@bp.post("/<org>/targets/<int:target_id>/delete")
@requires("admin")
def target_delete(target_id: int):
    from survey.models import ReportTarget

    owned(ReportTarget, org_id(), target_id)
    if not ActionForm().validate_on_submit():
        return done(_("Not done: the form had expired. Try again."), "admin.target_edit",
                    target_id=target_id)
    service.delete_target(org_id(), actor(), target_id)
    return done(_("Target deleted."), "admin.targets")
