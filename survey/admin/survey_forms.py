"""Forms of the survey editor (Flask-WTF, CSRF on), and their translation to definition dicts."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from survey.domain.checks import OPTION_TEXT_MAX, QUESTION_TEXT_MAX
from survey.domain.definition import QUESTION_KINDS, TEXT_MAX_LENGTH
from survey.domain.flow import OPERATORS, SCALES

KIND_LABELS = {
    "thumbs": _l("Thumbs up or down"),
    "grade": _l("Grade 1-10"),
    "nps": _l("Recommend 0-10 (NPS)"),
    "ces": _l("Effort 1-7 (CES)"),
    "choice": _l("Choice from options"),
    "yes_no_na": _l("Yes / no / does not apply"),
    "text": _l("Open text"),
}
OPERATOR_LABELS = {
    "equals": _l("is"),
    "in": _l("is one of (separate with commas)"),
    "lte": _l("is at most"),
    "gte": _l("is at least"),
    "lt": _l("is less than"),
    "gt": _l("is more than"),
}
MODE_LABELS = {
    "kiosk": _l("Kiosk at the counter"),
    "popup": _l("Website pop-up"),
    "inline": _l("Website, in the page"),
    "sms": _l("SMS"),
    "email": _l("E-mail"),
    "whatsapp": _l("WhatsApp"),
    "qr": _l("QR code"),
    "link": _l("Link page"),
}
OPTION_ROWS_EXTRA = 3
KEY_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,39}$"
CODE_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewSurveyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(SLUG_PATTERN, message=_l("Use lower-case letters, digits, '-' or '_'.")),
        ],
        description=_l("Used in links and exports, e.g. balie. Cannot be changed later."),
    )
    template = RadioField(_l("Start from"), validators=[InputRequired()])


class OptionForm(Form):
    """One option row; a row left empty is no option."""

    code = StringField(
        _l("Code"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(CODE_PATTERN, message=_l("Letters, digits, '_', '.' or '-', no spaces.")),
        ],
    )
    text_nl = StringField(_l("Dutch text"), validators=[Optional(), Length(max=OPTION_TEXT_MAX)])
    text_en = StringField(_l("English text"), validators=[Optional(), Length(max=OPTION_TEXT_MAX)])
    complaint = BooleanField(
        _l("Complaint reason"),
        description=_l(
            "Whoever chooses this is pointed to your complaint page on the thank-you screen."
        ),
    )

    def is_empty(self) -> bool:
        return not any(
            (self.code.data or "").strip() or (f.data or "").strip()
            for f in (self.text_nl, self.text_en)
        )


class QuestionForm(FlaskForm):
    key = StringField(
        _l("Key"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(KEY_PATTERN, message=_l("A letter first, then letters, digits or '_'.")),
        ],
        description=_l("Names the answers in exports, e.g. cijfer."),
    )
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k, KIND_LABELS[k]) for k in QUESTION_KINDS],
        validators=[InputRequired()],
    )
    text_nl = TextAreaField(
        _l("Question in Dutch"), validators=[DataRequired(), Length(max=QUESTION_TEXT_MAX)]
    )
    text_en = TextAreaField(
        _l("Question in English"), validators=[Optional(), Length(max=QUESTION_TEXT_MAX)]
    )
    required = BooleanField(_l("An answer is required"))
    multiple = BooleanField(_l("More than one option may be chosen"))
    allow_other = BooleanField(_l("Offer \u201cother\u201d"))
    max_length = IntegerField(
        _l("Longest answer (characters)"),
        validators=[Optional(), NumberRange(min=1, max=TEXT_MAX_LENGTH)],
        description=_l("For open text; at most %(n)s.", n=TEXT_MAX_LENGTH),
    )
    show_if_question = SelectField(_l("Show only when the answer to"), validate_choice=False)
    show_if_operator = SelectField(
        _l("Condition"), choices=[SelectChoice(op, OPERATOR_LABELS[op]) for op in OPERATORS]
    )
    show_if_value = StringField(_l("Value"), validators=[Optional(), Length(max=200)])
    options = FieldList(FormField(OptionForm), min_entries=0)

    def set_earlier(self, earlier: list[dict]) -> None:
        """The questions a condition may refer to: those before this one."""
        self.show_if_question.choices = [SelectChoice("", gettext("(always show)"))] + [
            SelectChoice(q["key"], f"{q['key']}: {q['text'].get('nl', '')[:60]}") for q in earlier
        ]


class OverviewForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title_nl = StringField(_l("Title in Dutch"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    headline = SelectField(
        _l("Headline question"),
        validate_choice=False,
        description=_l("Its answer decides whether a person counts as satisfied in reports."),
    )
    satisfied_min = IntegerField(
        _l("Satisfied from score"), validators=[Optional(), NumberRange(min=0, max=10)]
    )
    satisfied_values = MultiCheckboxField(_l("Satisfied with the answers"), validate_choice=False)
    modes = MultiCheckboxField(
        _l("Sent over"),
        choices=[SelectChoice(m, label) for m, label in MODE_LABELS.items()],
        description=_l("The texts are checked against the limits of SMS and WhatsApp."),
    )


class PublishForm(FlaskForm):
    """Only the CSRF token."""


class MoveForm(FlaskForm):
    """The CSRF token; the pressed button (name="direction") says up or down."""

    direction = StringField(validators=[InputRequired(), AnyOf(["up", "down"])])


def question_to_form(form: QuestionForm, question: dict) -> None:
    """Fill a form from a question dict (on GET)."""
    form.key.data = question.get("key")
    form.kind.data = question.get("kind")
    text = question.get("text") or {}
    form.text_nl.data = text.get("nl", "")
    form.text_en.data = text.get("en", "")
    form.required.data = bool(question.get("required"))
    form.multiple.data = bool(question.get("multiple"))
    form.allow_other.data = bool(question.get("allow_other"))
    form.max_length.data = question.get("max_length")
    cond = question.get("show_if") or {}
    form.show_if_question.data = cond.get("question", "")
    for op in OPERATORS:
        if op in cond:
            form.show_if_operator.data = op
            value = cond[op]
            form.show_if_value.data = ", ".join(map(str, value)) if op == "in" else str(value)
    while len(form.options):
        form.options.pop_entry()
    for option in question.get("options") or []:
        texts = option.get("text") or {}
        form.options.append_entry(
            {
                "code": option.get("code"),
                "text_nl": texts.get("nl", ""),
                "text_en": texts.get("en", ""),
                "complaint": option.get("complaint") is True,
            }
        )
    for _ in range(OPTION_ROWS_EXTRA):
        form.options.append_entry()


def _value(raw: str, numeric: bool):
    raw = raw.strip()
    if numeric:
        return int(raw)  # ValueError: the caller reports it at the field
    return raw


def form_to_question(form: QuestionForm, earlier: list[dict]) -> dict:
    """The question dict a submitted form describes. Raises ValueError("show_if_value") when
    the condition's value does not fit the earlier question's kind."""
    kind = form.kind.data
    question: dict = {
        "key": form.key.data.strip(),
        "kind": kind,
        "text": {"nl": form.text_nl.data.strip()},
    }
    if (form.text_en.data or "").strip():
        question["text"]["en"] = form.text_en.data.strip()
    if form.required.data:
        question["required"] = True
    if kind == "choice":
        if form.multiple.data:
            question["multiple"] = True
        if form.allow_other.data:
            question["allow_other"] = True
        options = []
        for row in form.options:
            if row.form.is_empty():
                continue
            texts = {"nl": (row.form.text_nl.data or "").strip()}
            if (row.form.text_en.data or "").strip():
                texts["en"] = row.form.text_en.data.strip()
            option = {"code": (row.form.code.data or "").strip(), "text": texts}
            if row.form.complaint.data:
                option["complaint"] = True
            options.append(option)
        question["options"] = options
    if kind == "text" and form.max_length.data:
        question["max_length"] = form.max_length.data
    target = form.show_if_question.data
    if target:
        earlier_kind = next((q["kind"] for q in earlier if q["key"] == target), None)
        numeric = earlier_kind in SCALES
        op = form.show_if_operator.data
        raw = form.show_if_value.data or ""
        if not raw.strip():
            raise ValueError("show_if_value")
        if op == "in":
            value = [_value(v, numeric) for v in raw.split(",") if v.strip()]
        elif op == "equals":
            value = _value(raw, numeric)
        else:
            value = _value(raw, True)
        question["show_if"] = {"question": target, op: value}
    return question


def empty_question(kind: str, key: str) -> dict:
    question = {"key": key, "kind": kind, "text": {"nl": ""}}
    if kind == "choice":
        question["options"] = []
    return question
