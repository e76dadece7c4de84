"""Random and mutated calls to the WhatsApp webhook (tests/webhooks/fuzzing.py runs them).

`whatsapp-post` (POST /webhooks/whatsapp, answered in survey/webhooks/whatsapp_entry.py):
  forged   a valid delivery or random bytes with no, a random, another secret's, a truncated
           or an old-style X-Hub-Signature-256, or a valid one over other bytes: 403, nothing
           changed;
  random   random bytes or JSON (a delivery's outline with random values, too) with any
           content type and a valid signature: never a 5xx, nothing kept unless the body
           holds a delivery for our business number;
  mutated  a delivery shaped as in Meta's documentation (text, a template's quick-reply
           button with context, interactive button_reply and list_reply, statuses sent /
           delivered / read / failed) about a real WhatsApp invitation sent through the fake
           Graph API, one field anywhere in it removed, replaced by random JSON, or added,
           validly signed: never a 5xx. The queued work is then run as the worker runs it
           (survey.services.whatsapp_inbox.process_all) and must not raise, and no invitation
           may get a second response, nor a response a second answer to a question.
`whatsapp-verify` (GET, Meta's handshake): random hub.mode / hub.verify_token / hub.challenge,
  with or without the right token: the challenge back only with the right token and mode,
  otherwise a 4xx; never a 5xx, nothing changed.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from hypothesis import strategies as st

from tests.fakes.meta_graph import (
    APP_SECRET,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    inbound,
    sign,
    status,
)

PATH = "/webhooks/whatsapp"
WA_ENDPOINTS = ("whatsapp-post", "whatsapp-verify")
REASONS = ("wachten", "fout", "doorverbonden", "anders")


def seed_whatsapp(n: int = 3) -> list[dict]:
    """n phone contacts invited by a WhatsApp template through the fake Graph API that
    WHATSAPP_API_BASE points to (inside an app context, the demo organisation loaded):
    each one's number, the template's wamid, its invitation id and its buttons' payloads."""
    from flask import current_app

    from survey.domain import whatsapp as wa
    from survey.services import sending
    from survey.services.apikeys import create_api_key
    from tests.whatsapp.helpers import contact, prepare, template_payloads

    prepare()
    client = current_app.test_client()
    headers = {"Authorization": f"Bearer {create_api_key('demo', 'fuzz')}"}
    for i in range(n):
        contact(client, headers, reference=f"fuzz-wa-{i}", phone=f"06 1234 56{i:02d}")
    sent = sending.send_due(max_seconds=0)
    templates = _sent_templates()
    seeded = []
    for message in templates:
        payloads = template_payloads(message)
        tap = wa.read_payload(payloads[0])
        seeded.append({"number": message["to"], "wamid": message["id"],
                       "invitation": tap.invitation_id, "payloads": payloads})
    assert len(seeded) == n, (sent, templates)
    return seeded


def _sent_templates() -> list[dict]:
    """The templates the fake Graph API accepted, read back from the invitations (the fake may
    live in another process): wamid and number from the database, the payloads rebuilt."""
    from sqlalchemy import select

    from survey.domain import whatsapp as wa
    from survey.extensions import db
    from survey.models import Contact, Invitation

    rows = db.session.execute(select(Invitation.id, Invitation.provider_message_id,
                                     Contact.address).join(
        Contact, Contact.id == Invitation.contact_id).where(
        Invitation.survey_mode == "whatsapp", Invitation.provider_message_id.is_not(None))
        .order_by(Invitation.id)).all()
    return [{"id": row.provider_message_id, "to": (row.address or "").lstrip("+"),
             "body": {"template": {"components": [
                 {"type": "button", "parameters": [{"payload": wa.payload(row.id, "oordeel", v)}]}
                 for v in ("up", "down")]}}} for row in rows]


# ---- the valid deliveries the mutations start from ----

def valid_deliveries(seeded: dict) -> list[dict]:
    """Meta's documented shapes about one seeded invitation."""
    from survey.domain import whatsapp as wa

    number, wamid, invitation = seeded["number"], seeded["wamid"], seeded["invitation"]
    up, down = seeded["payloads"][:2]
    return [
        inbound(number, "text", text="Het duurde lang"),
        inbound(number, "button", reply_id=down, title="👎 Niet goed", context=wamid),
        inbound(number, "button", reply_id=up, title="👍 Goed", context=wamid),
        inbound(number, "button_reply", reply_id=down, title="👎 Niet goed", context=wamid),
        *[inbound(number, "list_reply", reply_id=wa.payload(invitation, "reden", code),
                  title=code, context=wamid) for code in REASONS],
        inbound(number, "button_reply", reply_id=wa.payload(invitation, "toelichting", wa.SKIP),
                title="Nee", context=wamid),
        inbound(number, "image"),
        *[status(wamid, state, number) for state in ("sent", "delivered", "read")],
        status(wamid, "failed", number, error=131047),
        status(wamid, "failed", number, error=131026),
    ]


# ---- strategies ----

def _json_values():
    from tests.webhooks.fuzzing import json_values

    return json_values


@st.composite
def mutate_anywhere(draw, value):
    """One field anywhere in a nested document (through objects and lists) removed, replaced
    by random JSON, or one added."""
    from tests.webhooks.fuzzing import texts

    value = json.loads(json.dumps(value))
    target = value
    while draw(st.integers(0, 4)):  # usually deep: the interesting fields are
        children = (sorted(target) if isinstance(target, dict) else range(len(target))) \
            if isinstance(target, dict | list) else []
        children = [c for c in children if isinstance(target[c], dict | list) and target[c]]
        if not children:
            break
        target = target[draw(st.sampled_from(children))]
    how = draw(st.sampled_from(["remove", "replace", "add"]))
    if isinstance(target, list):
        index = draw(st.integers(0, max(len(target) - 1, 0)))
        if how == "add" or not target:
            target.insert(index, draw(_json_values()))
        elif how == "remove":
            del target[index]
        else:
            target[index] = draw(_json_values())
        return value
    if how == "add" or not target:
        target[draw(texts)] = draw(_json_values())
        return value
    key = draw(st.sampled_from(sorted(target)))
    if how == "remove":
        del target[key]
    else:
        target[key] = draw(_json_values())
    return value


def random_outline():
    """A delivery's outline (object, entry, changes, value, metadata, messages) with random
    values in it, our number's id or not."""
    values = _json_values()
    message = st.fixed_dictionaries({}, optional={
        "from": values, "id": values, "timestamp": values, "type": values, "text": values,
        "button": values, "interactive": values, "context": values, "image": values})
    state = st.fixed_dictionaries({}, optional={
        "id": values, "status": values, "timestamp": values, "errors": values,
        "recipient_id": values})
    value = st.fixed_dictionaries({
        "metadata": st.fixed_dictionaries({"phone_number_id": st.sampled_from(
            [PHONE_NUMBER_ID, "999999"]) | values}) | values,
    }, optional={"messages": st.lists(message, max_size=3) | values,
                 "statuses": st.lists(state, max_size=3) | values})
    change = st.fixed_dictionaries({"field": st.just("messages") | values, "value": value})
    entry = st.fixed_dictionaries({"id": values, "changes": st.lists(change, max_size=2)
                                   | values})
    return st.fixed_dictionaries({
        "object": st.just("whatsapp_business_account") | values,
        "entry": st.lists(entry, max_size=2) | values})


def body_of(document) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode()


def keeps_something(body: bytes) -> bool:
    """Whether a body holds a delivery for our business number (it may then be kept)."""
    from survey.domain.whatsapp import read_webhook

    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False
    try:
        return any(e.phone_number_id == PHONE_NUMBER_ID for e in read_webhook(document))
    except Exception:  # noqa: BLE001 - the server's answer is judged, not this guess
        return True


@st.composite
def whatsapp_calls(draw, endpoint: str, mode: str, seeded: list[dict]):
    from tests.webhooks.fuzzing import CONTENT_TYPES, Call, header_values, raw, texts

    if endpoint == "whatsapp-verify":
        params = {}
        for name, choices in (("hub.mode", st.just("subscribe") | texts),
                              ("hub.verify_token", st.just(VERIFY_TOKEN) | texts),
                              ("hub.challenge", st.integers(0, 2**63).map(str) | texts)):
            if draw(st.integers(0, 5)):
                params[name] = draw(choices)
        if draw(st.booleans()):
            params[draw(st.text(min_size=1, max_size=10))] = draw(texts)
        return Call("GET", PATH + ("?" + urlencode(params) if params else ""), proven=False,
                    query=params)
    content_type = "application/json"
    if mode == "random":
        kind = draw(st.sampled_from(["raw", "json", "outline"]))
        if kind == "raw":
            body = draw(raw)
        else:
            body = body_of(draw(_json_values() if kind == "json" else random_outline()))
        content_type = draw(st.sampled_from(CONTENT_TYPES))
        return Call("POST", PATH, body=body, content_type=content_type,
                    headers={"X-Hub-Signature-256": sign(body)}, keeps=keeps_something(body))
    valid = draw(st.sampled_from(valid_deliveries(draw(st.sampled_from(seeded)))))
    if mode == "mutated":
        body = body_of(draw(mutate_anywhere(valid)))
        return Call("POST", PATH, body=body, content_type=content_type,
                    headers={"X-Hub-Signature-256": sign(body)}, keeps=True)
    body = body_of(valid) if draw(st.booleans()) else draw(raw)
    right = sign(body)
    how = draw(st.sampled_from(["none", "random", "secret", "truncated", "other", "sha1",
                                "old-header", "hex-only"]))
    headers = {
        "none": {},
        "random": {"X-Hub-Signature-256": draw(header_values)},
        "secret": {"X-Hub-Signature-256": sign(body, draw(st.text(min_size=1, max_size=30)
                                                           .filter(lambda s: s != APP_SECRET)))},
        "truncated": {"X-Hub-Signature-256": right[:draw(st.integers(0, len(right) - 1))]},
        "other": {"X-Hub-Signature-256": sign(body + draw(st.binary(min_size=1, max_size=8)))},
        "sha1": {"X-Hub-Signature-256": right.replace("sha256=", "sha1=")},
        "old-header": {"X-Hub-Signature": right},
        "hex-only": {"X-Hub-Signature-256": right.removeprefix("sha256=")},
    }[how]
    if how == "truncated" and not headers["X-Hub-Signature-256"]:
        headers = {}
    return Call("POST", PATH, body=body, content_type=content_type, headers=headers,
                proven=False)


def verify_expected(query: dict) -> tuple[set[int], str | None]:
    """The handshake's answer: (statuses allowed, the body a 200 must carry)."""
    if any("\x00" in key + value for key, value in query.items()):
        return {400}, None  # a NUL anywhere in the URL: refused by the strict parsing first
    if query.get("hub.mode") != "subscribe" or query.get("hub.verify_token") != VERIFY_TOKEN:
        return {403}, None
    challenge = query.get("hub.challenge", "")
    if not challenge or len(challenge) > 200:
        return {400}, None
    return {200}, challenge


def duplicates(connection) -> list:
    """Invitations with more than one response, and responses with two answers to a question."""
    from sqlalchemy import text

    twice = connection.execute(text(
        "SELECT invitation_id FROM responses WHERE invitation_id IS NOT NULL "
        "GROUP BY invitation_id HAVING COUNT(*) > 1")).all()
    again = connection.execute(text(
        "SELECT response_id, question_key FROM answers "
        "GROUP BY response_id, question_key HAVING COUNT(*) > 1")).all()
    return [tuple(r) for r in twice] + [tuple(r) for r in again]


def process_queued(now=None) -> int:
    """The worker's processing of every event still waiting (inside an app context)."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import WhatsAppEvent
    from survey.services import whatsapp_inbox

    db.session.rollback()
    ids = list(db.session.execute(select(WhatsAppEvent.id).where(
        WhatsAppEvent.processed_at.is_(None), WhatsAppEvent.data.is_not(None))
        .order_by(WhatsAppEvent.id)).scalars())
    done = whatsapp_inbox.process_all(ids, now or datetime.now(UTC))
    db.session.rollback()
    return done


def worker_problem(call) -> str | None:
    """After a proven delivery: the queued work, as the worker does it, must not raise, and no
    invitation may have a second response (inside an app context)."""
    from survey.extensions import db

    try:
        process_queued()
    except Exception as error:  # noqa: BLE001 - every exception is the finding
        db.session.rollback()
        return f"the worker raised {error!r} for {call.describe()}"
    with db.engine.connect() as connection:
        twice = duplicates(connection)
    return f"second responses or answers {twice} after {call.describe()}" if twice else None

