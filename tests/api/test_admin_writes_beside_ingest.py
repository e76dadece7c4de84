"""Staff and device writes beside a busy ingest: every one is stored, none meets "database is
locked".

A live threaded server takes a stream of responses over real HTTP from several threads while
other threads create users, store contact volumes, save survey versions and create, enrol,
heartbeat and revoke kiosk devices (enrolment and heartbeat over HTTP too). On SQLite a write
that reads first and then writes outside the writer lock fails at once when another writer
committed in between, so every one of these must go through unit_of_work.
"""

from __future__ import annotations

import threading

import requests
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import ContactVolume, Device, Response, Survey, SurveyVersion, User
from survey.services import kiosks, surveys, users, volumes
from tests.browser.conftest import LiveServer
from tests.conftest import make_payload

INGEST_THREADS = 4
ROUNDS = 25
USERS = 4


def _edited_definition(survey: Survey, round_: int) -> dict:
    definition = dict(survey.current_version.definition)
    definition["title"] = {"nl": f"Balie, versie {round_}", "en": f"Counter, version {round_}"}
    return definition


def test_admin_and_device_writes_beside_a_busy_ingest_are_all_stored(
    _app, app, demo_org, import_headers
):
    stop = threading.Event()
    failures: list[str] = []
    ingest_statuses: list[int] = []
    http_statuses: list[tuple[str, int]] = []

    def ingest(url: str) -> None:
        with requests.Session() as session:
            session.headers.update(import_headers)  # the busy ingest: an import with an API key
            while not stop.is_set():
                result = session.post(url + "/api/v1/responses", json=make_payload(), timeout=60)
                ingest_statuses.append(result.status_code)

    def in_app(work):
        def run():
            try:
                with _app.app_context():
                    work()
            except Exception as error:  # collected and asserted on below
                failures.append(f"{work.__name__}: {type(error).__name__}: {error}")

        return threading.Thread(target=run)

    def add_users():
        for i in range(USERS):
            users.add_user(f"medewerker{i}@voorbeeld.nl", "een lang wachtwoord", "demo")

    def set_volumes():
        for i in range(ROUNDS):
            volumes.set_volume("demo", f"2025-{i % 12 + 1:02d}", "phone", 1000 + i)
            volumes.set_volume("demo", f"2025-{i % 12 + 1:02d}", "counter", 2000 + i)

    def save_versions():
        for i in range(ROUNDS):
            survey = db.session.execute(select(Survey).where(Survey.slug == "balie")).scalar_one()
            surveys.save_definition(survey, _edited_definition(survey, i))

    def kiosk_devices(url: str):
        def kiosk_devices():
            with requests.Session() as http:
                for i in range(ROUNDS):
                    device = kiosks.create_device("demo", "stadhuis", "balie", name=f"tablet {i}")
                    enrolled = http.post(
                        url + "/kiosk/api/enrol", json={"token": device.token}, timeout=60
                    )
                    http_statuses.append(("enrol", enrolled.status_code))
                    secret = enrolled.json()["secret"]
                    beat = http.post(
                        url + "/kiosk/api/heartbeat",
                        json={"app_version": f"1.{i}", "queue_length": i},
                        headers={"X-Kto-Device": secret},
                        timeout=60,
                    )
                    http_statuses.append(("heartbeat", beat.status_code))
                    kiosks.record_heartbeat(secret, {"refused_count": i})
                    assert kiosks.revoke(device.id)

        return kiosk_devices

    with LiveServer(_app) as server:
        ingesters = [
            threading.Thread(target=ingest, args=(server.url,)) for _ in range(INGEST_THREADS)
        ]
        for thread in ingesters:
            thread.start()
        staff = [
            in_app(work)
            for work in (add_users, set_volumes, save_versions, kiosk_devices(server.url))
        ]
        for thread in staff:
            thread.start()
        for thread in staff:
            thread.join()
        stop.set()
        for thread in ingesters:
            thread.join()

    assert failures == []
    assert {status for _kind, status in http_statuses} <= {200, 204}, http_statuses
    assert len(http_statuses) == 2 * ROUNDS
    assert set(ingest_statuses) == {201}
    db.session.rollback()
    assert db.session.scalar(select(func.count(Response.id))) == len(ingest_statuses)
    assert db.session.scalar(select(func.count(User.id))) == USERS
    assert db.session.scalar(select(func.count(ContactVolume.id))) == 2 * 12
    assert db.session.scalar(select(func.sum(ContactVolume.count))) == sum(
        1000 + i + 2000 + i for i in range(ROUNDS - 12, ROUNDS)
    )
    numbers = db.session.scalars(
        select(SurveyVersion.number)
        .join(Survey)
        .where(Survey.slug == "balie")
        .order_by(SurveyVersion.number)
    ).all()
    assert numbers == list(range(1, ROUNDS + 2))
    devices = db.session.scalars(select(Device).order_by(Device.id)).all()
    assert len(devices) == ROUNDS
    assert all(d.revoked_at is not None and d.enrolled_at is not None for d in devices)
    assert [(d.app_version, d.refused_count) for d in devices] == [
        (None, i) for i in range(ROUNDS)
    ]  # the second heartbeat replaced the first report
