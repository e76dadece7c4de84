"""Staff pages: one survey's questions. Add or edit a question (texts, options and codes,
required, show-if), move it one place up or down, remove it; a refused change shows its
problems at the fields (or at the question's row on the overview) and changes nothing.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.admin import bp
from survey.admin.permissions import requires
from survey.admin.survey_forms import (
    KIND_LABELS,
    MoveForm,
    PublishForm,
    QuestionForm,
    empty_question,
    form_to_question,
    question_to_form,
)
from survey.admin.survey_texts import message, place_on_question_form
from survey.admin.surveys import FORM_REFUSED, edit_page, org_id, overview_form
from survey.domain import editing
from survey.domain.definition import QUESTION_KINDS
from survey.error_responses import add_form_error
from survey.errors import ServiceError
from survey.services import survey_editor as editor


def _earlier(definition: dict, key: str | None) -> list[dict]:
    questions = definition.get("questions") or []
    index = editing.index_of(definition, key) if key else len(questions)
    return questions[:index]


def _question_page(survey, form, key, kind, status=200):
    return render_template(
        "admin/surveys/question.html",
        survey=survey,
        form=form,
        key=key,
        kind=kind,
        kinds=KIND_LABELS,
    ), status


@bp.route("/<org>/surveys/<slug>/questions/new", methods=["GET", "POST"], defaults={"key": None})
@bp.route("/<org>/surveys/<slug>/questions/<key>", methods=["GET", "POST"])
@requires("admin")
def survey_question(slug: str, key: str | None):
    """Add or edit one question: texts, options and codes, required, show-if."""
    survey = editor.survey_of(org_id(), slug)
    definition = editor.working_definition(survey)
    if key is not None and editing.index_of(definition, key) is None:
        abort(404)
    earlier = _earlier(definition, key)
    form = QuestionForm()
    form.option_errors = []
    form.set_earlier(earlier)
    if request.method == "GET":
        if key is None:
            kind = request.args.get("kind", "thumbs")
            if kind not in QUESTION_KINDS:
                abort(404)
            question = empty_question(kind, editing.new_key(definition))
        else:
            question = definition["questions"][editing.index_of(definition, key)]
        question_to_form(form, question)
        return _question_page(survey, form, key, question["kind"])
    if "more_options" in request.form:
        for _i in range(3):
            form.options.append_entry()
        return _question_page(survey, form, key, form.kind.data)
    if form.validate_on_submit():
        try:
            question = form_to_question(form, earlier)
        except ValueError:
            form.show_if_value.errors = [
                *form.show_if_value.errors,
                _("Give a value the earlier question can have (a whole number for a score)."),
            ]
        else:
            try:
                editor.save_question(org_id(), current_user, slug, key, question)
            except editor.DefinitionProblems as refused:
                index = editing.index_of(definition, key) if key else len(definition["questions"])
                attempted = editing.put_question(definition, key, question)
                place_on_question_form(form, refused.problems, index, attempted)
            except ServiceError as error:
                add_form_error(form, error)
            else:
                flash(_("Question saved. Publish to use the changes."))
                return redirect(url_for("admin.survey_edit", slug=slug))
    return _question_page(survey, form, key, form.kind.data, FORM_REFUSED)


def _row_refusal(survey, definition, key, refused):
    errors = {key: [message(p) for p in refused.problems]}
    return edit_page(survey, definition, overview_form(survey, definition), FORM_REFUSED, errors)


@bp.post("/<org>/surveys/<slug>/questions/<key>/move")
@requires("admin")
def survey_question_move(slug: str, key: str):
    """Move a question one place up or down (a form button each: works without script)."""
    survey = editor.survey_of(org_id(), slug)
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    definition = editor.working_definition(survey)
    try:
        editor.move_question(
            org_id(), current_user, slug, key, -1 if form.direction.data == "up" else 1
        )
    except editor.DefinitionProblems as refused:
        return _row_refusal(survey, definition, key, refused)
    return redirect(url_for("admin.survey_edit", slug=slug, _anchor=f"q-{key}"))


@bp.post("/<org>/surveys/<slug>/questions/<key>/delete")
@requires("admin")
def survey_question_delete(slug: str, key: str):
    survey = editor.survey_of(org_id(), slug)
    if not PublishForm().validate_on_submit():
        abort(400)
    definition = editor.working_definition(survey)
    try:
        editor.remove_question(org_id(), current_user, slug, key)
    except editor.DefinitionProblems as refused:
        return _row_refusal(survey, definition, key, refused)
    flash(_("Question removed. Publish to use the changes."))
    return redirect(url_for("admin.survey_edit", slug=slug))
