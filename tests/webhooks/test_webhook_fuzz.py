"""The provider webhooks under random and mutated calls (tests/webhooks/fuzzing.py): without
a valid signature or secret 403 and nothing changed; with one, never a server error.
A short run in process; `bench/webhook_fuzz.py` sends 1,000 cases per endpoint and mode to
gunicorn."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from survey.extensions import db
from tests.webhooks import fuzzing

MAX_EXAMPLES = 25


@pytest.fixture
def seeded(app, demo_org, monkeypatch):
    for key, value in fuzzing.SETTINGS.items():
        monkeypatch.setitem(app.config, key, value)
    return fuzzing.seed_sent()


def state() -> tuple:
    db.session.rollback()
    with db.engine.connect() as connection:
        return fuzzing.fingerprint(connection)


def send(client, call: fuzzing.Call) -> int:
    data = call.form if call.form is not None else call.body
    kwargs = {"content_type": call.content_type} if call.content_type is not None else {}
    return client.open(call.path, method=call.method, data=data, headers=call.headers,
                       **kwargs).status_code


def fuzz(client, endpoint: str, mode: str, seeded) -> list[str]:
    problems: list[str] = []

    @given(call=fuzzing.calls(endpoint, mode, seeded))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def answers(call):
        before = state()
        status = send(client, call)
        problem = fuzzing.judge(call, status, before, state())
        if problem:
            problems.append(f"{mode}: {problem}")

    answers()
    return problems


@pytest.mark.parametrize("endpoint", fuzzing.ENDPOINTS)
def test_webhooks_under_random_and_mutated_calls(client, seeded, endpoint):
    modes = ["random"] if endpoint == "unsubscribe" else fuzzing.MODES
    assert [p for mode in modes for p in fuzz(client, endpoint, mode, seeded)] == []


def test_a_forged_call_that_changed_something_is_caught(client, seeded):
    """The judge itself: a valid signature presented as forged, and its effect, are seen."""
    path, form = fuzzing.twilio_status(seeded[0], "failed")
    call = fuzzing.Call("POST", path, form=form,
                        headers=fuzzing._signed(path, form), proven=False)
    before = state()
    status = send(client, call)
    assert status == 204
    assert "changed the database" in fuzzing.judge(call, status, before, state())
