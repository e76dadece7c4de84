"""A WhatsApp-ready demo organisation against the fake Graph API, and a citizen who replies."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from survey.database import unit_of_work
from survey.extensions import db
from survey.models import Organisation
from survey.services import sending
from survey.services.rules import set_rule
from survey.services.surveys import create_survey
from survey.services.whatsapp_accounts import set_account
from tests.fakes import meta_graph
from tests.fakes.meta_graph import PHONE_NUMBER_ID, inbound, signed_post

NUMBER = "+31612345678"
DIGITS = NUMBER.lstrip("+")

REASONS = [("wachten", "Lang wachten", "Long wait"),
           ("fout", "Foute informatie", "Wrong information"),
           ("doorverbonden", "Vaak doorverbonden", "Transferred often"),
           ("anders", "Iets anders", "Something else")]
SURVEY = {
    "title": {"nl": "Na uw gesprek", "en": "After your call"},
    "headline": "oordeel",
    "questions": [
        {"key": "oordeel", "kind": "thumbs", "required": True,
         "text": {"nl": "Bent u tevreden over ons antwoord?",
                  "en": "Are you satisfied with our answer?"}},
        {"key": "reden", "kind": "choice", "show_if": {"question": "oordeel", "equals": "down"},
         "text": {"nl": "Wat ging er niet goed?", "en": "What went wrong?"},
         "options": [{"code": c, "text": {"nl": nl, "en": en}} for c, nl, en in REASONS]},
        {"key": "toelichting", "kind": "text", "max_length": 500,
         "text": {"nl": "Wilt u nog iets zeggen?", "en": "Anything else?"}},
    ],
}


def prepare(channel: str = "phone") -> None:
    """The survey above, a WhatsApp rule for the channel (no delay, no quiet hours) and the
    demo organisation's business number at the fake Graph API."""
    with unit_of_work():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        create_survey(org, "wa_gesprek", "WhatsApp na gesprek", SURVEY)
    set_account("demo", PHONE_NUMBER_ID,
                {"nl": {"name": "kto_na_contact", "code": "nl"}})
    mode = "whatsapp" if channel == "phone" else None
    set_rule("demo", channel, survey="wa_gesprek", sampling_rate=1.0, delay_minutes=0,
             quiet_start="00:00", quiet_end="00:00", survey_mode=mode)


def contact(client, headers, reference="gesprek-1", channel="phone", phone="06 1234 5678",
            ended_at=None, **extra):
    ended = (ended_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    answer = client.post("/api/v1/contacts", headers=headers, json={
        "reference": reference, "contact_channel": channel, "ended_at": ended,
        "phone": phone, **extra})
    assert answer.status_code in (200, 201), answer.get_json()
    return answer.get_json()


def send_invitations():
    return sending.send_due(max_seconds=0)


def template_payloads(message: dict) -> list[str]:
    components = message["body"]["template"]["components"]
    return [c["parameters"][0]["payload"] for c in components if c["type"] == "button"]


def reply_ids(message: dict) -> list[tuple[str, str]]:
    """(id, title) of an interactive message's buttons or list rows."""
    inner = message["body"]["interactive"]
    if inner["type"] == "button":
        return [(b["reply"]["id"], b["reply"]["title"]) for b in inner["action"]["buttons"]]
    return [(r["id"], r["title"]) for s in inner["action"]["sections"] for r in s["rows"]]


def citizen(client, graph, kind, *, number=DIGITS, **fields):
    """The citizen writes (the 24-hour window opens) and Meta posts the signed webhook."""
    graph.open_windows.add(number)
    payload = inbound(number, kind, **fields)
    answer = client.post("/webhooks/whatsapp", **signed_post(payload))
    assert answer.status_code == 200
    return payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]


def configure(app, monkeypatch, graph) -> None:
    for key, value in graph.config().items():
        monkeypatch.setitem(app.config, key, value)


__all__ = ["meta_graph"]
