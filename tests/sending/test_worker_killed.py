"""A real worker process SIGKILLed mid-batch, again and again, against the fake Twilio:
afterwards every invitation has exactly one message, none is lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from survey.config import ROOT
from tests.fakes.twilio import FakeTwilio
from tests.sending.helpers import deliveries, make_invitations, statuses

N = 240


def worker_env(database_url: str, fake: FakeTwilio, tmp_path) -> dict:
    env = dict(os.environ)
    env.update({
        "FLASK_APP": "app:create_app", "KTO_ENV": "testing", "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url, "HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite3"),
        "PUBLIC_URL": "https://kto.voorbeeld.nl", "RATELIMIT_ENABLED": "0",
        "SEND_BATCH_SIZE": "20", "SMS_CONCURRENCY": "4", "SMS_TIMEOUT_SECONDS": "2",
        "SEND_CLAIM_LEASE_SECONDS": "1",
        **{k: str(v) for k, v in fake.config().items()},
    })
    return env


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "kto", "invitations", "send", "--until-empty",
         "--max-seconds", "5"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


def test_sigkill_mid_batch_never_duplicates_nor_loses(app, demo_org, database_url, tmp_path):
    rng = random.Random(10)
    with FakeTwilio(latency=0.03, deliver=False) as fake:
        make_invitations(N)
        env = worker_env(database_url, fake, tmp_path)
        kills_mid_batch = 0
        for _ in range(6):
            worker = start_worker(env)
            # Wait until this worker is sending, then kill it at a random moment.
            before = len(fake.messages)
            deadline = time.monotonic() + 30
            while len(fake.messages) == before and worker.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            time.sleep(rng.uniform(0.05, 0.4))
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                kills_mid_batch += len(fake.messages) < N
            worker.communicate(timeout=30)
        assert kills_mid_batch >= 3  # the kills really hit a worker in the middle
        last = start_worker(env)  # the survivor: recovers what the dead left claimed
        output, _ = last.communicate(timeout=120)
        assert last.returncode == 0, output.decode()

        per_number = fake.count_by("to")
    assert len(per_number) == N, "an invitation was lost"
    assert max(per_number.values()) == 1, "an invitation was sent twice"
    assert statuses() == {"sent": N}
    assert all(d.status == "sent" for d in deliveries())
    assert any(d.attempts > 1 for d in deliveries())  # some were recovered after a kill
