"""The survey as a WhatsApp conversation: pure pieces (no I/O, no Flask).

- Which message asks a question (WhatsApp Cloud API shapes): thumbs, yes/no and a single
  choice of up to 3 options as reply buttons; a grade, NPS, CES or a single choice of up to 10
  as a list; a multiple choice as numbered lines to type; a text as a plain message.
- The first message outside the 24-hour customer-service window: an approved template whose
  quick-reply buttons carry the headline's answers (or "start" for a headline with more than
  two answers) and "Afmelden".
- Button and row ids ("payloads") that name the invitation, the question and the value.
- The webhook's JSON (entry[].changes[].value.messages[] / statuses[]) read into events.
- `setup_problems`: a survey's questions against the API's limits, checked when a rule is set
  up for WhatsApp, never at send time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from survey.domain.checks import (
    WHATSAPP_BODY_MAX,
    WHATSAPP_BUTTONS_MAX,
    WHATSAPP_ROWS_MAX,
    Problem,
    channel_problems,
)
from survey.domain.flow import SCALES, allowed_values

PAYLOAD_PREFIX = "kto1"
START = "_start"  # the template's button that starts a headline with more than two answers
OPT_OUT = "_optout"
SKIP = "_skip"
TEXT_MAX = 4096  # a text message's body
LIST_BUTTON_MAX = 20
ROW_DESCRIPTION_MAX = 72
# Meta's customer-service window is 24 hours after the citizen's last message; a message
# sent this close to its end may arrive after it, so a template is used from here on.
WINDOW = timedelta(hours=23)
STOP_WORDS = frozenset({"STOP", "STOPPEN", "AFMELDEN", "UITSCHRIJVEN", "UNSUBSCRIBE"})
_PAYLOAD = re.compile(r"^kto1:(\d{1,18}):([A-Za-z_][A-Za-z0-9_]{0,39}):([A-Za-z0-9_.-]{1,40})$")


@dataclass(frozen=True)
class Words:
    """The fixed words of the conversation in one language (gettext, from the service)."""

    up: str
    down: str
    yes: str
    no: str
    na: str
    skip: str
    choose: str  # the list's button
    start: str
    opt_out: str
    type_numbers: str  # under a multiple choice
    type_text: str  # under a text question
    nps_zero: str  # under an NPS list: 0 is typed
    other: str  # a choice's "other" option


@dataclass(frozen=True)
class Tap:
    invitation_id: int
    question: str
    value: str


def payload(invitation_id: int, question: str, value) -> str:
    return f"{PAYLOAD_PREFIX}:{invitation_id}:{question}:{value}"


def read_payload(raw) -> Tap | None:
    """A button's or row's id as we made it, or None."""
    found = _PAYLOAD.match(raw) if isinstance(raw, str) else None
    if not found:
        return None
    return Tap(int(found.group(1)), found.group(2), found.group(3))


def tap_value(question, raw: str):
    """The answer a tapped value stands for (a score as int), or None when not offered."""
    for value in allowed_values(question) or ():
        if str(value) == raw:
            return value
    return None


def is_stop(text: str) -> bool:
    words = (text or "").strip().upper().split()
    return len(words) == 1 and words[0].strip(".!") in STOP_WORDS


def in_window(last_inbound: datetime | None, now: datetime) -> bool:
    """Whether a free-form (interactive) message may still be sent."""
    return last_inbound is not None and now - last_inbound < WINDOW


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _option_titles(question, lang: str, words: Words) -> list[tuple[str, str]]:
    """(value, title) of each answer a question offers, in order."""
    kind = question.kind
    if kind == "thumbs":
        return [("up", words.up), ("down", words.down)]
    if kind == "yes_no_na":
        return [("yes", words.yes), ("no", words.no), ("na", words.na)]
    if kind in SCALES:
        low, high = SCALES[kind]
        values = list(range(high, low - 1, -1))  # best first, as people read a list
        if len(values) > WHATSAPP_ROWS_MAX:
            values = values[:WHATSAPP_ROWS_MAX]  # NPS: 10 rows, 0 is typed (words.nps_zero)
        return [(str(v), str(v)) for v in values]
    if kind == "choice":
        titles = [(o.code, o.text.get(lang) or o.text.get("nl") or o.code)
                  for o in question.options]
        if question.allow_other and "other" not in {c for c, _ in titles}:
            titles.append(("other", words.other))
        return titles
    return []


def question_message(question, lang: str, invitation_id: int, words: Words) -> dict:
    """The Graph API message (type and its object) that asks this question."""
    body = question.label(lang)
    kind = question.kind
    titles = _option_titles(question, lang, words)
    ids = [(payload(invitation_id, question.key, v), t) for v, t in titles]
    optional = not question.required
    if kind == "text" or (kind == "choice" and question.multiple):
        lines = [body]
        if kind == "choice":
            lines += [f"{n}. {t}" for n, (_, t) in enumerate(titles, start=1)]
            lines.append(words.type_numbers)
        else:
            lines.append(words.type_text)
        return {"type": "text", "text": {"body": _cut("\n".join(lines), TEXT_MAX),
                                         "preview_url": False}}
    buttons = kind in ("thumbs", "yes_no_na") or (kind == "choice" and len(ids) <= 3)
    if buttons:
        if optional and len(ids) < WHATSAPP_BUTTONS_MAX:
            ids.append((payload(invitation_id, question.key, SKIP), words.skip))
        return {"type": "interactive", "interactive": {
            "type": "button",
            "body": {"text": _cut(body, WHATSAPP_BODY_MAX)},
            "action": {"buttons": [{"type": "reply", "reply": {"id": i, "title": _cut(t, 20)}}
                                   for i, t in ids]},
        }}
    if kind == "nps":
        body = f"{body}\n{words.nps_zero}"
    if optional and len(ids) < WHATSAPP_ROWS_MAX:
        ids.append((payload(invitation_id, question.key, SKIP), words.skip))
    rows = []
    for i, t in ids:
        row = {"id": i, "title": _cut(t, 24)}
        if len(t) > 24:
            row["description"] = _cut(t, ROW_DESCRIPTION_MAX)
        rows.append(row)
    return {"type": "interactive", "interactive": {
        "type": "list",
        "body": {"text": _cut(body, WHATSAPP_BODY_MAX)},
        "action": {"button": _cut(words.choose, LIST_BUTTON_MAX),
                   "sections": [{"title": _cut(words.choose, 24), "rows": rows}]},
    }}


def text_message(body: str) -> dict:
    return {"type": "text", "text": {"body": _cut(body, TEXT_MAX), "preview_url": False}}


def template_values(headline) -> list[str]:
    """The values the template's quick-reply buttons carry, in order, before "Afmelden"."""
    values = [str(v) for v in allowed_values(headline) or ()]
    return values if len(values) <= WHATSAPP_BUTTONS_MAX - 1 else [START]


def template_message(name: str, code: str, headline, invitation_id: int,
                     organisation: str) -> dict:
    """The approved template: body parameter {{1}} the organisation's name, one quick-reply
    button per headline answer (or one "start" button), then "Afmelden"."""
    values = [*template_values(headline), OPT_OUT]
    buttons = [{"type": "button", "sub_type": "quick_reply", "index": str(i),
                "parameters": [{"type": "payload",
                                "payload": payload(invitation_id, headline.key, v)}]}
               for i, v in enumerate(values)]
    return {"type": "template", "template": {
        "name": name, "language": {"code": code},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": organisation}]},
                       *buttons],
    }}


def setup_problems(definition) -> list[Problem]:
    """What in a survey (a SurveyDefinition) does not fit WhatsApp's messages."""
    out: list[Problem] = []
    for i, question in enumerate(definition.questions):
        where = f"questions[{i}]"
        out.extend(channel_problems(question.to_dict(), where, "whatsapp"))
        if question.kind == "choice" and question.multiple:
            for lang in ("nl", "en"):
                lines = [question.label(lang)] + [
                    f"{n}. {o.text.get(lang) or o.text.get('nl')}"
                    for n, o in enumerate(question.options, start=1)]
                if len("\n".join(lines)) > WHATSAPP_BODY_MAX:
                    out.append(Problem("whatsapp_body", f"{where}.options",
                                       {"max": WHATSAPP_BODY_MAX}))
                    break
    return out


# ---- the webhook's JSON ----

@dataclass(frozen=True)
class Event:
    """One message or status from a webhook delivery."""

    kind: str  # "message" or "status"
    phone_number_id: str
    message_id: str
    sender: str = ""  # the citizen's number (wa_id, digits) of a message
    type: str = ""  # text, button, interactive, or another (ignored)
    text: str = ""  # typed text, or the button's or row's title
    reply_id: str = ""  # the button's payload or the interactive reply's id
    context_id: str = ""  # the wamid of our message this replies to
    status: str = ""  # sent, delivered, read, failed
    error_code: str = ""
    timestamp: int = 0

    @property
    def key(self) -> str:
        """What makes this event once: a message by its id, a status by id and status."""
        if self.kind == "status":
            return f"s:{self.message_id}:{self.status}"
        return f"m:{self.message_id}"

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _str(value, limit: int = 4096) -> str:
    return value[:limit] if isinstance(value, str) else ""


# Meta's JSON has a fixed shape, but a signed delivery is still input: a part of the wrong type
# (a number where an object or a list belongs) is read as absent, never raised on.
def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _stamp(value) -> int:
    """Meta's Unix time (a string of digits); 0 when it is none."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return 0
    try:
        stamp = int(value)
    except ValueError:  # not digits, or more digits than Python converts
        return 0
    return stamp if 0 <= stamp < 2**63 else 0


def _message(phone_number_id: str, m: dict) -> Event | None:
    if not isinstance(m, dict) or not _str(m.get("id")):
        return None
    kind = _str(m.get("type"), 40)
    text, reply_id = "", ""
    if kind == "text":
        text = _str(_dict(m.get("text")).get("body"))
    elif kind == "button":  # a template's quick-reply button
        button = _dict(m.get("button"))
        text, reply_id = _str(button.get("text"), 200), _str(button.get("payload"), 256)
    elif kind == "interactive":
        inner = _dict(m.get("interactive"))
        inner_type = _str(inner.get("type"), 40)
        reply = inner.get(inner_type) if inner_type in ("button_reply", "list_reply") else None
        if isinstance(reply, dict):
            text, reply_id = _str(reply.get("title"), 200), _str(reply.get("id"), 256)
    context = _dict(m.get("context"))
    return Event("message", phone_number_id, _str(m["id"], 128), sender=_str(m.get("from"), 20),
                 type=kind, text=text, reply_id=reply_id,
                 context_id=_str(context.get("id"), 128), timestamp=_stamp(m.get("timestamp")))


def _status(phone_number_id: str, s: dict) -> Event | None:
    if not isinstance(s, dict) or not _str(s.get("id")) or not _str(s.get("status")):
        return None
    errors = _list(s.get("errors"))
    code = _dict(errors[0]).get("code") if errors else ""
    if isinstance(code, bool) or not isinstance(code, str | int):
        code = ""
    return Event("status", phone_number_id, _str(s["id"], 128), status=_str(s["status"], 20),
                 error_code=str(code)[:20], timestamp=_stamp(s.get("timestamp")))


def read_webhook(body) -> list[Event]:
    """The messages and statuses of a webhook delivery; anything else is left out."""
    events: list[Event] = []
    if not isinstance(body, dict) or body.get("object") != "whatsapp_business_account":
        return events
    for entry in _list(body.get("entry")):
        for change in _list(_dict(entry).get("changes")):
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = _dict(change.get("value"))
            number_id = _str(_dict(value.get("metadata")).get("phone_number_id"), 40)
            if not number_id:
                continue
            for m in _list(value.get("messages")):
                event = _message(number_id, m)
                if event:
                    events.append(event)
            for s in _list(value.get("statuses")):
                event = _status(number_id, s)
                if event:
                    events.append(event)
    return events
    for entry in body.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value") if isinstance(change.get("value"), dict) else {}
            number_id = _str((value.get("metadata") or {}).get("phone_number_id"), 40)
            if not number_id:
                continue
            for m in value.get("messages") or []:
                event = _message(number_id, m)
                if event:
                    events.append(event)
            for s in value.get("statuses") or []:
                event = _status(number_id, s)
                if event:
                    events.append(event)
    return events
