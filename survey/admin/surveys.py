"""Staff pages: surveys. List, create from a template, edit the draft's overview, publish,
discard, export; the questions (edit, order, remove) are in survey_questions.py, the previews
as the kiosk, the widget and the link page show them in survey_preview.py.

Every view is for administrators (`@requires("admin")`); analysts and viewers see results in
the reports, not the editor. Views parse, call one service (survey/services/survey_editor.py),
render; a refused edit shows its problems at the fields and changes nothing.
"""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from survey.admin import bp
from survey.admin.permissions import current_organisation, requires
from survey.admin.survey_forms import (
    KIND_LABELS,
    MODE_LABELS,
    MoveForm,
    NewSurveyForm,
    OverviewForm,
    PublishForm,
)
from survey.admin.survey_texts import place_on_overview_form
from survey.domain.definition import DEFAULT_SATISFIED, QUESTION_KINDS, parse_definition
from survey.domain.flow import SCALES, allowed_values
from survey.domain.templates import TEMPLATES
from survey.error_responses import add_form_error
from survey.errors import ServiceError
from survey.services import survey_editor as editor

FORM_REFUSED = 422


def org_id() -> int:
    return current_organisation().id


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "nl"


@bp.get("/<org>/surveys")
@requires("admin")
def survey_list():
    """Every survey of the organisation with its newest version and unpublished changes."""
    surveys = editor.surveys_of(org_id())
    return render_template("admin/surveys/list.html", surveys=surveys)


@bp.route("/<org>/surveys/new", methods=["GET", "POST"])
@requires("admin")
def survey_new():
    """A new survey from a template (or the one-question empty one)."""
    lang = _language()
    form = NewSurveyForm()
    form.template.choices = [
        SelectChoice(t.key, f"{t.name[lang]}: {t.description[lang]}") for t in TEMPLATES.values()
    ]
    if request.method == "GET":
        form.template.data = "empty"
    if form.validate_on_submit():
        try:
            survey = editor.create_from_template(
                current_organisation(),
                current_user,
                form.slug.data,
                form.name.data,
                form.template.data,
            )
        except ServiceError as error:
            add_form_error(form, error)
        else:
            flash(_("Survey created and published as version 1."))
            return redirect(url_for("admin.survey_edit", slug=survey.slug))
    status = FORM_REFUSED if form.errors or form.form_errors else 200
    return render_template("admin/surveys/new.html", form=form), status


def overview_form(survey, definition: dict, formdata=None) -> OverviewForm:
    form = OverviewForm(formdata=formdata)
    form.headline.choices = [
        SelectChoice(q["key"], f"{q['key']}: {q['text'].get('nl', '')[:60]}")
        for q in definition["questions"]
    ]
    headline = definition.get("headline") or definition["questions"][0]["key"]
    question = next((q for q in definition["questions"] if q["key"] == headline), None)
    allowed = []
    if question is not None and question["kind"] not in SCALES:
        allowed = list(allowed_values(parse_definition(definition).question(headline)) or ())
    form.satisfied_values.choices = [
        SelectChoice(str(v), _answer_label(question, v)) for v in allowed
    ]
    if formdata is None:
        form.name.data = survey.name
        title = definition.get("title") or {}
        form.title_nl.data = title.get("nl", "")
        form.title_en.data = title.get("en", "")
        form.headline.data = headline
        kind = question["kind"] if question else None
        rule = definition.get("satisfied") or DEFAULT_SATISFIED.get(kind) or {}
        form.satisfied_min.data = rule.get("min")
        form.satisfied_values.data = [str(v) for v in rule.get("values", [])]
        form.modes.data = editor.modes_of(survey)
    return form


def _answer_label(question: dict, value) -> str:
    """An answer as staff read it: the option's text, or the product's word for a code."""
    words = {
        "up": _("Thumbs up"),
        "down": _("Thumbs down"),
        "yes": _("Yes"),
        "no": _("No"),
        "na": _("Does not apply"),
        "other": _("Other"),
    }
    for option in question.get("options") or []:
        if option.get("code") == value:
            return f"{option['text'].get(_language()) or option['text'].get('nl')} ({value})"
    return str(words.get(value, value))


def _satisfied_from(form: OverviewForm, definition: dict) -> dict | None:
    """The rule the form gives; None (the kind's default) when the headline changed."""
    if form.headline.data != (definition.get("headline") or definition["questions"][0]["key"]):
        return None
    question = next(q for q in definition["questions"] if q["key"] == form.headline.data)
    if question["kind"] in SCALES:
        return {"min": form.satisfied_min.data}
    return {"values": sorted(form.satisfied_values.data or [])}


def edit_page(survey, definition, form, status=200, row_errors=None):
    questions = definition.get("questions") or []
    return render_template(
        "admin/surveys/edit.html",
        survey=survey,
        definition=definition,
        questions=questions,
        form=form,
        publish_form=PublishForm(),
        move_form=MoveForm(),
        kinds=[(k, KIND_LABELS[k]) for k in QUESTION_KINDS],
        row_errors=row_errors or {},
        versions=list(reversed(survey.versions)),
        mode_labels=MODE_LABELS,
    ), status


@bp.route("/<org>/surveys/<slug>", methods=["GET", "POST"])
@requires("admin")
def survey_edit(slug: str):
    """The survey's overview: name, title, headline and satisfied rule, channels, questions."""
    survey = editor.survey_of(org_id(), slug)
    definition = editor.working_definition(survey)
    if request.method == "GET":
        return edit_page(survey, definition, overview_form(survey, definition))
    form = overview_form(survey, definition, formdata=request.form)
    if form.validate():
        try:
            editor.save_overview(
                org_id(),
                current_user,
                slug,
                form.name.data,
                {
                    "nl": (form.title_nl.data or "").strip(),
                    "en": (form.title_en.data or "").strip(),
                },
                form.headline.data,
                _satisfied_from(form, definition),
                form.modes.data or [],
            )
        except editor.DefinitionProblems as refused:
            place_on_overview_form(form, refused.problems, definition)
        except ServiceError as error:
            add_form_error(form, error)
        else:
            flash(_("Saved. Publish to use the changes."))
            return redirect(url_for("admin.survey_edit", slug=slug))
    return edit_page(survey, definition, form, FORM_REFUSED)


@bp.post("/<org>/surveys/<slug>/publish")
@requires("admin")
def survey_publish(slug: str):
    """Store the draft as a new version: kiosks, widgets and links use it within a minute."""
    survey = editor.survey_of(org_id(), slug)
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        version = editor.publish(org_id(), current_user, slug)
    except editor.DefinitionProblems as refused:
        definition = editor.working_definition(survey)
        form = overview_form(survey, definition)
        place_on_overview_form(form, refused.problems, definition)
        return edit_page(survey, definition, form, FORM_REFUSED)
    if version is None:
        flash(_("Nothing to publish: the questions are the same as the newest version."))
    else:
        flash(
            _(
                "Published as version %(n)s. Every kiosk, widget and link uses it within a "
                "minute; answers given before keep their own version.",
                n=version.number,
            )
        )
    return redirect(url_for("admin.survey_edit", slug=slug))


@bp.post("/<org>/surveys/<slug>/discard")
@requires("admin")
def survey_discard(slug: str):
    editor.survey_of(org_id(), slug)
    if not PublishForm().validate_on_submit():
        abort(400)
    editor.discard_draft(org_id(), current_user, slug)
    flash(_("Changes discarded: back to the newest version."))
    return redirect(url_for("admin.survey_edit", slug=slug))


@bp.get("/<org>/surveys/<slug>/export")
@requires("admin")
def survey_export(slug: str):
    """The newest version and settings as JSON, as `flask kto survey export` writes it."""
    data = editor.export_survey(org_id(), slug)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{slug}.json"'},
    )
