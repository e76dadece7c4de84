"""The load and fault harness: load with retries, a fault in the middle, a reconciliation.

    .venv/bin/python bench/faults.py SCENARIO [--responses 20000] [--connections 64]
    .venv/bin/python bench/faults.py all

Scenarios (each starts its own database and gunicorn on free loopback ports and stops them):
  baseline          no fault
  kill-worker       SIGKILL of a gunicorn worker at 25% and again at 60% of the load
  stop-worker       SIGSTOP of a worker at 30%, SIGCONT 5 s later
  sqlite-readonly   the SQLite file (and its WAL) made unwritable for 5 s at 30% (chattr +i)
  sqlite-full-disk  the SQLite file on a small tmpfs, filled to the last byte for 5 s at 30%
  pg-restart        PostgreSQL restarted at 30% (fast) and crashed and recovered at 60%
                    (immediate)
  pg-connections    at 30% every free PostgreSQL connection is taken and the app's own are
                    ended, for 5 s (connection-limit exhaustion)
  worker-kill-sending  the task-queue worker SIGKILLed twice while it sends --invitations
                    SMS invitations to the fake Twilio (bench/worker_faults.py)

Prints a Markdown row (docs/RELIABILITY.md) and exits 1 when an acknowledged response was
lost, anything was stored twice, the server answered 500, or a client had to give up.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import HEADER, Reconciliation, Tally, reconcile, run_load  # noqa: E402
from bench.stack import Database, Gunicorn, PostgresCluster  # noqa: E402
from bench.worker_faults import SENDING_HEADER, kill_sending  # noqa: E402

HOLD_SECONDS = 5.0


def wait_for(tally: Tally, share: float, total: int, stop: threading.Event) -> bool:
    while tally.acked < share * total:
        if stop.wait(0.02):
            return False
    return True


def note(ctx, tally, what: str) -> None:
    ctx["events"].append(f"{what} at {tally.acked} acknowledged")


def kill_worker(ctx, tally, total, stop):
    for share in (0.25, 0.60):
        if wait_for(tally, share, total, stop):
            note(ctx, tally, f"SIGKILL worker {ctx['web'].signal_worker(signal.SIGKILL)}")


def stop_worker(ctx, tally, total, stop):
    if wait_for(tally, 0.30, total, stop):
        pid = ctx["web"].signal_worker(signal.SIGSTOP)
        note(ctx, tally, f"SIGSTOP worker {pid}")
        time.sleep(HOLD_SECONDS)
        os.kill(pid, signal.SIGCONT)


def sqlite_readonly(ctx, tally, total, stop):
    if wait_for(tally, 0.30, total, stop):
        files = [str(ctx["db"].path), f"{ctx['db'].path}-wal"]  # never -shm: it is mmapped
        files = [f for f in files if os.path.exists(f)]
        subprocess.run(["chattr", "+i", *files], check=True)
        note(ctx, tally, "SQLite file unwritable")
        try:
            time.sleep(HOLD_SECONDS)
        finally:
            subprocess.run(["chattr", "-i", *files], check=True)


def sqlite_full_disk(ctx, tally, total, stop):
    if wait_for(tally, 0.30, total, stop):
        filler = ctx["db"].path.parent / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            for size in (1 << 20, 4096, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(fd)
        note(ctx, tally, f"disk full ({filler.stat().st_size} bytes of filler)")
        time.sleep(HOLD_SECONDS)
        filler.unlink()


def pg_restart(ctx, tally, total, stop):
    for share, mode in ((0.30, "fast"), (0.60, "immediate")):
        if wait_for(tally, share, total, stop):
            note(ctx, tally, f"PostgreSQL restart -m {mode}")
            ctx["pg"].restart(mode)


def pg_connections(ctx, tally, total, stop):
    import psycopg

    if not wait_for(tally, 0.30, total, stop):
        return
    url = ctx["db"].url.replace("postgresql+psycopg://", "postgresql://")
    held = []
    try:
        for _ in range(ctx["pg"].max_connections):
            try:
                held.append(psycopg.connect(url, connect_timeout=3, autocommit=True))
            except psycopg.OperationalError:
                break  # the server is full
        if held:  # end the app's connections: its workers must reconnect into a full server
            held[0].execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> ALL(%s)",
                ([c.info.backend_pid for c in held],),
            )
        time.sleep(HOLD_SECONDS)
    finally:
        for connection in held:
            connection.close()


SCENARIOS = {
    "baseline": ("sqlite", None),
    "kill-worker": ("sqlite", kill_worker),
    "stop-worker": ("sqlite", stop_worker),
    "sqlite-readonly": ("sqlite", sqlite_readonly),
    "sqlite-full-disk": ("sqlite", sqlite_full_disk),
    "pg-restart": ("postgres", pg_restart),
    "pg-connections": ("postgres", pg_connections),
}


def worker_kill_sending(invitations: int, database: str) -> object:
    if database == "postgres":
        with PostgresCluster() as pg:
            return kill_sending(invitations, "postgres", pg.url)
    return kill_sending(invitations)


WORKER_SCENARIOS = {"worker-kill-sending": worker_kill_sending}


def run(scenario: str, responses: int, connections: int, workers: int,
        database: str | None = None) -> Reconciliation:
    kind, fault = SCENARIOS[scenario]
    kind = database or kind
    with ExitStack() as stack:
        ctx: dict = {"events": []}
        server_url = None
        if kind == "postgres":
            ctx["pg"] = stack.enter_context(
                PostgresCluster(max_connections=40 if scenario == "pg-connections" else 100))
            server_url = ctx["pg"].url
        tmpfs = max(16, responses // 250) if scenario == "sqlite-full-disk" else None
        ctx["db"] = stack.enter_context(Database(kind, server_url, tmpfs_mb=tmpfs))
        ctx["web"] = stack.enter_context(Gunicorn(ctx["db"].env(), workers=workers))
        tally, stop = Tally(), threading.Event()
        injector = threading.Thread(target=fault, args=(ctx, tally, responses, stop)) if fault \
            else None
        started = time.monotonic()
        if injector:
            injector.start()
        try:
            run_load(ctx["web"].url, ctx["db"].api_key, responses, connections, tally)
        finally:
            stop.set()
            if injector:
                injector.join(60)
        seconds = time.monotonic() - started
        result = reconcile(tally, ctx["db"].url, seconds)
        object.__setattr__(result, "gave_up", tally.gave_up)
        object.__setattr__(result, "events", ctx["events"])
        return result


def healthy(result: Reconciliation) -> bool:
    return (result.lost == 0 and result.duplicated == 0 and result.status_500 == 0
            and result.refused == 0 and getattr(result, "gave_up", 0) == 0
            and result.acknowledged == result.sent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=[*SCENARIOS, *WORKER_SCENARIOS, "all"])
    parser.add_argument("--responses", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--invitations", type=int, default=5000,
                        help="worker-kill-sending: invitations to send")
    parser.add_argument("--database", choices=["sqlite", "postgres"],
                        help="run a generic scenario (baseline, kill-worker, stop-worker, "
                             "worker-kill-sending) here")
    args = parser.parse_args()
    every = [*SCENARIOS, *WORKER_SCENARIOS]
    names = every if args.scenario == "all" else [args.scenario]
    ok = True
    if any(name in SCENARIOS for name in names):
        print(HEADER)
    for name in (n for n in names if n in SCENARIOS):
        result = run(name, args.responses, args.connections, args.workers, args.database)
        label = name if not args.database else f"{name} ({args.database})"
        print(result.row(label), flush=True)
        print(json.dumps({"scenario": label, **result.__dict__}), file=sys.stderr)
        ok = ok and healthy(result)
    for name in (n for n in names if n in WORKER_SCENARIOS):
        print(SENDING_HEADER)
        result = WORKER_SCENARIOS[name](args.invitations, args.database or "sqlite")
        label = name if not args.database else f"{name} ({args.database})"
        print(result.row(label), flush=True)
        print(json.dumps({"scenario": label, **result.__dict__}), file=sys.stderr)
        ok = ok and result.healthy
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
