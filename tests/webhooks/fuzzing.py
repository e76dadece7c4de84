"""Random and mutated calls to the provider webhooks, and what every answer must be.

Shared by tests/webhooks/test_webhook_fuzz.py (a short run in process) and
bench/webhook_fuzz.py (1,000 cases per endpoint and mode against gunicorn). Modes:
  forged   a random or a mutated valid body without a valid proof (no, a wrong or a stale
           X-Twilio-Signature; a wrong CM.com secret): 403 and nothing changed;
  random   random bodies (form, JSON or raw bytes) with a valid proof: never a 5xx;
  mutated  a valid delivery report or inbound message about a real delivery, one field
           removed, replaced by random text or JSON, or one added, with a valid proof:
           never a 5xx.
The one-click unsubscribe takes random tokens (GET and POST): never a 5xx, nothing changed.
The WhatsApp webhook (POST and the GET handshake) is in tests/webhooks/fuzz_whatsapp.py, the
callback requests (the widget's signed link, the kiosk API) in tests/webhooks/fuzz_callbacks.py.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import quote

from hypothesis import strategies as st

from tests.fakes.twilio import SID, TOKEN, signature

PUBLIC = "https://kto.voorbeeld.nl"
CM_SECRET = "cm-webhook-secret-" + "s" * 24
SETTINGS = {"PUBLIC_URL": PUBLIC, "TWILIO_AUTH_TOKEN": TOKEN, "CM_WEBHOOK_SECRET": CM_SECRET}
SENT = 4  # deliveries seeded as sent: twilio ones with sids SM..., cm ones by reference
MODES = ("forged", "random", "mutated")
ENDPOINTS = ("twilio-status", "twilio-inbound", "cm-status", "cm-inbound", "unsubscribe")
NEW_ENDPOINTS = ("whatsapp-post", "whatsapp-verify", "callback-link", "kiosk-callback")
ALL_ENDPOINTS = ENDPOINTS + NEW_ENDPOINTS


def modes_of(endpoint: str) -> tuple[str, ...]:
    return ("random",) if endpoint in ("unsubscribe", "whatsapp-verify") else MODES


@dataclass
class Call:
    method: str
    path: str  # with its query, already encoded
    form: dict | None = None
    body: bytes | None = None
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    proven: bool = True  # carries a valid signature or secret
    keeps: bool = True  # a proven call that may change something (else: nothing may)
    query: dict | None = None  # the handshake's parameters, as sent

    def describe(self) -> str:
        shown = self.form if self.form is not None else (self.body or b"")[:120]
        return f"{self.method} {self.path} {shown!r} proven={self.proven}"


# ---- the data the mutations start from ----

def seed_sent(n: int = SENT) -> list[dict]:
    """n SMS invitations sent through twilio and n through cmcom (inside an app context)."""
    from sqlalchemy import update

    from survey.database import unit_of_work
    from survey.models.invitation import Delivery, Invitation
    from tests.sending.helpers import make_invitations

    seeded = []
    ids = make_invitations(2 * n)
    with unit_of_work() as session:
        for i, invitation_id in enumerate(ids):
            provider = "twilio" if i < n else "cmcom"
            key = f"kto-{invitation_id}-i"
            sid = f"SM{invitation_id:032x}" if provider == "twilio" else None
            session.add(Delivery(invitation_id=invitation_id, kind="invitation", status="sent",
                                 attempts=1, provider=provider, idempotency_key=key,
                                 provider_message_id=sid))
            session.execute(update(Invitation).where(Invitation.id == invitation_id)
                            .values(status="sent", provider=provider, provider_message_id=sid))
            seeded.append({"provider": provider, "reference": key, "sid": sid})
    return seeded


def fingerprint(connection) -> tuple:
    """Rows per table and every invitation's and delivery's state: what a forged call must
    leave as it was."""
    from sqlalchemy import text

    from survey.extensions import db

    counts = tuple(connection.execute(text(f"SELECT COUNT(*) FROM {t.name}")).scalar()
                   for t in db.metadata.sorted_tables)
    invitations = tuple(connection.execute(text(
        "SELECT id, status, delivered_at, opened_at FROM invitations ORDER BY id")).all())
    deliveries = tuple(connection.execute(text(
        "SELECT id, status, error, finished_at FROM deliveries ORDER BY id")).all())
    return counts, invitations, deliveries


# ---- strategies ----

texts = st.text(max_size=40)
safe = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False) | texts,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(texts, children, max_size=4),
    max_leaves=10,
)
# What an HTTP client can put in a header: visible ASCII, spaces only inside.
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126),
                        min_size=1, max_size=40).map(str.strip).filter(bool)
forms = st.dictionaries(st.text(min_size=1, max_size=20), texts, max_size=8)
raw = st.binary(max_size=300)
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain",
                 "multipart/form-data; boundary=x", "application/xml", ""]


def twilio_status(seeded: dict, status: str = "delivered") -> tuple[str, dict]:
    sid = seeded["sid"] or "SM" + "0" * 32
    return (f"/webhooks/sms/twilio/status?ref={seeded['reference']}",
            {"MessageSid": sid, "SmsSid": sid, "AccountSid": SID, "MessageStatus": status,
             "SmsStatus": status, "To": "+31610000000", "From": "+3197010000000",
             "ApiVersion": "2010-04-01"})


def twilio_inbound(body: str = "STOP") -> tuple[str, dict]:
    return ("/webhooks/sms/twilio/inbound",
            {"MessageSid": "SMin" + secrets.token_hex(15), "AccountSid": SID,
             "From": "+31610000000", "To": "+3197010000000", "Body": body, "NumMedia": "0",
             "ApiVersion": "2010-04-01"})


def cm_status(seeded: dict, code: str = "2") -> dict:
    return {"messages": {"msg": {"received": "2026-12-05T10:00:00", "to": "0031610000000",
                                 "reference": seeded["reference"],
                                 "status": {"code": code, "errorCode": ""}}}}


def cm_inbound(text: str = "STOP") -> dict:
    return {"from": {"number": "+31610000000"}, "to": {"number": "KTO"},
            "message": {"text": text}, "reference": secrets.token_hex(8)}


@st.composite
def mutate(draw, value):
    """One field of a (nested) dict removed, replaced or added."""
    value = json.loads(json.dumps(value))
    target, keys = value, []
    while isinstance(target, dict) and target and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(target)))
        if not isinstance(target[key], dict):
            break
        keys.append(key)
        target = target[key]
    how = draw(st.sampled_from(["remove", "replace", "add"]))
    if not isinstance(target, dict) or not target or how == "add":
        if isinstance(target, dict):
            target[draw(texts)] = draw(json_values)
        return value
    key = draw(st.sampled_from(sorted(target)))
    if how == "remove":
        del target[key]
    else:
        target[key] = draw(json_values)
    return value


def _form(value: dict) -> dict:
    """A mutated form: every value as text, as a form carries it."""
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()
            if str(k)}


def _signed(path: str, form: dict) -> dict:
    return {"X-Twilio-Signature": signature(PUBLIC + path, form)}


def calls(endpoint: str, mode: str, seeded):
    """The strategy of calls for an endpoint and mode; `seeded` is what its seeding returned
    (seed_sent, fuzz_whatsapp.seed_whatsapp or fuzz_callbacks.seed_callbacks)."""
    if endpoint.startswith("whatsapp"):
        from tests.webhooks.fuzz_whatsapp import whatsapp_calls

        return whatsapp_calls(endpoint, mode, seeded)
    if endpoint in ("callback-link", "kiosk-callback"):
        from tests.webhooks.fuzz_callbacks import callback_calls

        return callback_calls(endpoint, mode, seeded)
    return sms_calls(endpoint, mode, seeded)


@st.composite
def sms_calls(draw, endpoint: str, mode: str, seeded: list[dict]):
    twilio_sent = [s for s in seeded if s["provider"] == "twilio"]
    cm_sent = [s for s in seeded if s["provider"] == "cmcom"]
    if endpoint == "unsubscribe":
        token = draw(st.text(min_size=1, max_size=60))
        return Call(draw(st.sampled_from(["GET", "POST"])),
                    "/webhooks/email/unsubscribe/" + quote(token, safe=""), proven=False)
    if endpoint.startswith("twilio"):
        if endpoint == "twilio-status":
            path, valid = twilio_status(draw(st.sampled_from(twilio_sent)), draw(
                st.sampled_from(["delivered", "failed", "undelivered", "sent", "queued"])))
        else:
            path, valid = twilio_inbound(draw(st.sampled_from(["STOP", "Hallo", "START"])))
        if mode == "random":
            kind = draw(st.sampled_from(["form", "raw"]))
            if endpoint == "twilio-status":
                path = "/webhooks/sms/twilio/status?ref=" + draw(safe)
            if kind == "raw":  # signed as if it were an empty form: raw bytes carry none
                body = draw(raw)
                return Call("POST", path, body=body, content_type=draw(
                    st.sampled_from(CONTENT_TYPES)), headers=_signed(path, {}))
            form = draw(forms)
            return Call("POST", path, form=form, headers=_signed(path, form))
        form = _form(draw(mutate(valid)))
        if mode == "mutated":
            return Call("POST", path, form=form, headers=_signed(path, form))
        # forged: no signature, a random one, another token's, or one of other parameters
        how = draw(st.sampled_from(["none", "random", "token", "other", "url"]))
        headers = {
            "none": {},
            "random": {"X-Twilio-Signature": draw(header_values)},
            "token": {"X-Twilio-Signature": signature(PUBLIC + path, form, "not-the-token")},
            "other": _signed(path, valid if valid != form else {**valid, "Body": "x"}),
            "url": _signed(path + ("&" if "?" in path else "?") + "x=1", form),
        }[how]
        return Call("POST", path, form=form, headers=headers, proven=False)
    # CM.com: the secret in the URL is the proof
    kind = "status" if endpoint == "cm-status" else "inbound"
    secret = CM_SECRET
    if mode == "forged":
        secret = draw(st.text(min_size=1, max_size=60).filter(lambda s: s != CM_SECRET))
    path = f"/webhooks/sms/cm/{quote(secret, safe='')}/{kind}"
    valid = cm_status(draw(st.sampled_from(cm_sent)), draw(st.sampled_from("0123"))) \
        if kind == "status" else cm_inbound(draw(st.sampled_from(["STOP", "Hallo"])))
    if mode == "random":
        if draw(st.booleans()):
            return Call("POST", path, body=json.dumps(draw(json_values)).encode(),
                        content_type="application/json")
        return Call("POST", path, body=draw(raw), content_type=draw(
            st.sampled_from(CONTENT_TYPES)))
    body = json.dumps(draw(mutate(valid))).encode()
    return Call("POST", path, body=body, content_type="application/json",
                proven=mode != "forged")


def judge(call: Call, status: int, before: tuple, after: tuple,
          text: str | None = None) -> str | None:
    """What is wrong with this answer (`text`: its body, for the handshake), or None."""
    from tests.webhooks import fuzz_callbacks, fuzz_whatsapp

    if status >= 500:
        return f"{status} for {call.describe()}"
    if call.query is not None:  # the WhatsApp handshake
        allowed, challenge = fuzz_whatsapp.verify_expected(call.query)
        if status not in allowed:
            return f"{status} (expected {sorted(allowed)}) for {call.describe()}"
        if status == 200 and text != challenge:
            return f"answered {text!r}, not the challenge, for {call.describe()}"
        if before != after:
            return f"changed the database: {call.describe()}"
        return None
    if call.proven:
        if not call.keeps and before != after:
            return f"kept something of a body without a delivery: {call.describe()}"
        return None
    # A random path segment may hold a NUL (400: refused by the strict URL parsing), a
    # slash (404: no such route) or start with one (308: werkzeug merges the slashes).
    if call.path.startswith("/webhooks/email/unsubscribe/"):
        expected = {200, 308, 400, 404} if call.method == "GET" else {308, 400, 404}
    elif call.path.startswith("/webhooks/sms/cm/"):
        expected = {308, 400, 403, 404}
    elif call.path == fuzz_whatsapp.PATH:
        expected = {403}
    elif fuzz_callbacks.expected(call) is not None:
        expected = fuzz_callbacks.expected(call)
    else:  # a NUL in any form field is refused (400) before the signature is looked at
        expected = {400, 403}
    if before != after:
        return f"changed the database: {call.describe()}"
    if status not in expected:
        return f"{status} (expected {sorted(expected)}) for {call.describe()}"
    return None
