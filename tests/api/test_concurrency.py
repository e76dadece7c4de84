"""The same response sent three times at once, over real HTTP, is stored once."""

import threading

import requests

from survey.extensions import db
from survey.models import Answer, Response
from tests.browser.conftest import LiveServer
from tests.conftest import make_payload


def test_three_concurrent_sends_store_one_response(_app, app, demo_org, import_headers):
    payload = make_payload(answers={"oordeel": "down", "reden": ["lang_wachten"]})
    barrier = threading.Barrier(3)
    results = []

    def send(url):
        barrier.wait()
        results.append(requests.post(url + "/api/v1/responses", json=payload,
                                     headers=import_headers, timeout=30))

    with LiveServer(_app) as server:
        for _round in range(3):
            threads = [threading.Thread(target=send, args=(server.url,)) for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            barrier.reset()

    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] * 8 + [201]
    assert len({r.json()["id"] for r in results}) == 1
    db.session.rollback()
    assert db.session.query(Response).count() == 1
    assert db.session.query(Answer).count() == 2


def test_many_different_responses_at_once_are_all_stored(_app, app, demo_org, import_headers):
    payloads = [make_payload() for _ in range(24)]
    results = []

    def send(url, chunk):
        with requests.Session() as session:
            for p in chunk:
                results.append(session.post(url + "/api/v1/responses", json=p,
                                             headers=import_headers, timeout=30))

    with LiveServer(_app) as server:
        threads = [
            threading.Thread(target=send, args=(server.url, payloads[i::6])) for i in range(6)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(r.status_code for r in results) == [201] * 24
    db.session.rollback()
    assert db.session.query(Response).count() == 24
