"""Short runs of the fault harness (bench/faults.py): load with retries, a fault in the
middle, then every acknowledged response is stored exactly once and no request got a 500.

Each run starts its own database and gunicorn on free loopback ports. The SQLite scenarios
run in the SQLite pass of `make test`, the PostgreSQL ones in its PostgreSQL pass (with a
cluster of their own, which they restart).
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

pytestmark = pytest.mark.slow

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
RESPONSES, CONNECTIONS, WORKERS = 200, 16, 2


def _can(command: list[str]) -> bool:
    return shutil.which(command[0]) is not None and os.geteuid() == 0


def _run(scenario: str, database: str | None = None):
    from bench import faults

    result = faults.run(scenario, RESPONSES, CONNECTIONS, WORKERS, database)
    assert result.sent == result.acknowledged == RESPONSES, result
    assert result.stored == RESPONSES and result.lost == 0 and result.duplicated == 0, result
    assert result.status_500 == 0 and result.refused == 0, result
    assert result.gave_up == 0, result
    return result


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite pass runs it")
def test_gunicorn_workers_killed_twice():
    result = _run("kill-worker")
    assert [e.split(" worker")[0] for e in result.events] == ["SIGKILL", "SIGKILL"]


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite pass runs it")
def test_a_gunicorn_worker_stopped_for_five_seconds():
    result = _run("stop-worker")
    assert len(result.events) == 1 and result.events[0].startswith("SIGSTOP")


@pytest.mark.skipif(ON_POSTGRES or not _can(["chattr"]), reason="SQLite pass, as root")
def test_sqlite_file_unwritable_mid_load_is_503_and_recovers():
    result = _run("sqlite-readonly")
    assert result.status_503 > 0  # the fault was met, and answered 503


@pytest.mark.skipif(ON_POSTGRES or not _can(["mount"]), reason="SQLite pass, as root")
def test_sqlite_full_disk_mid_load_is_503_and_recovers():
    result = _run("sqlite-full-disk")
    assert result.status_503 > 0


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL pass runs it")
def test_postgresql_restarted_and_crashed_mid_load():
    result = _run("pg-restart")
    assert result.status_503 > 0


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL pass runs it")
def test_postgresql_connection_limit_exhausted_mid_load():
    _run("pg-connections")


def test_metrics_add_up_over_gunicorn_workers():
    """prometheus_client's multiprocess mode: any worker's scrape reports every worker's
    stored responses."""
    import urllib.request

    from bench.load import run_load
    from bench.stack import Database, Gunicorn

    kind = "postgres" if ON_POSTGRES else "sqlite"
    with Database(kind, os.environ.get("TEST_DATABASE_URL")) as database, \
            Gunicorn(database.env(), workers=3) as web:
        tally = run_load(web.url, database.api_key, 150, connections=12)
        assert tally.acked == 150
        for _ in range(4):  # the scrapes land on different workers
            with urllib.request.urlopen(web.url + "/metrics", timeout=10) as reply:
                text = reply.read().decode()
            counted = sum(float(v) for v in re.findall(
                r'^kto_responses_stored_total\{[^}]*\} (\S+)$', text, re.MULTILINE))
            assert counted == 150
        assert len(web.worker_pids()) == 3


def test_task_queue_worker_killed_twice_while_sending_invitations():
    """bench/faults.py worker-kill-sending, short: the real worker process SIGKILLed twice
    mid-batch; every number gets exactly one SMS from the fake Twilio, none is lost."""
    from bench.worker_faults import kill_sending

    kind = "postgres" if ON_POSTGRES else "sqlite"
    result = kill_sending(400, kind, os.environ.get("TEST_DATABASE_URL"), lease_seconds=4,
                          give_up_seconds=300)
    assert len(result.kills) == 2 and all(open_ > 0 for open_, _ in result.kills), result
    assert sum(unrecorded for _, unrecorded in result.kills) > 0, result  # the window was hit
    assert (result.numbers, result.lost, result.duplicated) == (400, 0, 0), result
    assert result.statuses == {"sent": 400} and result.recovered > 0, result
