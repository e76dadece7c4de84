"""The survey editor's problems (survey/domain/checks.py) in the page's language, and where on
a form each one goes."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.domain.checks import Problem

MESSAGES = {
    "definition_invalid": _l("This survey definition is not valid."),
    "questions_required": _l("A survey needs at least one question."),
    "text_required": _l("Fill in the Dutch text."),
    "text_too_long": _l("This text is too long: at most %(max)s characters."),
    "key_invalid": _l("A key is a letter followed by letters, digits or '_' (at most 40)."),
    "key_duplicate": _l("Another question already has the key %(key)s."),
    "kind_unknown": _l("Choose one of the kinds."),
    "options_required": _l("A choice needs at least one option."),
    "code_invalid": _l("Give each option a code: letters, digits, '_', '.' or '-'."),
    "code_duplicate": _l("The code %(code)s is used twice in this question."),
    "complaint_once": _l("Only one option of the survey can be the complaint reason."),
    "complaint_invalid": _l("Whether an option is the complaint reason is yes or no."),
    "condition_invalid": _l("This condition is not complete."),
    "condition_unknown": _l(
        "The condition refers to a question that does not exist (%(question)s)."
    ),
    "condition_later": _l(
        "The condition refers to question %(question)s, which does not come before this "
        "question. A condition can only use an earlier answer."
    ),
    "condition_number": _l(
        "Comparing with a number only works for a score question, with a whole number."
    ),
    "condition_value": _l("This value is not an answer question %(question)s can have."),
    "headline_unknown": _l("Choose the headline question."),
    "headline_kind": _l(
        "The headline must be a question with one answer that is a score or a code, "
        "not open text or a multiple choice."
    ),
    "satisfied_min": _l("Give a score from %(low)s to %(high)s from which a person is satisfied."),
    "satisfied_values": _l("Tick the answers that count as satisfied."),
    "sms_segment": _l("Too long for one SMS: %(units)s of %(max)s characters. %(chars_note)s"),
    "sms_message": _l(
        "With its numbered options this question takes %(segments)s text messages; at most %(max)s."
    ),
    "whatsapp_body": _l("Too long for WhatsApp: at most %(max)s characters."),
    "whatsapp_button": _l("Too long for a WhatsApp button: at most %(max)s characters."),
    "whatsapp_row": _l("Too long for a WhatsApp list: at most %(max)s characters."),
    "whatsapp_rows": _l("WhatsApp shows at most %(max)s options in a list."),
}


def message(problem: Problem) -> str:
    params = dict(problem.params)
    if problem.code == "sms_segment":
        chars = params.get("chars")
        params["chars_note"] = (
            _(
                "The characters %(chars)s make the whole message count double (UCS-2).",
                chars=" ".join(chars),
            )
            if chars
            else ""
        )
    template = MESSAGES.get(problem.code)
    if template is None:
        return problem.code
    return (str(template) % params if params else str(template)).strip()


QUESTION_FIELD = re.compile(r"^questions\[(\d+)\](?:\.(.*))?$")
OPTION_FIELD = re.compile(r"^options\[(\d+)\]\.(code|complaint|text\.(nl|en))")
SIMPLE = {
    "key": "key",
    "kind": "kind",
    "text.nl": "text_nl",
    "text.en": "text_en",
    "show_if": "show_if_value",
}


def split(problem: Problem) -> tuple[int | None, str]:
    """(question index or None, the field inside it) of a problem."""
    found = QUESTION_FIELD.match(problem.field)
    if not found:
        return None, problem.field
    return int(found.group(1)), found.group(2) or ""


def question_label(definition: dict, index: int) -> str:
    questions = definition.get("questions") or []
    key = questions[index].get("key") if 0 <= index < len(questions) else "?"
    return _("Question %(n)s (%(key)s)", n=index + 1, key=key)


def place_on_question_form(form, problems, index: int, definition: dict) -> None:
    """Each problem of the edited question at its field; others as form errors."""
    for problem in problems:
        text = message(problem)
        at, inner = split(problem)
        if at != index:
            where = question_label(definition, at) + ": " if at is not None else ""
            form.form_errors.append(where + text)
            continue
        if inner in SIMPLE:
            field = getattr(form, SIMPLE[inner])
            if problem.code in ("condition_unknown", "condition_later"):
                field = form.show_if_question
            field.errors = [*field.errors, text]
            continue
        option = OPTION_FIELD.match(inner)
        if option:
            row = int(option.group(1))
            sub = (
                option.group(2) if option.group(2) in ("code", "complaint")
                else f"text_{option.group(3)}"
            )
            if row < len(form.options):
                target = getattr(form.options[row].form, sub)
                target.errors = [*target.errors, text]
                continue
        form.option_errors.append(text)


def place_on_overview_form(form, problems, definition: dict) -> None:
    for problem in problems:
        text = message(problem)
        at, inner = split(problem)
        if at is not None:
            form.form_errors.append(question_label(definition, at) + ": " + text)
        elif problem.field == "headline":
            form.headline.errors = [*form.headline.errors, text]
        elif problem.field == "satisfied":
            target = (
                form.satisfied_min if problem.code == "satisfied_min" else form.satisfied_values
            )
            target.errors = [*target.errors, text]
        elif problem.field.startswith("title."):
            target = form.title_en if problem.field.endswith("en") else form.title_nl
            target.errors = [*target.errors, text]
        else:
            form.form_errors.append(text)
