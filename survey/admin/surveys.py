"""Staff pages: surveys. List, create from a template, edit the draft (overview, questions,
order), publish, preview as the kiosk and the widget show it, export.

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

from kiosk.texts import kiosk_texts
from survey.admin import bp, previews
from survey.admin.permissions import current_organisation, public, requires
from survey.admin.survey_forms import (
    KIND_LABELS,
    MODE_LABELS,
    OPERATOR_LABELS,
    MoveForm,
    NewSurveyForm,
    OverviewForm,
    PublishForm,
    QuestionForm,
    empty_question,
    form_to_question,
    question_to_form,
)
from survey.admin.survey_texts import (
    message,
    place_on_overview_form,
    place_on_question_form,
)
from survey.domain import editing
from survey.domain.definition import DEFAULT_SATISFIED, QUESTION_KINDS, parse_definition
from survey.domain.flow import SCALES, allowed_values
from survey.domain.templates import TEMPLATES
from survey.error_responses import add_form_error
from survey.errors import ServiceError
from survey.services import survey_editor as editor
from survey.services.widget import ui_texts

FORM_REFUSED = 422


def _org_id() -> int:
    return current_organisation().id


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "nl"


@bp.get("/<org>/surveys")
@requires("admin")
def survey_list():
    """Every survey of the organisation with its newest version and unpublished changes."""
    surveys = editor.surveys_of(_org_id())
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


def _overview_form(survey, definition: dict, formdata=None) -> OverviewForm:
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


def _edit_page(survey, definition, form, status=200, row_errors=None):
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
    survey = editor.survey_of(_org_id(), slug)
    definition = editor.working_definition(survey)
    if request.method == "GET":
        return _edit_page(survey, definition, _overview_form(survey, definition))
    form = _overview_form(survey, definition, formdata=request.form)
    if form.validate():
        try:
            editor.save_overview(
                _org_id(),
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
    return _edit_page(survey, definition, form, FORM_REFUSED)


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
    survey = editor.survey_of(_org_id(), slug)
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
                editor.save_question(_org_id(), current_user, slug, key, question)
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
    return _edit_page(survey, definition, _overview_form(survey, definition), FORM_REFUSED, errors)


@bp.post("/<org>/surveys/<slug>/questions/<key>/move")
@requires("admin")
def survey_question_move(slug: str, key: str):
    """Move a question one place up or down (a form button each: works without script)."""
    survey = editor.survey_of(_org_id(), slug)
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    definition = editor.working_definition(survey)
    try:
        editor.move_question(
            _org_id(), current_user, slug, key, -1 if form.direction.data == "up" else 1
        )
    except editor.DefinitionProblems as refused:
        return _row_refusal(survey, definition, key, refused)
    return redirect(url_for("admin.survey_edit", slug=slug, _anchor=f"q-{key}"))


@bp.post("/<org>/surveys/<slug>/questions/<key>/delete")
@requires("admin")
def survey_question_delete(slug: str, key: str):
    survey = editor.survey_of(_org_id(), slug)
    if not PublishForm().validate_on_submit():
        abort(400)
    definition = editor.working_definition(survey)
    try:
        editor.remove_question(_org_id(), current_user, slug, key)
    except editor.DefinitionProblems as refused:
        return _row_refusal(survey, definition, key, refused)
    flash(_("Question removed. Publish to use the changes."))
    return redirect(url_for("admin.survey_edit", slug=slug))


@bp.post("/<org>/surveys/<slug>/publish")
@requires("admin")
def survey_publish(slug: str):
    """Store the draft as a new version: kiosks, widgets and links use it within a minute."""
    survey = editor.survey_of(_org_id(), slug)
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        version = editor.publish(_org_id(), current_user, slug)
    except editor.DefinitionProblems as refused:
        definition = editor.working_definition(survey)
        form = _overview_form(survey, definition)
        place_on_overview_form(form, refused.problems, definition)
        return _edit_page(survey, definition, form, FORM_REFUSED)
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
    editor.survey_of(_org_id(), slug)
    if not PublishForm().validate_on_submit():
        abort(400)
    editor.discard_draft(_org_id(), current_user, slug)
    flash(_("Changes discarded: back to the newest version."))
    return redirect(url_for("admin.survey_edit", slug=slug))


@bp.get("/<org>/surveys/<slug>/export")
@requires("admin")
def survey_export(slug: str):
    """The newest version and settings as JSON, as `flask kto survey export` writes it."""
    data = editor.export_survey(_org_id(), slug)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{slug}.json"'},
    )


PREVIEW_CHANNELS = ("kiosk", "widget", "link")


@bp.get("/<org>/surveys/<slug>/preview/<channel>")
@requires("admin")
def survey_preview(slug: str, channel: str):
    """The survey as the kiosk, the widget or the link page shows it, one question at a time,
    at the device's real size (survey/admin/previews.py explains how without a frame)."""
    if channel not in PREVIEW_CHANNELS:
        abort(404)
    survey = editor.survey_of(_org_id(), slug)
    number = request.args.get("version", type=int)
    if number is None:
        definition, source = editor.working_definition(survey), None
    else:
        found = next((v for v in survey.versions if v.number == number), None)
        if found is None:
            abort(404)
        definition, source = found.definition, number
    questions = definition["questions"]
    step = request.args.get("q", 0, type=int)
    step = max(0, min(step, len(questions)))  # len(questions): the thank-you screen
    language = request.args.get("language", "nl")
    language = language if language in ("nl", "en") else "nl"
    devices = previews.DEVICES[channel]
    device = request.args.get("device")
    device = device if device in devices else next(iter(devices))
    presentation = request.args.get("presentation", "popup")
    presentation = presentation if presentation in ("popup", "inline") else "popup"
    question = questions[step] if step < len(questions) else None
    texts = kiosk_texts()[language] if channel == "kiosk" else ui_texts((language,))[language]
    return render_template(
        "admin/surveys/preview.html",
        survey=survey,
        definition=definition,
        questions=questions,
        step=step,
        question=question,
        channel=channel,
        language=language,
        device=device,
        devices=devices,
        presentation=presentation,
        version=source,
        texts=texts,
        scales=SCALES,
        condition=_condition_text(question, language) if question else None,
        link_screen=previews.link_screen(
            definition, question, language, current_organisation().name
        ) if channel == "link" else None,
    )


def _condition_text(question: dict, language: str) -> str | None:
    cond = question.get("show_if")
    if not cond:
        return None
    op = next(o for o in cond if o != "question")
    value = cond[op]
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return _(
        "Shown only when the answer to %(question)s %(operator)s %(value)s.",
        question=cond["question"],
        operator=OPERATOR_LABELS[op],
        value=value,
    )


@bp.get("/preview/<name>.css")
@public
def survey_preview_css(name: str):
    """The kiosk's or the widget's own stylesheet made for a preview box of one device."""
    channel, _sep, device = name.partition("-")
    if channel not in previews.DEVICES or device not in previews.DEVICES[channel]:
        abort(404)
    width, height = previews.DEVICES[channel][device]
    css = {"kiosk": previews.kiosk_css, "widget": previews.widget_css,
           "link": previews.link_css}[channel]()
    css += f":host {{ width: {width}px; height: {height}px; }}\n"
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "no-cache"
    return response
