"""The conversation's pure pieces: which message asks which question, payloads, templates,
limits, and reading Meta's webhook JSON."""

from __future__ import annotations

from survey.domain import whatsapp as wa
from survey.domain.definition import parse_definition

WORDS = wa.Words(up="👍 Goed", down="👎 Niet goed", yes="Ja", no="Nee", na="Weet ik niet",
                 skip="Overslaan", choose="Kies", start="Beginnen", opt_out="Afmelden",
                 type_numbers="Typ de nummers", type_text="Typ uw antwoord",
                 nps_zero="Zeker niet? Typ dan 0.", other="Iets anders")


def _q(kind, **extra):
    data = {"key": "v", "kind": kind, "text": {"nl": "Vraag?", "en": "Question?"}, **extra}
    return parse_definition({"headline": "h", "questions": [
        {"key": "h", "kind": "thumbs", "text": {"nl": "H"}}, data]}).question("v")


def test_thumbs_and_yes_no_are_reply_buttons():
    message = wa.question_message(_q("thumbs", required=True), "nl", 7, WORDS)
    buttons = message["interactive"]["action"]["buttons"]
    assert message["type"] == "interactive" and message["interactive"]["type"] == "button"
    assert [(b["reply"]["id"], b["reply"]["title"]) for b in buttons] == [
        ("kto1:7:v:up", "👍 Goed"), ("kto1:7:v:down", "👎 Niet goed")]
    optional = wa.question_message(_q("thumbs"), "nl", 7, WORDS)
    assert optional["interactive"]["action"]["buttons"][-1]["reply"]["id"] == "kto1:7:v:_skip"
    yes_no = wa.question_message(_q("yes_no_na"), "en", 7, WORDS)
    assert len(yes_no["interactive"]["action"]["buttons"]) == 3  # no room for "skip"
    assert yes_no["interactive"]["body"]["text"] == "Question?"


def test_a_grade_and_an_nps_are_lists_of_at_most_ten_rows():
    grade = wa.question_message(_q("grade", required=True), "nl", 1, WORDS)["interactive"]
    rows = grade["action"]["sections"][0]["rows"]
    assert grade["type"] == "list" and [r["title"] for r in rows] == [
        str(n) for n in range(10, 0, -1)]
    assert len(grade["action"]["button"]) <= 20
    nps = wa.question_message(_q("nps"), "nl", 1, WORDS)["interactive"]
    rows = nps["action"]["sections"][0]["rows"]
    assert len(rows) == 10 and rows[0]["title"] == "10"
    assert nps["body"]["text"].endswith("Zeker niet? Typ dan 0.")


def test_choices_become_buttons_lists_or_numbered_lines():
    options = [{"code": f"c{i}", "text": {"nl": f"Optie {i}"}} for i in range(1, 6)]
    three = wa.question_message(_q("choice", options=options[:3], required=True), "nl", 2,
                                WORDS)
    assert three["interactive"]["type"] == "button"
    five = wa.question_message(_q("choice", options=options), "nl", 2, WORDS)
    assert five["interactive"]["type"] == "list"
    many = wa.question_message(_q("choice", options=options, multiple=True), "nl", 2, WORDS)
    assert many["type"] == "text"
    assert many["text"]["body"].splitlines() == [
        "Vraag?", "1. Optie 1", "2. Optie 2", "3. Optie 3", "4. Optie 4", "5. Optie 5",
        "Typ de nummers"]


def test_payloads_round_trip_and_refuse_anything_else():
    assert wa.read_payload(wa.payload(12, "reden", "lang_wachten")) == wa.Tap(
        12, "reden", "lang_wachten")
    for raw in ("", "kto1:x:reden:a", "kto1:1:reden:", "kto2:1:reden:a", None, 5,
                "kto1:1:re den:a", "kto1:1:reden:a:b"):
        assert wa.read_payload(raw) is None


def test_the_template_carries_the_headline_answers_and_unsubscribe():
    thumbs = _q("thumbs", required=True)
    message = wa.template_message("kto_na_contact", "nl", thumbs, 3, "Gemeente Voorbeeld")
    buttons = [c for c in message["template"]["components"] if c["type"] == "button"]
    assert [(b["index"], b["parameters"][0]["payload"]) for b in buttons] == [
        ("0", "kto1:3:v:up"), ("1", "kto1:3:v:down"), ("2", "kto1:3:v:_optout")]
    grade = _q("grade", required=True)
    assert wa.template_values(grade) == ["_start"]


def test_stop_words():
    assert wa.is_stop("STOP") and wa.is_stop(" afmelden! ") and wa.is_stop("Stoppen")
    assert not wa.is_stop("stop maar met bellen") and not wa.is_stop("")


def test_reading_the_documented_webhook_shapes():
    body = {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": "123"},
            "contacts": [{"profile": {"name": "A"}, "wa_id": "31612345678"}],
            "messages": [
                {"from": "31612345678", "id": "wamid.1", "timestamp": "1700000000",
                 "type": "text", "text": {"body": "Hallo"}},
                {"context": {"from": "15550001111", "id": "wamid.T"}, "from": "31612345678",
                 "id": "wamid.2", "timestamp": "1700000001", "type": "button",
                 "button": {"text": "👎 Niet goed", "payload": "kto1:1:v:down"}},
                {"context": {"from": "15550001111", "id": "wamid.B"}, "from": "31612345678",
                 "id": "wamid.3", "timestamp": "1700000002", "type": "interactive",
                 "interactive": {"type": "button_reply",
                                 "button_reply": {"id": "kto1:1:v:up", "title": "👍"}}},
                {"from": "31612345678", "id": "wamid.4", "timestamp": "1700000003",
                 "type": "interactive", "interactive": {"type": "list_reply", "list_reply": {
                     "id": "kto1:1:r:a", "title": "A", "description": ""}}},
                {"from": "31612345678", "id": "wamid.5", "timestamp": "1700000004",
                 "type": "sticker", "sticker": {"id": "9"}},
            ],
            "statuses": [{"id": "wamid.T", "status": "failed", "timestamp": "1700000005",
                          "recipient_id": "31612345678",
                          "errors": [{"code": 131047, "title": "Re-engagement message"}]}],
        }}]}]}
    events = wa.read_webhook(body)
    assert [(e.kind, e.type, e.reply_id, e.context_id, e.text) for e in events] == [
        ("message", "text", "", "", "Hallo"),
        ("message", "button", "kto1:1:v:down", "wamid.T", "👎 Niet goed"),
        ("message", "interactive", "kto1:1:v:up", "wamid.B", "👍"),
        ("message", "interactive", "kto1:1:r:a", "", "A"),
        ("message", "sticker", "", "", ""),
        ("status", "", "", "", ""),
    ]
    assert events[-1].status == "failed" and events[-1].error_code == "131047"
    assert events[-1].key == "s:wamid.T:failed" and events[0].key == "m:wamid.1"
    assert wa.read_webhook({"object": "page"}) == [] and wa.read_webhook(None) == []


def _one(value: dict) -> dict:
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"metadata": {"phone_number_id": "106"}, **value}}]}]}


def test_a_signed_delivery_of_the_wrong_shape_is_read_as_no_events():
    """Found by the webhook fuzzing (tests/webhooks/fuzz_whatsapp.py): a field that should be
    a list or an object but is a number, a string or true raised TypeError or AttributeError
    (a 500 from the webhook, and Meta retrying); the delivery now holds no events or only its
    well-formed ones, and a wrong-typed part of a message is read as absent."""
    ok = {"from": "31612345678", "id": "wamid.1", "type": "text", "text": {"body": "Hallo"}}
    broken = [
        {"object": "whatsapp_business_account", "entry": True},
        {"object": "whatsapp_business_account", "entry": 5},
        {"object": "whatsapp_business_account", "entry": [{"changes": 1.5}]},
        _one({"messages": 7}),
        _one({"statuses": True}),
        {**_one({}), "entry": [{"changes": [{"field": "messages",
                                             "value": {"metadata": "106"}}]}]},
    ]
    for body in broken:
        assert wa.read_webhook(body) == []
    odd_parts = [{**ok, "text": "Hallo"}, {**ok, "text": ["x"]},
                 {**ok, "type": "button", "button": "kto1:1:v:up"},
                 {**ok, "type": "interactive", "interactive": [1]},
                 {**ok, "type": "interactive", "interactive": {"type": ["button_reply"]}},
                 {**ok, "timestamp": "9" * 5000}, {**ok, "timestamp": [1]},
                 {**ok, "timestamp": 1e300}]
    for message in odd_parts:
        [event] = wa.read_webhook(_one({"messages": [message]}))
        assert event.message_id == "wamid.1" and event.reply_id == ""
        assert 0 <= event.timestamp < 2**63
    statuses = [{"id": "wamid.S", "status": "failed", "errors": "131047"},
                {"id": "wamid.S", "status": "failed", "errors": [{"code": {"x": 1}}]},
                {"id": "wamid.S", "status": "failed", "timestamp": 1e300}]
    for state in statuses:
        [event] = wa.read_webhook(_one({"statuses": [state]}))
        assert event.status == "failed" and event.error_code in ("", "131047")
        assert 0 <= event.timestamp < 2**63
