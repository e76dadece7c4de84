"""Twilio and CM.com providers against their fakes (real HTTP servers): shapes, errors,
retryable and permanent failures, the lookup that recovers an unknown outcome."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey import messaging
from survey.messaging import PermanentFailure, TemporaryFailure
from survey.messaging.base import Message
from survey.webhooks.signatures import twilio_signature, twilio_valid
from tests.fakes.cmcom import FakeCM
from tests.fakes.twilio import FakeTwilio

TO = "+31612345678"


@pytest.fixture
def twilio(app, monkeypatch):
    with FakeTwilio() as fake:
        for key, value in fake.config().items():
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.setitem(app.config, "SMS_TIMEOUT_SECONDS", 1)
        fake.hang = 1.5
        yield fake


@pytest.fixture
def cm(app, monkeypatch):
    with FakeCM() as fake:
        for key, value in fake.config().items():
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.setitem(app.config, "SMS_TIMEOUT_SECONDS", 1)
        fake.hang = 1.5
        yield fake


def send(message):
    with messaging.provider("sms") as provider:
        return provider.send(message)


def sms(body="Hoe tevreden bent u? https://kto.example/s/abc", reference="d-1"):
    return Message(to=(TO,), body=body, reference=reference,
                   status_callback="http://127.0.0.1:1/webhooks/sms/twilio/status")


def test_twilio_signature_matches_twilios_published_example():
    # The example of Twilio's security documentation (also in its helper libraries' tests).
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
              "From": "+12349013030", "To": "+18005551212"}
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature(url, params.items(), "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert twilio_valid(url, params.items(), "12345", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not twilio_valid(url, params.items(), "12346", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not twilio_valid(url + "&x=1", params.items(), "12345", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not twilio_valid(url, params.items(), "12345", None)


def test_twilio_sends_the_documented_request(twilio):
    with messaging.provider("sms") as provider:
        sent = provider.send(sms())
    [m] = twilio.messages
    assert sent.provider_message_id == m["sid"] and m["sid"].startswith("SM")
    assert (m["to"], m["from"], m["body"]) == (TO, "+3197010000000", sms().body)
    assert m["status_callback"].endswith("/webhooks/sms/twilio/status")


def test_twilio_messaging_service_instead_of_a_number(app, twilio, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_FROM", None)
    monkeypatch.setitem(app.config, "TWILIO_MESSAGING_SERVICE_SID", "MG" + "1" * 32)
    send(sms())
    assert twilio.messages[0]["messaging_service_sid"] == "MG" + "1" * 32
    monkeypatch.setitem(app.config, "TWILIO_MESSAGING_SERVICE_SID", None)
    with pytest.raises(messaging.NotConfigured, match="TWILIO_FROM"):
        messaging.provider("sms")


@pytest.mark.parametrize("mode, code, ambiguous, retry_after", [
    ("500", "provider_error", True, None),
    ("429", "provider_rate_limited", False, 1.0),
    ("timeout", "provider_timeout", True, None),
    ("timeout_unaccepted", "provider_timeout", True, None),
])
def test_twilio_temporary_failures(twilio, mode, code, ambiguous, retry_after):
    twilio.modes = [mode]
    with pytest.raises(TemporaryFailure) as caught:
        send(sms())
    assert (caught.value.code, caught.value.ambiguous) == (code, ambiguous)
    assert caught.value.retry_after == retry_after


def test_twilio_invalid_number_is_permanent(twilio):
    twilio.invalid_numbers.add(TO)
    with pytest.raises(PermanentFailure) as caught:
        send(sms())
    assert caught.value.code == "invalid_number" and twilio.messages == []


def test_twilio_finds_a_message_whose_answer_was_lost(twilio, request):
    provider = messaging.provider("sms")
    request.addfinalizer(provider.close)
    since = datetime.now(UTC)
    assert provider.find_sent(sms(), since) is None
    twilio.modes = ["timeout"]  # accepted, answer never arrives
    with pytest.raises(TemporaryFailure):
        provider.send(sms())
    for n in range(120):  # other messages to the same number, over more than one page
        provider.send(sms(body=f"other {n}"))
    found = provider.find_sent(sms(), since)
    assert found.provider_message_id == twilio.messages[0]["sid"]
    assert provider.find_sent(sms(body="never sent"), since) is None


def test_twilio_finds_a_message_still_in_its_queue(twilio, request):
    """Twilio fills date_sent only when a message leaves its queue: a lookup filtered by
    DateSent would miss an accepted message and send it a second time."""
    provider = messaging.provider("sms")
    request.addfinalizer(provider.close)
    twilio.queue_seconds = 3600  # held in Twilio's queue (a rate limit)
    since = datetime.now(UTC)
    twilio.modes = ["timeout"]
    with pytest.raises(TemporaryFailure):
        provider.send(sms())
    listed = provider.client.get(provider.messages_url,
                                 params={"To": TO, "DateSent>": since.strftime("%Y-%m-%d")})
    assert listed.json()["messages"] == []  # the fake filters as Twilio does
    found = provider.find_sent(sms(), since)
    assert found.provider_message_id == twilio.messages[0]["sid"]


def test_twilio_lookup_that_cannot_finish_never_sends_again(twilio, request, monkeypatch):
    from survey.messaging import twilio as module

    monkeypatch.setattr(module, "LOOKUP_PAGES", 1)
    provider = messaging.provider("sms")
    request.addfinalizer(provider.close)
    since = datetime.now(UTC)
    for n in range(101):  # more than one page of other messages to this number
        provider.send(sms(body=f"other {n}"))
    with pytest.raises(PermanentFailure) as caught:
        provider.find_sent(sms(), since)
    assert caught.value.code == "provider_lookup_too_long"


def test_twilio_wrong_credentials_are_not_the_citizens_fault(app, twilio, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", "wrong")
    with pytest.raises(TemporaryFailure) as caught:
        send(sms())
    assert caught.value.code == "provider_refused_account"


def test_cm_sends_the_documented_request(cm):
    sent = send(sms(reference="ref-42"))
    [m] = cm.messages
    assert (m["to"], m["body"], m["reference"], m["from"]) == (TO, sms().body, "ref-42", "Gemeente")
    assert sent.provider_message_id == "ref-42"


@pytest.mark.parametrize("mode, failure, code", [
    ("500", TemporaryFailure, "provider_error"),
    ("429", TemporaryFailure, "provider_rate_limited"),
    ("timeout", TemporaryFailure, "provider_timeout"),
    ("invalid", PermanentFailure, "invalid_number"),
])
def test_cm_failures(cm, mode, failure, code):
    cm.modes = [mode]
    with pytest.raises(failure) as caught:
        send(sms())
    assert caught.value.code == code


def test_cm_wrong_token(app, cm, monkeypatch):
    monkeypatch.setitem(app.config, "CM_PRODUCT_TOKEN", "nope")
    with pytest.raises(TemporaryFailure, match="provider_refused_account"):
        send(sms())
    assert cm.messages == []


def test_sms_provider_schemas_name_their_secrets():
    from survey.messaging.cmcom import CMCom
    from survey.messaging.twilio import Twilio

    assert Twilio.configuration_schema()["secret"] == ["auth_token"]
    assert set(Twilio.configuration_schema()["required"]) == {"account_sid", "auth_token"}
    assert CMCom.configuration_schema()["secret"] == ["product_token"]
