"""`flask kto backup` during load and `flask kto restore` into a fresh database: every
response acknowledged before the backup began is in the restored database."""

from __future__ import annotations

import os
import threading

import pytest

from survey.extensions import db
from survey.models import Response
from tests.conftest import count_rows, make_payload

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


@pytest.mark.slow
def test_backup_during_load_restores_every_acknowledged_response(tmp_path):
    from bench.load import Tally, run_load, stored_ids
    from bench.stack import Database, Gunicorn

    kind = "postgres" if ON_POSTGRES else "sqlite"
    server = os.environ.get("TEST_DATABASE_URL")
    backup_file = tmp_path / "kto.backup"
    with Database(kind, server) as live, Gunicorn(live.env(), workers=2) as web:
        tally = Tally()
        load = threading.Thread(target=run_load,
                                args=(web.url, live.api_key, 600, 16, tally))
        load.start()
        try:
            while tally.acked < 200 and load.is_alive():
                load.join(0.05)
            with tally.lock:
                before_backup = set(tally.acked_ids)
            made = live.flask("backup", "--to", str(backup_file))
        finally:
            load.join(300)
        assert made.returncode == 0, made.stderr
        assert "Backed up to" in made.stdout
        assert tally.acked == 600  # the load went on during the backup
        assert len(before_backup) >= 200
        with Database(kind, server, prepare=False) as fresh:
            restored = fresh.flask("restore", "--from", str(backup_file))
            assert restored.returncode == 0, restored.stderr
            counts, doubled = stored_ids(fresh.url)
            assert before_backup <= set(counts)  # nothing acknowledged before it is missing
            assert len(counts) <= 600 and doubled == 0
            assert all(n == 1 for n in counts.values())
            assert f"holds {len(counts)} responses" in restored.stdout
            # A second restore into the now filled database is refused and changes nothing.
            again = fresh.flask("restore", "--from", str(backup_file))
            assert again.returncode == 1 and "already holds responses" in again.stderr
            assert len(stored_ids(fresh.url)[0]) == len(counts)


def test_restore_refuses_a_database_with_responses_or_a_missing_file(
    runner, import_headers, client, tmp_path
):
    assert client.post("/api/v1/responses", json=make_payload(),
                       headers=import_headers).status_code == 201
    before = count_rows()
    missing = runner.invoke(args=["kto", "restore", "--from", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "No backup file" in missing.output
    (tmp_path / "some.backup").write_bytes(b"not a backup")
    full = runner.invoke(args=["kto", "restore", "--from", str(tmp_path / "some.backup")])
    assert full.exit_code == 1 and "already holds responses" in full.output
    assert count_rows() == before
    assert db.session.query(Response).count() == 1
