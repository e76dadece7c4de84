"""Staff pages for callback cases: the list (mine, a unit's, all; overdue first; closed ones),
one case with its actions (assign, first contact, status and outcome, notes), and the
administrator's callback settings (service norm, unit inboxes, the rule per survey).

Every member (viewer and up) handles cases; the link to the anonymous response is shown to
analysts and administrators only. Views parse, call one service, render.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from survey.admin import bp
from survey.admin.config_views import REFUSED, actor, done, options, org_id
from survey.admin.messages import show_on_form
from survey.admin.permissions import allows, requires
from survey.domain import ValidationError
from survey.errors import NotFound, ServiceError
from survey.models.types import utcnow
from survey.services import callback_settings, cases

STATUSES = {
    "new": _l("New"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "unreachable": _l("Could not reach"),
}
OUTCOMES = {
    "solved": _l("Solved"),
    "explained": _l("Explained"),
    "referred": _l("Referred elsewhere"),
    "complaint": _l("Turned into a complaint"),
    "other": _l("Other"),
}
OFFERS = {
    "negative": _l("After a negative answer"),
    "always": _l("After every answer"),
    "never": _l("Never"),
}


def attempt(form, call) -> bool:
    """Run a service call for a valid form; a refusal goes, translated, to the field it names
    (another organisation's id, a NotFound without a field of the form, is a 404)."""
    try:
        call()
    except NotFound as error:
        if error.field is None or getattr(form, error.field, None) is None:
            raise
        show_on_form(form, error)
        return False
    except (ServiceError, ValidationError) as error:
        show_on_form(form, error)
        return False
    return True


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assigned to"), validators=[Optional()])


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=options(STATUSES.items()))
    outcome = SelectField(
        _l("Outcome"), validators=[Optional()],
        description=_l("Needed when the case is done. Closing a case erases the citizen's "
                       "contact details."),
    )


class NoteForm(FlaskForm):
    text = TextAreaField(
        _l("Note"), validators=[InputRequired(), Length(max=cases.NOTE_MAX)],
        description=_l("What was tried or agreed. Do not write the phone number or address "
                       "here: notes are kept after the details are erased."),
    )


class ContactForm(FlaskForm):
    """Only the CSRF token: record the first contact."""


def _assign_form(data=None) -> AssignForm:
    form = AssignForm(data=data) if data is not None else AssignForm()
    form.assignee.choices = options(
        [("", _("Nobody"))] + [(str(u.id), u.email) for u in cases.handlers(org_id())]
    )
    return form


def _status_form(data=None) -> StatusForm:
    form = StatusForm(data=data) if data is not None else StatusForm()
    form.outcome.choices = options([("", _("(none)"))] + list(OUTCOMES.items()))
    return form


def _unit_filter(units) -> int | None:
    raw = request.args.get("unit", "")
    return int(raw) if raw.isdigit() and int(raw) in {u.id for u in units} else None


@bp.get("/<org>/cases", endpoint="case_list")
@requires("viewer")
def case_list():
    """Open cases, overdue first: mine, one unit's, or all; or the recently closed ones."""
    units = cases.units(org_id())
    view = request.args.get("view", "all")
    view = view if view in ("mine", "all", "closed") else "all"
    unit_id = _unit_filter(units)
    rows = cases.cases(
        org_id(), utcnow(), unit_id=unit_id,
        assignee_id=current_user.id if view == "mine" else None, closed=view == "closed",
    )
    return render_template(
        "admin/cases/list.html", rows=rows, units=units, unit_id=unit_id, view=view,
        statuses=STATUSES,
    )


def _detail(case_id: int, assign=None, status_form=None, note=None, status: int = 200):
    case = cases.case_of(org_id(), case_id)
    return render_template(
        "admin/cases/detail.html",
        case=case,
        request_=case.request,
        now=utcnow(),
        assign=assign or _assign_form({"assignee": str(case.assignee_id or "")}),
        status_form=status_form or _status_form(
            {"status": case.status, "outcome": case.outcome or ""}
        ),
        note=note or NoteForm(),
        contact=ContactForm(),
        statuses=STATUSES,
        outcomes=OUTCOMES,
        response=cases.response_summary(case) if allows("analyst") else None,
    ), status


@bp.get("/<org>/cases/<int:case_id>")
@requires("viewer")
def case_detail(case_id: int):
    """One case: the request, its deadline, status, notes and actions."""
    return _detail(case_id)


@bp.post("/<org>/cases/<int:case_id>/assign")
@requires("viewer")
def case_assign(case_id: int):
    cases.case_of(org_id(), case_id)
    form = _assign_form()
    if form.validate_on_submit() and attempt(form, lambda: cases.assign(
        org_id(), actor(), case_id, int(form.assignee.data) if form.assignee.data else None
    )):
        return done(_("Case assigned."), "admin.case_detail", case_id=case_id)
    return _detail(case_id, assign=form, status=REFUSED)


@bp.post("/<org>/cases/<int:case_id>/contact")
@requires("viewer")
def case_contact(case_id: int):
    cases.case_of(org_id(), case_id)
    form = ContactForm()
    if form.validate_on_submit() and attempt(
        form, lambda: cases.record_contact(org_id(), actor(), case_id, utcnow())
    ):
        return done(_("Contact recorded."), "admin.case_detail", case_id=case_id)
    return done(_("Not done: the form had expired. Try again."), "admin.case_detail",
                case_id=case_id)


@bp.post("/<org>/cases/<int:case_id>/status")
@requires("viewer")
def case_status(case_id: int):
    cases.case_of(org_id(), case_id)
    form = _status_form()
    if form.validate_on_submit() and attempt(form, lambda: cases.update_status(
        org_id(), actor(), case_id, form.status.data, form.outcome.data or None, utcnow()
    )):
        return done(_("Case saved."), "admin.case_detail", case_id=case_id)
    return _detail(case_id, status_form=form, status=REFUSED)


@bp.post("/<org>/cases/<int:case_id>/notes")
@requires("viewer")
def case_note(case_id: int):
    cases.case_of(org_id(), case_id)
    form = NoteForm()
    if form.validate_on_submit() and attempt(
        form, lambda: cases.add_note(org_id(), actor(), case_id, form.text.data, utcnow())
    ):
        return done(_("Note added."), "admin.case_detail", case_id=case_id)
    return _detail(case_id, note=form, status=REFUSED)


# ---- settings (administrators) ---------------------------------------------------------------


class NormForm(FlaskForm):
    norm_days = IntegerField(
        _l("Service norm in working days"),
        validators=[InputRequired(), NumberRange(min=1, max=60)],
        description=_l("Citizens are told they will be contacted within this many working days "
                       "(weekends and public holidays do not count)."),
    )


class InboxForm(FlaskForm):
    inbox_email = StringField(
        _l("Inbox"), validators=[Optional(), Length(max=254)],
        description=_l("New and overdue cases of this unit are announced here. Empty: to the "
                       "administrators."),
    )


class RuleForm(FlaskForm):
    offer = SelectField(_l("Offer a callback"), choices=options(OFFERS.items()))
    unit = SelectField(_l("Unit that calls back"), validators=[Optional()],
                       description=_l("For answers that do not name a unit themselves."))


def _rule_form(units, slug: str, data=None) -> RuleForm:
    prefix = f"rule-{slug}"
    form = RuleForm(data=data, prefix=prefix) if data is not None else RuleForm(prefix=prefix)
    form.unit.choices = options([("", _("(none)"))] + [(u.slug, u.name) for u in units])
    return form


def _settings(norm=None, failed=None, failed_key=None, status: int = 200):
    """The settings page; `failed` is a refused form, shown in place of its row's."""
    org = callback_settings.organisation(org_id())
    units = cases.units(org_id())
    surveys = callback_settings.surveys(org_id())
    inboxes = {u.id: InboxForm(data={"inbox_email": u.inbox_email or ""}, prefix=f"unit{u.id}")
               for u in units}
    rules = {
        s.slug: _rule_form(units, s.slug, {"unit": "", **callback_settings.rule_of(s).to_dict()})
        for s in surveys
    }
    if isinstance(failed, InboxForm):
        inboxes[failed_key] = failed
    if isinstance(failed, RuleForm):
        rules[failed_key] = failed
    return render_template(
        "admin/cases/settings.html",
        norm=norm or NormForm(data={"norm_days": org.callback_norm_days}),
        units=units, inboxes=inboxes, rules=rules,
        survey_names={s.slug: s.name for s in surveys},
    ), status


@bp.get("/<org>/cases/settings")
@requires("admin")
def case_settings():
    """The service norm, each unit's inbox and each survey's callback rule."""
    return _settings()


@bp.post("/<org>/cases/settings/norm")
@requires("admin")
def case_settings_norm():
    form = NormForm()
    if form.validate_on_submit() and attempt(
        form, lambda: callback_settings.set_norm(org_id(), actor(), form.norm_days.data)
    ):
        return done(_("Settings saved."), "admin.case_settings")
    return _settings(norm=form, status=REFUSED)


@bp.post("/<org>/cases/settings/inbox/<int:unit_id>")
@requires("admin")
def case_settings_inbox(unit_id: int):
    callback_settings.unit_of(org_id(), unit_id)
    form = InboxForm(prefix=f"unit{unit_id}")
    if form.validate_on_submit() and attempt(form, lambda: callback_settings.set_inbox(
        org_id(), actor(), unit_id, form.inbox_email.data or None
    )):
        return done(_("Settings saved."), "admin.case_settings")
    return _settings(failed=form, failed_key=unit_id, status=REFUSED)


@bp.post("/<org>/cases/settings/rule/<slug>")
@requires("admin")
def case_settings_rule(slug: str):
    callback_settings.survey_of(org_id(), slug)
    form = _rule_form(cases.units(org_id()), slug)
    if form.validate_on_submit() and attempt(form, lambda: callback_settings.set_rule(
        org_id(), actor(), slug, form.offer.data, form.unit.data or None
    )):
        return done(_("Settings saved."), "admin.case_settings")
    return _settings(failed=form, failed_key=slug, status=REFUSED)
