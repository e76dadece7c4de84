"""Offline first: 50 taps without a working server, a reload halfway, then exactly 50 rows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from survey.extensions import db
from survey.models import Device
from tests.browser.conftest import LiveServer
from tests.browser.kiosk_helpers import (
    answers_of,
    close_and_settle,
    enrol,
    queue_length,
    quick_response,
    stored,
    wait_until,
)

pytestmark = pytest.mark.browser

TAPS = 50
SETTINGS = {"min_interval_seconds": 0, "retry_max_seconds": 2}
CACHED_SURVEY = "async () => !!(await caches.match('/kiosk/api/config'))"


class AnswerGate:
    """WSGI middleware in front of the platform that can spoil what the kiosk's sender sees.

    `mode` "lost": answers are stored but the client gets a 503, the worst case for a sender
    (it must retry, and only idempotency keeps the rows unique). "refused": answers get a 422
    and are not stored. None: everything passes.
    """

    def __init__(self, app):
        self.app = app
        self.mode: str | None = None
        self.spoiled = 0

    def __call__(self, environ, start_response):
        is_answer = environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == (
            "/api/v1/responses"
        )
        if not (self.mode and is_answer):
            return self.app(environ, start_response)
        self.spoiled += 1
        if self.mode == "refused":
            start_response("422 Unprocessable Entity", [("Content-Type", "application/json")])
            return [b'{"error": "invalid_value", "message": "Refused in a test."}']
        result = self.app(environ, lambda status, headers, exc_info=None: None)
        try:
            b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        start_response("503 Service Unavailable", [("Content-Type", "application/json")])
        return [b'{"error": "unavailable"}']


@pytest.fixture
def offline_page(browser, app):
    context = browser.new_context(locale="nl-NL", service_workers="allow", bypass_csp=True)
    page = context.new_page()
    yield page
    close_and_settle(context, app)


def _tap_many(page, count: int) -> None:
    for _ in range(count):
        quick_response(page)
        page.clock.fast_forward(4_100)
        expect(page.locator("[data-screen=start]")).to_be_visible()


def _fifty_taps_with_a_reload(page) -> None:
    _tap_many(page, TAPS // 2)
    wait_until(lambda: queue_length(page) == TAPS // 2)  # all in IndexedDB before the reload
    page.reload()
    expect(page.locator("[data-screen=start]")).to_be_visible()
    assert queue_length(page) == TAPS // 2  # the queue survived the reload
    _tap_many(page, TAPS - TAPS // 2)
    wait_until(lambda: queue_length(page) == TAPS)


def _ready_for_offline(page, base_url: str) -> int:
    page.clock.install()
    device_id = enrol(page, base_url, settings=SETTINGS)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function(CACHED_SURVEY)
    return device_id


def _assert_exactly_fifty(device_id: int) -> None:
    rows = stored()
    assert len(rows) == TAPS
    assert len({r.uuid for r in rows}) == TAPS
    assert {r.device_id for r in rows} == {device_id}
    assert {(r.survey_mode, r.contact_channel) for r in rows} == {("kiosk", "counter")}
    assert answers_of(rows[0]) == {"oordeel": "up"}


def test_fifty_answers_offline_with_a_reload(offline_page, live_server, demo_org):
    page = offline_page
    device_id = _ready_for_offline(page, live_server.url)
    page.context.set_offline(True)
    _fifty_taps_with_a_reload(page)
    assert stored() == []  # nothing reached the server while offline

    page.context.set_offline(False)
    page.clock.fast_forward(3_000)  # past the longest back-off
    wait_until(lambda: len(stored()) >= TAPS and queue_length(page) == 0)
    _assert_exactly_fifty(device_id)


def test_fifty_answers_while_the_server_answers_503(offline_page, app, demo_org):
    flaky = AnswerGate(app)
    with LiveServer(flaky) as server:
        page = offline_page
        device_id = _ready_for_offline(page, server.url)
        flaky.mode = "lost"
        _fifty_taps_with_a_reload(page)
        assert flaky.spoiled >= 2  # the sender kept trying
        assert len(stored()) <= 1  # it retries the oldest answer, which the server kept

        flaky.mode = None
        page.clock.fast_forward(3_000)
        wait_until(lambda: len(stored()) >= TAPS and queue_length(page) == 0)
        _assert_exactly_fifty(device_id)


REFUSED = """() => new Promise((ok, fail) => {
    const open = indexedDB.open('kto-kiosk', 1);
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
        const all = open.result.transaction('queue').objectStore('queue').getAll();
        all.onsuccess = () => {
            ok(all.result.filter(x => x.refused).map(x => [x.refused.status, x.refused.error]));
            open.result.close();
        };
    };
})"""


def test_an_answer_refused_for_good_is_kept_on_the_tablet_and_reported(
    offline_page, app, demo_org
):
    gate = AnswerGate(app)
    with LiveServer(gate) as server:
        page = offline_page
        page.clock.install()
        device_id = enrol(page, server.url, settings={**SETTINGS, "heartbeat_seconds": 10})
        gate.mode = "refused"
        _tap_many(page, 2)
        wait_until(lambda: len(page.evaluate(REFUSED)) == 2)
        assert page.evaluate(REFUSED) == [[422, "invalid_value"]] * 2

        gate.mode = None
        _tap_many(page, 1)
        wait_until(lambda: len(stored()) == 1 and queue_length(page) == 2)
        page.clock.fast_forward(30_000)  # back-offs and heartbeats pass: nothing is resent
        assert gate.spoiled == 2 and len(stored()) == 1

        def reported():
            db.session.rollback()
            device = db.session.get(Device, device_id)
            return (device.queue_length, device.refused_count)

        page.clock.fast_forward(10_000)
        wait_until(lambda: reported() == (0, 2))
