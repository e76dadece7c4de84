"""Alerts: the rules with their settings and the alert log (analysts and administrators), and
one rule's settings form (administrators). The rules run on the worker (survey/tasks.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from survey.admin import bp
from survey.admin.messages import MESSAGES, show_on_form
from survey.admin.permissions import allows, current_organisation, requires
from survey.domain.alerts import MAX_COOLDOWN_MINUTES, RULES
from survey.errors import ServiceError
from survey.services import alert_mail, alert_rules

MESSAGES.update({
    "invalid_recipients": _l("Give e-mail addresses, separated by commas or new lines."),
    "invalid_cooldown": _l("The cooldown is a number of minutes from 0 to %(max)s.",
                           max=MAX_COOLDOWN_MINUTES),
})

LABELS = {
    "window_minutes": _l("Window (minutes)"),
    "min_responses": _l("At least this many answers"),
    "negative_share": _l("Share negative (%)"),
    "weeks_before": _l("Compared with this many weeks before"),
    "alpha": _l("Significance level (%)"),
    "minutes": _l("Minutes of opening hours"),
    "growth": _l("Queue grew by at least"),
    "min_refused": _l("At least this many refused answers"),
    "min_failures": _l("At least this many failed messages"),
    "failure_share": _l("Share failed (%)"),
}


def _form_class(rule: str):
    spec = RULES[rule]
    fields = {
        "enabled": BooleanField(_l("On")),
        "cooldown_minutes": IntegerField(
            _l("Cooldown (minutes)"),
            description=_l("After an alert, the same alert about the same place is not sent "
                           "again within this time."),
            validators=[InputRequired(), NumberRange(0, MAX_COOLDOWN_MINUTES)],
        ),
        "recipients": TextAreaField(
            _l("E-mail to"),
            description=_l("E-mail addresses, separated by commas or new lines. Empty: the "
                           "alert is only written to the alert log."),
        ),
    }
    for t in spec.thresholds:
        scale = 100 if t.share else 1
        fields[t.name] = DecimalField(
            LABELS[t.name],
            validators=[InputRequired(), NumberRange(t.minimum * scale, t.maximum * scale)],
            places=None,
        )
    return type(f"AlertRuleForm_{rule}", (FlaskForm,), fields)


def _rule_or_404(rule: str) -> str:
    if rule not in RULES:
        abort(404)
    return rule


def _form(rule: str, formdata=True):
    state = alert_rules.rules_of(current_organisation().id)[rule]
    data = {
        "enabled": state.enabled,
        "cooldown_minutes": state.cooldown_minutes,
        "recipients": "\n".join(state.recipients),
    }
    for t in RULES[rule].thresholds:
        value = round(state.thresholds[t.name] * (100 if t.share else 1), 4)
        data[t.name] = int(value) if value == int(value) else value
    kwargs = {} if formdata else {"formdata": None}
    return _form_class(rule)(data=data, **kwargs)


def threshold_text(rule: str, thresholds: dict) -> list[tuple[str, str]]:
    out = []
    for t in RULES[rule].thresholds:
        value = thresholds[t.name]
        shown = f"{value * 100:g}%" if t.share else f"{int(value)}"
        out.append((str(LABELS[t.name]), shown))
    return out


@bp.get("/<org>/alerts")
@requires("analyst")
def alert_log():
    try:
        page = max(1, min(int(request.args.get("page", 1)), 1_000_000))
    except ValueError:
        page = 1
    organisation = current_organisation()
    found = alert_rules.events(organisation.id, page)
    return render_template(
        "admin/alerts.html",
        rules=alert_rules.rules_of(organisation.id),
        events=found[: alert_rules.PAGE_SIZE],
        more=len(found) > alert_rules.PAGE_SIZE,
        page=page,
        title=alert_mail.title,
        subject_name=lambda subject: alert_mail.subject_name(organisation.id, subject),
        description=alert_mail.description,
        threshold_text=threshold_text,
        may_edit=allows("admin"),
    )


def _edit_page(rule: str, form, status: int = 200):
    return render_template(
        "admin/alert_rule.html", rule=rule, form=form, title=alert_mail.title(rule),
        thresholds=[form[t.name] for t in RULES[rule].thresholds],
    ), status


@bp.get("/<org>/alerts/rules/<rule>")
@requires("admin")
def alert_rule(rule: str):
    return _edit_page(_rule_or_404(rule), _form(rule, formdata=False))


@bp.post("/<org>/alerts/rules/<rule>")
@requires("admin")
def alert_rule_save(rule: str):
    rule = _rule_or_404(rule)
    form = _form(rule)
    if not form.validate_on_submit():
        return _edit_page(rule, form, 422 if form.errors else 400)
    thresholds = {}
    for t in RULES[rule].thresholds:
        value = float(form[t.name].data)
        thresholds[t.name] = value / 100 if t.share else value
    try:
        recipients = alert_rules.parse_recipients(form.recipients.data or "")
        alert_rules.save_rule(
            current_user, current_organisation().id, rule,
            enabled=bool(form.enabled.data), cooldown_minutes=form.cooldown_minutes.data,
            thresholds=thresholds, recipients=recipients,
        )
    except ServiceError as error:
        show_on_form(form, error)
        return _edit_page(rule, form, error.status)
    flash(_("The alert rule has been saved."))
    return redirect(url_for("admin.alert_log"), 303)
