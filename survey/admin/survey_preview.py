"""Staff pages: a survey as the kiosk, the widget or the link page shows it, one question at a
time at the device's real size, and the stylesheets of those preview boxes
(survey/admin/previews.py).
"""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from kiosk.texts import kiosk_texts
from survey.admin import bp, previews
from survey.admin.permissions import current_organisation, public, requires
from survey.admin.survey_forms import OPERATOR_LABELS
from survey.admin.surveys import org_id
from survey.domain.flow import SCALES
from survey.services import survey_editor as editor
from survey.services.widget import ui_texts

PREVIEW_CHANNELS = ("kiosk", "widget", "link")


@bp.get("/<org>/surveys/<slug>/preview/<channel>")
@requires("admin")
def survey_preview(slug: str, channel: str):
    """The survey as the kiosk, the widget or the link page shows it, one question at a time,
    at the device's real size (survey/admin/previews.py explains how without a frame)."""
    if channel not in PREVIEW_CHANNELS:
        abort(404)
    survey = editor.survey_of(org_id(), slug)
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
