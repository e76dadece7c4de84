"""Every problem of a survey definition at once, each at its field, for the survey editor.

`parse_definition` (definition.py) stops at the first inconsistency and stays the gate every
stored version passes. The editor needs more: all problems together, each naming the field at
fault (``questions[2].options[1].code``) with a code and parameters the page words in the
user's language, and the limits of the channels a survey is sent over:

- SMS: a question's text fits in one segment (160 GSM-7 characters, 70 when a character outside
  GSM-7 forces UCS-2; survey/domain/sms.py), and the message with its numbered options in at
  most ``SMS_MAX_SEGMENTS``.
- WhatsApp (Cloud API interactive messages): the body (question text) at most 1,024 characters;
  a single choice with up to 3 options is sent as reply buttons (title at most 20 characters),
  with up to 10 as a list (row title at most 24); more options do not fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from survey.domain.definition import DEFAULT_SATISFIED, QUESTION_KINDS
from survey.domain.flow import COMPARISONS, OPERATORS, SCALES, THUMBS, YES_NO_NA
from survey.domain.sms import non_gsm7, sms_length

LANGUAGES = ("nl", "en")
CODE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}$")
QUESTION_TEXT_MAX = 1000
OPTION_TEXT_MAX = 200

SMS_MAX_SEGMENTS = 3
WHATSAPP_BODY_MAX = 1024
WHATSAPP_BUTTON_TITLE_MAX = 20
WHATSAPP_BUTTONS_MAX = 3
WHATSAPP_ROW_TITLE_MAX = 24
WHATSAPP_ROWS_MAX = 10

# Modes whose limits are checked; the others (kiosk, pop-up, inline, link, qr, e-mail) show any
# length the definition allows.
CHECKED_MODES = ("sms", "whatsapp")


@dataclass(frozen=True)
class Problem:
    code: str
    field: str
    params: dict = field(default_factory=dict)


def _texts(raw) -> dict:
    return raw if isinstance(raw, dict) else {}


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _allowed(question: dict) -> tuple | None:
    kind = question.get("kind")
    if kind in SCALES:
        low, high = SCALES[kind]
        return tuple(range(low, high + 1))
    if kind == "thumbs":
        return THUMBS
    if kind == "yes_no_na":
        return YES_NO_NA
    if kind == "choice":
        codes = tuple(str(o.get("code")) for o in question.get("options") or [])
        return codes + ("other",) if question.get("allow_other") else codes
    return None


def _check_texts(raw, where: str, limit: int, out: list[Problem]) -> None:
    texts = _texts(raw)
    if not isinstance(texts.get("nl"), str) or not texts["nl"].strip():
        out.append(Problem("text_required", f"{where}.nl"))
    for lang in LANGUAGES:
        value = texts.get(lang)
        if isinstance(value, str) and len(value) > limit:
            out.append(Problem("text_too_long", f"{where}.{lang}", {"max": limit}))


def _check_options(question: dict, where: str, out: list[Problem]) -> None:
    options = question.get("options") or []
    if question.get("kind") != "choice":
        return
    if not options:
        out.append(Problem("options_required", f"{where}.options"))
    seen: set[str] = set()
    for j, option in enumerate(options):
        at = f"{where}.options[{j}]"
        code = option.get("code") if isinstance(option, dict) else None
        if not isinstance(code, str) or not CODE.match(code):
            out.append(Problem("code_invalid", f"{at}.code"))
        elif code in seen or (code == "other" and question.get("allow_other")):
            out.append(Problem("code_duplicate", f"{at}.code", {"code": code}))
        else:
            seen.add(code)
        _check_texts(
            option.get("text") if isinstance(option, dict) else None,
            f"{at}.text",
            OPTION_TEXT_MAX,
            out,
        )


def _check_condition(question: dict, where: str, index: dict, position: int, out) -> None:
    cond = question.get("show_if")
    if cond is None:
        return
    at = f"{where}.show_if"
    if not isinstance(cond, dict) or not isinstance(cond.get("question"), str):
        out.append(Problem("condition_invalid", at))
        return
    target = cond["question"]
    if target not in index:
        out.append(Problem("condition_unknown", at, {"question": target}))
        return
    if index[target][0] >= position:
        out.append(Problem("condition_later", at, {"question": target}))
        return
    ops = [op for op in OPERATORS if op in cond]
    if len(ops) != 1:
        out.append(Problem("condition_invalid", at))
        return
    op, value = ops[0], cond[ops[0]]
    earlier = index[target][1]
    allowed = _allowed(earlier)
    numeric = earlier.get("kind") in SCALES
    if op in COMPARISONS:
        if not numeric or not _is_number(value):
            out.append(Problem("condition_number", at, {"question": target}))
        return
    values = value if op == "in" else [value]
    if not isinstance(values, list) or not values or allowed is None:
        out.append(Problem("condition_value", at, {"question": target}))
        return
    for v in values:
        if v not in allowed or isinstance(v, bool):
            out.append(Problem("condition_value", at, {"question": target, "value": str(v)}))
            return


def _check_headline(data: dict, index: dict, out: list[Problem]) -> None:
    questions = data.get("questions") or [{}]
    headline = data.get("headline") or questions[0].get("key")
    if headline not in index:
        out.append(Problem("headline_unknown", "headline"))
        return
    question = index[headline][1]
    kind = question.get("kind")
    if kind == "text" or (kind == "choice" and question.get("multiple")):
        out.append(Problem("headline_kind", "headline"))
        return
    rule = data.get("satisfied") or DEFAULT_SATISFIED.get(kind) or {}
    if kind in SCALES:
        low, high = SCALES[kind]
        value = rule.get("min")
        if not _is_number(value) or not low <= value <= high:
            out.append(Problem("satisfied_min", "satisfied", {"low": low, "high": high}))
        return
    values = rule.get("values")
    allowed = _allowed(question) or ()
    if not isinstance(values, list) or not values or any(v not in allowed for v in values):
        out.append(Problem("satisfied_values", "satisfied"))


def check_definition(data: dict, modes=()) -> list[Problem]:
    """Every problem of this definition (a dict as stored), in the order of the page."""
    out: list[Problem] = []
    if not isinstance(data, dict):
        return [Problem("definition_invalid", "")]
    _check_texts(data.get("title") or {"nl": "-"}, "title", OPTION_TEXT_MAX, out)
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        out.append(Problem("questions_required", "questions"))
        return out
    index: dict[str, tuple[int, dict]] = {}
    for i, question in enumerate(questions):
        if isinstance(question, dict) and isinstance(question.get("key"), str):
            index.setdefault(question["key"], (i, question))
    keys_seen: set[str] = set()
    for i, question in enumerate(questions):
        where = f"questions[{i}]"
        if not isinstance(question, dict):
            out.append(Problem("definition_invalid", where))
            continue
        key = question.get("key")
        if not isinstance(key, str) or not key.isidentifier() or len(key) > 40:
            out.append(Problem("key_invalid", f"{where}.key"))
        elif key in keys_seen:
            out.append(Problem("key_duplicate", f"{where}.key", {"key": key}))
        keys_seen.add(key) if isinstance(key, str) else None
        if question.get("kind") not in QUESTION_KINDS:
            out.append(Problem("kind_unknown", f"{where}.kind"))
        _check_texts(question.get("text"), f"{where}.text", QUESTION_TEXT_MAX, out)
        _check_options(question, where, out)
        _check_condition(question, where, index, i, out)
        for mode in modes:
            if mode in CHECKED_MODES:
                out.extend(channel_problems(question, where, mode))
    _check_headline(data, index, out)
    _check_complaint(questions, out)
    return out


def _check_complaint(questions: list, out: list[Problem]) -> None:
    """At most one option is the complaint reason (survey/domain/complaints.py): the widget
    and the report look for one, and a person needs one way to say it."""
    seen = False
    for i, question in enumerate(questions):
        options = question.get("options") if isinstance(question, dict) else None
        for j, option in enumerate(options if isinstance(options, list) else []):
            flag = option.get("complaint", False) if isinstance(option, dict) else False
            where = f"questions[{i}].options[{j}].complaint"
            if not isinstance(flag, bool):
                out.append(Problem("complaint_invalid", where))
            elif flag and seen:
                out.append(Problem("complaint_once", where))
            seen = seen or flag is True


def sms_message(question: dict, lang: str) -> str:
    """The text of one SMS asking this question: its text, then its numbered options."""
    text = _texts(question.get("text")).get(lang) or ""
    lines = [text]
    if question.get("kind") == "choice":
        for n, option in enumerate(question.get("options") or [], start=1):
            label = _texts(option.get("text")).get(lang) or _texts(option.get("text")).get("nl")
            lines.append(f"{n}. {label}")
    return "\n".join(lines)


def channel_problems(question: dict, where: str, mode: str) -> list[Problem]:
    """The texts of one question that do not fit a channel's messages."""
    out: list[Problem] = []
    texts = _texts(question.get("text"))
    options = question.get("options") or []
    for lang in LANGUAGES:
        text = texts.get(lang)
        if not isinstance(text, str) or not text:
            continue
        if mode == "sms":
            length = sms_length(text)
            if length.segments > 1:
                out.append(
                    Problem(
                        "sms_segment",
                        f"{where}.text.{lang}",
                        {
                            "units": length.units,
                            "max": length.single_limit,
                            "chars": non_gsm7(text),
                        },
                    )
                )
            whole = sms_length(sms_message(question, lang))
            if whole.segments > SMS_MAX_SEGMENTS:
                out.append(
                    Problem(
                        "sms_message",
                        f"{where}.options" if options else f"{where}.text.{lang}",
                        {"segments": whole.segments, "max": SMS_MAX_SEGMENTS},
                    )
                )
        elif mode == "whatsapp":
            if len(text) > WHATSAPP_BODY_MAX:
                out.append(
                    Problem("whatsapp_body", f"{where}.text.{lang}", {"max": WHATSAPP_BODY_MAX})
                )
    if mode == "whatsapp" and question.get("kind") == "choice":
        out.extend(_whatsapp_options(question, where))
    return out


def _whatsapp_options(question: dict, where: str) -> list[Problem]:
    options = question.get("options") or []
    count = len(options) + (1 if question.get("allow_other") else 0)
    if question.get("multiple"):
        return []  # several picks are typed as numbers under the body, not picked from a list
    if count > WHATSAPP_ROWS_MAX:
        return [Problem("whatsapp_rows", f"{where}.options", {"max": WHATSAPP_ROWS_MAX})]
    buttons = count <= WHATSAPP_BUTTONS_MAX
    limit = WHATSAPP_BUTTON_TITLE_MAX if buttons else WHATSAPP_ROW_TITLE_MAX
    out = []
    for j, option in enumerate(options):
        for lang, text in _texts(option.get("text")).items():
            if lang in LANGUAGES and isinstance(text, str) and len(text) > limit:
                code = "whatsapp_button" if buttons else "whatsapp_row"
                out.append(Problem(code, f"{where}.options[{j}].text.{lang}", {"max": limit}))
    return out
