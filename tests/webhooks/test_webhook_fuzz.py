"""The provider webhooks and the callback requests under random and mutated calls
(tests/webhooks/fuzzing.py, fuzz_whatsapp.py, fuzz_callbacks.py): without a valid signature,
secret, key or device secret a 4xx (403 for a webhook) and nothing changed; with one, never a
server error. After a proven WhatsApp delivery the queued work is run as the worker runs it: it
must not raise, and never gives an invitation a second response. A short run in process;
`bench/webhook_fuzz.py` sends 1,000 cases per endpoint and mode to gunicorn."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from survey.extensions import db
from tests.fakes.meta_graph import FakeGraph
from tests.webhooks import fuzz_callbacks, fuzz_whatsapp, fuzzing

MAX_EXAMPLES = int(os.environ.get("KTO_FUZZ_EXAMPLES", "25"))  # more: locally, by hand


@pytest.fixture
def seeded(app, demo_org, monkeypatch):
    for key, value in fuzzing.SETTINGS.items():
        monkeypatch.setitem(app.config, key, value)
    return fuzzing.seed_sent()


def state() -> tuple:
    db.session.rollback()
    with db.engine.connect() as connection:
        return fuzzing.fingerprint(connection)


@pytest.fixture
def graph(app, demo_org, monkeypatch):
    """The fake Graph API, and the queue's WhatsApp task replaced by nothing: the test runs
    the queued work itself (fuzz_whatsapp.process_queued) to see what it raises."""
    from survey import tasks

    monkeypatch.setattr(tasks, "process_whatsapp", lambda ids: None)
    with FakeGraph() as fake:
        for key, value in fake.config().items():
            monkeypatch.setitem(app.config, key, value)
        yield fake


@pytest.fixture
def wa_seeded(graph):
    seeded = fuzz_whatsapp.seed_whatsapp()
    graph.open_windows.update(s["number"] for s in seeded)
    return seeded


def send(client, call: fuzzing.Call) -> tuple[int, str]:
    data = call.form if call.form is not None else call.body
    kwargs = {"content_type": call.content_type} if call.content_type is not None else {}
    try:
        answer = client.open(call.path, method=call.method, data=data, headers=call.headers,
                             **kwargs)
    except Exception as error:  # noqa: BLE001 - out of the WSGI app: gunicorn's 500
        db.session.rollback()
        return 500, repr(error)
    return answer.status_code, answer.get_data(as_text=True)


def fuzz(client, endpoint: str, mode: str, seeded) -> list[str]:
    problems: list[str] = []

    @given(call=fuzzing.calls(endpoint, mode, seeded))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def answers(call):
        before = state()
        status, text = send(client, call)
        problem = fuzzing.judge(call, status, before, state(), text)
        if problem is None and call.proven and call.path == fuzz_whatsapp.PATH:
            problem = fuzz_whatsapp.worker_problem(call)
        if problem:
            problems.append(f"{mode}: {problem}")

    answers()
    return problems


@pytest.mark.parametrize("endpoint", fuzzing.ENDPOINTS)
def test_webhooks_under_random_and_mutated_calls(client, seeded, endpoint):
    modes = ["random"] if endpoint == "unsubscribe" else fuzzing.MODES
    assert [p for mode in modes for p in fuzz(client, endpoint, mode, seeded)] == []


@pytest.mark.parametrize("endpoint", fuzz_whatsapp.WA_ENDPOINTS)
def test_the_whatsapp_webhook_under_random_and_mutated_calls(client, wa_seeded, endpoint):
    assert [p for mode in fuzzing.modes_of(endpoint)
            for p in fuzz(client, endpoint, mode, wa_seeded)] == []


@pytest.mark.parametrize("endpoint", fuzz_callbacks.CB_ENDPOINTS)
def test_the_callback_requests_under_random_and_mutated_calls(client, demo_org, endpoint):
    seeded = fuzz_callbacks.seed_callbacks()
    assert [p for mode in fuzzing.modes_of(endpoint)
            for p in fuzz(client, endpoint, mode, seeded)] == []


def test_a_forged_call_that_changed_something_is_caught(client, seeded):
    """The judge itself: a valid signature presented as forged, and its effect, are seen."""
    path, form = fuzzing.twilio_status(seeded[0], "failed")
    call = fuzzing.Call("POST", path, form=form,
                        headers=fuzzing._signed(path, form), proven=False)
    before = state()
    status, _ = send(client, call)
    assert status == 204
    assert "changed the database" in fuzzing.judge(call, status, before, state())
