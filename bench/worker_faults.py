"""The task-queue worker (`python -m survey.worker`, Huey) killed while it sends invitations.

    .venv/bin/python bench/faults.py worker-kill-sending [--invitations 5000] [--database postgres]

`--invitations` SMS invitations are due; the real worker process sends them to the fake
Twilio (tests/fakes/twilio.py: its HTTP server in this process, 50 ms per answer, counting
the messages per number) and is killed with SIGKILL when 25 % and again when 60 % of the
numbers have a message, each time restarted at once. At each kill the harness counts the
deliveries left `claimed` and, of those, the ones the fake already accepted (sent but not
recorded: the window a duplicate would come from). At the end every number must have exactly
one message and every invitation be `sent`.

The claim lease is 10 s here (600 s in production), so a dead worker's claims are taken over
within the run, and the harness enqueues the worker's own `send_invitations` task every
second instead of waiting for its once-a-minute schedule. (The worker killed while building
a monthly report: tests/reports/test_report_jobs.py.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.stack import ROOT, Database

# Enqueues one of the worker's tasks every second until killed (the schedule, sped up).
TICKER = """
import sys, time
from app import create_app
from survey import tasks
create_app()
task = getattr(tasks, sys.argv[1])
while True:
    task()
    time.sleep(1)
"""

MAKE_INVITATIONS = """
import sys
from app import create_app
from tests.sending.helpers import make_invitations
app = create_app()
with app.app_context():
    make_invitations(int(sys.argv[1]))
"""

CLAIMED = """SELECT c.address FROM contacts c JOIN invitations i ON i.contact_id = c.id
JOIN deliveries d ON d.invitation_id = i.id WHERE d.status = 'claimed'"""

SENDING_HEADER = (
    "| scenario | invitations | messages at the provider | numbers reached | lost | "
    "duplicated | kills (claims open / sent but unrecorded at each) | claims taken over "
    "| s |\n|---|---|---|---|---|---|---|---|---|")


@dataclass
class SendingResult:
    invitations: int
    messages: int = 0
    numbers: int = 0
    lost: int = 0
    duplicated: int = 0
    kills: list[tuple[int, int]] = field(default_factory=list)  # (claims open, unrecorded)
    recovered: int = 0
    statuses: dict = field(default_factory=dict)
    seconds: float = 0.0
    events: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return (self.lost == 0 and self.duplicated == 0 and self.numbers == self.invitations
                and self.statuses == {"sent": self.invitations})

    def row(self, name: str) -> str:
        kills = ", ".join(f"{c} / {u}" for c, u in self.kills) or "none"
        return (f"| {name} | {self.invitations} | {self.messages} | {self.numbers} | "
                f"{self.lost} | {self.duplicated} | {kills} | {self.recovered} | "
                f"{self.seconds:.0f} |")


class Process:
    """A Python process of the platform in its own process group, output to a log file."""

    def __init__(self, args: list[str], env: dict, log: Path):
        self.args, self.env, self.log = args, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> Process:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen([sys.executable, *self.args], cwd=ROOT,
                                            env=self.env, stdout=out, stderr=out,
                                            start_new_session=True)
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def worker_env(database: Database, fake, lease_seconds: float) -> dict:
    return {
        **database.env(),
        "PUBLIC_URL": "https://kto.voorbeeld.nl",
        "SEND_BATCH_SIZE": "100", "SMS_CONCURRENCY": "16", "SMS_TIMEOUT_SECONDS": "3",
        # Claims of a killed worker are looked up after this lease (600 s in production).
        "SEND_CLAIM_LEASE_SECONDS": str(lease_seconds),
        **{k: str(v) for k, v in fake.config().items()},
    }


def state(engine) -> dict:
    """The claims open now, invitations and deliveries by status, claims taken over."""
    from sqlalchemy import text

    with engine.connect() as connection:
        def grouped(table: str) -> dict:
            return dict(connection.execute(text(
                f"SELECT status, COUNT(*) FROM {table} GROUP BY status")).all())

        return {
            "claimed": connection.execute(text(CLAIMED)).scalars().all(),
            "invitations": grouped("invitations"),
            "deliveries": grouped("deliveries"),
            "recovered": connection.execute(text(
                "SELECT COUNT(*) FROM deliveries WHERE status = 'sent' AND attempts > 1"
            )).scalar(),
        }


def kill_sending(invitations: int = 5000, database: str = "sqlite",
                 server_url: str | None = None, shares=(0.25, 0.60),
                 lease_seconds: float = 10.0, give_up_seconds: float = 900) -> SendingResult:
    from sqlalchemy import create_engine

    from tests.fakes.twilio import FakeTwilio

    result = SendingResult(invitations)
    with Database(database, server_url) as db, FakeTwilio(latency=0.05, deliver=False) as fake:
        db.run_python(MAKE_INVITATIONS, str(invitations))
        env = worker_env(db, fake, lease_seconds)
        engine = create_engine(db.url)
        logs = db.workdir
        ticker = Process(["-c", TICKER, "send_invitations"], env, logs / "ticker.log")
        worker = Process(["-m", "survey.worker"], env, logs / "worker-0.log")
        started = time.monotonic()
        try:
            worker.start()
            ticker.start()
            for round_, share in enumerate(shares, 1):
                while len(fake.messages) < share * invitations:
                    if time.monotonic() - started > give_up_seconds:
                        raise RuntimeError(f"no progress: {worker.log.read_text()[-2000:]}")
                    time.sleep(0.005)
                worker.kill()
                at_kill = len(fake.messages)
                seen = state(engine)
                reached = set(fake.count_by("to"))
                unrecorded = sum(1 for number in seen["claimed"] if number in reached)
                result.kills.append((len(seen["claimed"]), unrecorded))
                result.events.append(f"SIGKILL worker at {at_kill} messages")
                worker = Process(["-m", "survey.worker"], env, logs / f"worker-{round_}.log")
                worker.start()
            while True:
                seen = state(engine)
                if seen["invitations"] == {"sent": invitations} and set(
                        seen["deliveries"]) == {"sent"}:
                    break
                if time.monotonic() - started > give_up_seconds:
                    break
                time.sleep(0.2)
        finally:
            ticker.kill()
            worker.kill(signal.SIGTERM)
        result.seconds = time.monotonic() - started
        per_number = fake.count_by("to")
        final = state(engine)
        engine.dispose()
    result.messages = sum(per_number.values())
    result.numbers = len(per_number)
    result.lost = invitations - len(per_number)
    result.duplicated = sum(n - 1 for n in per_number.values())
    result.recovered = final["recovered"]
    result.statuses = final["invitations"]
    return result
