"""Faults the kiosk met under fault injection: a tablet clock an hour fast, a reply that hangs."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.kiosk_helpers import (
    close_and_settle,
    enrol,
    queue_length,
    quick_response,
    stored,
    wait_until,
)

pytestmark = pytest.mark.browser

SETTINGS = {"min_interval_seconds": 0, "retry_max_seconds": 2}
CACHED_SURVEY = "async () => !!(await caches.match('/kiosk/api/config'))"
REFUSED = """() => new Promise((ok, fail) => {
    const open = indexedDB.open('kto-kiosk', 1);
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
        const all = open.result.transaction('queue').objectStore('queue').getAll();
        all.onsuccess = () => {
            ok(all.result.filter(x => x.refused).length);
            open.result.close();
        };
    };
})"""


@pytest.fixture
def kiosk_page(browser, app):
    context = browser.new_context(locale="nl-NL", service_workers="allow", bypass_csp=True)
    page = context.new_page()
    yield page
    close_and_settle(context, app)


def _tap_many(page, count: int) -> None:
    for _ in range(count):
        quick_response(page)
        page.clock.fast_forward(4_100)
        expect(page.locator("[data-screen=start]")).to_be_visible()


def test_a_tablet_an_hour_fast_reloaded_offline_loses_no_answer(kiosk_page, live_server, demo_org):
    page = kiosk_page
    page.clock.install(time=datetime.now(UTC) + timedelta(hours=1))
    enrol(page, live_server.url, settings=SETTINGS)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function(CACHED_SURVEY)
    page.context.set_offline(True)
    _tap_many(page, 6)
    wait_until(lambda: queue_length(page) == 6)
    page.reload()  # offline: the page has not seen the server's clock since
    expect(page.locator("[data-screen=start]")).to_be_visible()
    _tap_many(page, 6)
    wait_until(lambda: queue_length(page) == 12)
    assert stored() == []

    before = datetime.now(UTC)
    page.context.set_offline(False)
    page.clock.fast_forward(3_000)
    wait_until(lambda: len(stored()) >= 12 and queue_length(page) == 0)
    rows = stored()
    assert len(rows) == 12 and len({r.uuid for r in rows}) == 12
    assert page.evaluate(REFUSED) == 0
    # Dated by the server's clock: the taps took a few real seconds, not an hour ahead.
    assert all(before - timedelta(minutes=5) < r.submitted_at <= r.received_at for r in rows)
    assert all(r.started_at <= r.submitted_at for r in rows)


class HangingGate:
    """WSGI middleware: the first answer POSTed waits until `release` is set (then it is
    stored), like a reply lost in a stalled connection; everything else passes."""

    def __init__(self, app):
        self.app = app
        self.release = threading.Event()
        self.hung = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        is_answer = environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == (
            "/api/v1/responses"
        )
        if is_answer:
            with self.lock:
                first, self.hung = self.hung == 0, self.hung + 1
            if first:
                self.release.wait(60)
        return self.app(environ, start_response)


def test_one_hanging_reply_does_not_hold_the_queue(kiosk_page, app, demo_org):
    gate = HangingGate(app)
    with LiveServer(gate) as server:
        page = kiosk_page
        try:
            page.clock.install()
            enrol(page, server.url, settings=SETTINGS)
            _tap_many(page, 3)
            wait_until(lambda: gate.hung >= 1)
            page.clock.fast_forward(16_000)  # past the sender's timeout
            # The two answers behind the hanging one are stored while it still hangs.
            wait_until(lambda: len(stored()) == 2, timeout=20)
            assert not gate.release.is_set() and queue_length(page) == 1
        finally:
            gate.release.set()
        page.clock.fast_forward(5_000)  # the hung answer's own backoff
        wait_until(lambda: len(stored()) == 3 and queue_length(page) == 0)
        assert len({r.uuid for r in stored()}) == 3
