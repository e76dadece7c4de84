"""Staff pages: places and structure (locations with opening hours, units as a tree, topics).

A place keeps its id when renamed, so reports (grouped by id) show the new name for all of
its history; codes are fixed once made (kiosks and imports use them).
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from survey.admin import bp
from survey.admin.config_views import REFUSED, actor, attempt, done, options, org_id
from survey.admin.permissions import requires
from survey.domain.opening_hours import WEEKDAYS, day_text, parse_day
from survey.services import places as service
from survey.services.scoped import owned

CODE_HINT = _l(
    "Lower-case letters, digits, '-' or '_'; used by kiosks and imports, fixed once made."
)
CODE = [
    DataRequired(),
    Length(max=40),
    Regexp(r"^[a-z0-9][a-z0-9_-]*$", message=_l("Use lower-case letters, digits, '-' or '_'.")),
]
DAY_NAMES = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}
HOURS_HINT = _l("For example 08:30-12:00, 13:00-17:00. Empty: closed.")


def _hours_field(day: str) -> StringField:
    return StringField(DAY_NAMES[day], validators=[Optional(), Length(max=100)],
                       description=HOURS_HINT)


class LocationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    hours_mon = _hours_field("mon")
    hours_tue = _hours_field("tue")
    hours_wed = _hours_field("wed")
    hours_thu = _hours_field("thu")
    hours_fri = _hours_field("fri")
    hours_sat = _hours_field("sat")
    hours_sun = _hours_field("sun")

    def hours(self) -> dict | None:
        """The week as the service takes it; None (with errors at the days) when a day is bad."""
        from survey.domain import ValidationError

        week, ok = {}, True
        for day in WEEKDAYS:
            field = getattr(self, f"hours_{day}")
            try:
                week[day] = parse_day(field.data or "", day)
            except ValidationError as error:
                field.errors = [*field.errors, error.message]
                ok = False
        return week if ok else None

    def hour_fields(self):
        return [getattr(self, f"hours_{day}") for day in WEEKDAYS]


class NewLocationForm(LocationForm):
    slug = StringField(_l("Code"), validators=CODE, description=CODE_HINT)


class UnitForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    parent_id = SelectField(_l("Part of"), coerce=int, validate_choice=True)


class NewUnitForm(UnitForm):
    slug = StringField(_l("Code"), validators=CODE, description=CODE_HINT)


class TopicForm(FlaskForm):
    name_nl = StringField(_l("Name in Dutch"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])


class NewTopicForm(TopicForm):
    slug = StringField(_l("Code"), validators=CODE, description=CODE_HINT)


def _parents(form: UnitForm, leave_out: int | None = None) -> None:
    rows = service.unit_tree(org_id())
    form.parent_id.choices = options([(0, _("(top level)"))] + [
        (r.id, "— " * r.depth + r.name) for r in rows if r.id != leave_out
    ])


def _page(location=None, unit=None, topic=None, status=200):
    location = location or NewLocationForm(prefix="location")
    unit = unit or NewUnitForm(prefix="unit")
    topic = topic or NewTopicForm(prefix="topic")
    if not unit.parent_id.choices:
        _parents(unit)
    return render_template(
        "admin/config/places.html",
        locations=service.locations(org_id()),
        units=service.unit_tree(org_id()),
        topics=service.topics(org_id()),
        location_form=location,
        unit_form=unit,
        topic_form=topic,
        weekdays=WEEKDAYS,
        day_names=DAY_NAMES,
        day_text=day_text,
    ), status


def _filled(form_class, data: dict):
    """An edit page's form: the stored values, or what was posted on a submit."""
    form = form_class(data=data)
    if form.is_submitted():
        form = form_class()
    return form


def _edit_page(template: str, form, **context):
    """An edit page, with REFUSED when the posted form was not saved."""
    status = REFUSED if form.errors else 200
    return render_template(template, form=form, **context), status


@bp.get("/<org>/places")
@requires("admin")
def places():
    """Locations, units and topics, each with a form to add one."""
    return _page()


@bp.post("/<org>/places/locations")
@requires("admin")
def location_create():
    form = NewLocationForm(prefix="location")
    if form.validate_on_submit():
        hours = form.hours()
        if hours is not None and attempt(form, lambda: service.create_location(
            org_id(), actor(), form.slug.data, form.name.data, hours
        )):
            return done(_("Location added."), "admin.places")
    else:
        form.hours()
    return _page(location=form, status=REFUSED)


@bp.route("/<org>/places/locations/<int:location_id>", methods=["GET", "POST"])
@requires("admin")
def location_edit(location_id: int):
    from survey.models import Location

    location = owned(Location, org_id(), location_id)
    form = _filled(LocationForm, {"name": location.name}
                   | {f"hours_{d}": day_text(location.opening_hours, d) for d in WEEKDAYS})
    if form.validate_on_submit():
        hours = form.hours()
        if hours is not None and attempt(form, lambda: service.update_location(
            org_id(), actor(), location_id, form.name.data, hours
        )):
            return done(_("Location saved."), "admin.places")
    elif form.is_submitted():
        form.hours()
    return _edit_page("admin/config/location.html", form, location=location)


@bp.post("/<org>/places/units")
@requires("admin")
def unit_create():
    form = NewUnitForm(prefix="unit")
    _parents(form)
    if form.validate_on_submit() and attempt(form, lambda: service.create_unit(
        org_id(), actor(), form.slug.data, form.name.data, form.parent_id.data or None
    )):
        return done(_("Unit added."), "admin.places")
    return _page(unit=form, status=REFUSED)


@bp.route("/<org>/places/units/<int:unit_id>", methods=["GET", "POST"])
@requires("admin")
def unit_edit(unit_id: int):
    from survey.models import Unit

    unit = owned(Unit, org_id(), unit_id)
    form = _filled(UnitForm, {"name": unit.name, "parent_id": unit.parent_id or 0})
    _parents(form, leave_out=unit.id)
    if form.validate_on_submit() and attempt(form, lambda: service.update_unit(
        org_id(), actor(), unit_id, form.name.data, form.parent_id.data or None
    )):
        return done(_("Unit saved."), "admin.places")
    return _edit_page("admin/config/unit.html", form, unit=unit)


@bp.post("/<org>/places/topics")
@requires("admin")
def topic_create():
    form = NewTopicForm(prefix="topic")
    if form.validate_on_submit() and attempt(form, lambda: service.create_topic(
        org_id(), actor(), form.slug.data, form.name_nl.data, form.name_en.data
    )):
        return done(_("Topic added."), "admin.places")
    return _page(topic=form, status=REFUSED)


@bp.route("/<org>/places/topics/<int:topic_id>", methods=["GET", "POST"])
@requires("admin")
def topic_edit(topic_id: int):
    from survey.models import Topic

    topic = owned(Topic, org_id(), topic_id)
    form = _filled(TopicForm, {"name_nl": topic.name_nl, "name_en": topic.name_en})
    if form.validate_on_submit() and attempt(form, lambda: service.update_topic(
        org_id(), actor(), topic_id, form.name_nl.data, form.name_en.data
    )):
        return done(_("Topic saved."), "admin.places")
    return _edit_page("admin/config/topic.html", form, topic=topic)
