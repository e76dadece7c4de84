"""Invitations benchmark: contacts in through the API, then sent to a fake Twilio.

100,000 contacts (phone calls, each with its own mobile number) are posted to
POST /api/v1/contacts in batches of 1,000 against gunicorn on a scratch SQLite database (demo
rule for phone calls: everyone invited, no delay, no quiet hours), and the invitations are
then drained by `flask kto invitations send` to the fake Twilio of tests/fakes (a real HTTP
server in its own process, answering every request after 50 ms): first one worker process,
then (the same invitations made due again) two at once. Prints contacts/s accepted and
invitations/s sent; each message is counted by the fake, which must see every invitation
exactly once.

    .venv/bin/python bench/invitations.py [--contacts 100000] [--batch 1000] [--clients 4]
                                         [--latency 0.05] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.ingest import free_port, gunicorn, wait_until_up  # noqa: E402

FAKE = """
import sys, time, json
from tests.fakes.twilio import FakeTwilio
fake = FakeTwilio(latency=float(sys.argv[1]), deliver=False).start()
print(json.dumps(fake.config()), flush=True)
cpu0 = time.process_time()
for line in sys.stdin:
    with fake.lock:
        counts = {}
        for m in fake.messages:
            counts[m["to"]] = counts.get(m["to"], 0) + 1
        fake.messages.clear()
    cpu = time.process_time() - cpu0
    cpu0 = time.process_time()
    print(json.dumps({"messages": sum(counts.values()), "numbers": len(counts),
                      "most": max(counts.values(), default=0), "cpu": cpu}), flush=True)
"""

PREPARE = """
from app import create_app
from survey.demo.loader import load_demo_structure
from survey.services.apikeys import create_api_key
from survey.services.rules import set_rule
app = create_app()
with app.app_context():
    load_demo_structure()
    set_rule("demo", "phone", sampling_rate=1, delay_minutes=0, quiet_start="00:00",
             quiet_end="00:00", throttle_days=0, daily_cap=None, reminder_after_hours=None)
    print(create_api_key("demo", "bench"))
"""

RESET = """
from sqlalchemy import text
from app import create_app
from survey.extensions import db
app = create_app()
with app.app_context():
    db.session.execute(text("DELETE FROM deliveries"))
    db.session.execute(text("UPDATE invitations SET status='scheduled', sent_at=NULL, "
                            "provider_message_id=NULL"))
    db.session.commit()
"""


def contact(i: int) -> dict:
    return {"reference": f"bench-{i}", "contact_channel": "phone",
            "ended_at": datetime.now(UTC).isoformat(), "phone": f"+3161{i:07d}"}


def post_contacts(url: str, key: str, total: int, batch: int, clients: int) -> float:
    def post(start: int) -> int:
        body = {"contacts": [contact(i) for i in range(start, min(total, start + batch))]}
        with httpx.Client(timeout=120) as client:
            response = client.post(url, json=body, headers={"Authorization": f"Bearer {key}"})
        response.raise_for_status()
        return len(body["contacts"])

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        accepted = sum(pool.map(post, range(0, total, batch)))
    seconds = time.perf_counter() - started
    assert accepted == total
    return total / seconds


def drain(workers: int, env: dict) -> tuple[float, float, float]:
    """Seconds from start to the last worker's end, the longest time a worker spent sending
    (without starting Python and the app), and the workers' CPU seconds (start-up included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    sending = 0.0
    procs = [subprocess.Popen([str(BIN / "flask"), "kto", "invitations", "send", "--until-empty",
                               "--max-seconds", "3600"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    for p in procs:
        out, _ = p.communicate()
        if p.returncode:
            raise RuntimeError(out)
        sending = max(sending, float(out.rsplit(" in ", 1)[1].split()[0]))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    return time.perf_counter() - started, sending, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="kto-bench-invitations-"))
    fake = subprocess.Popen([sys.executable, "-c", FAKE, str(args.latency)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    fake_config = json.loads(fake.stdout.readline())
    port = free_port()
    env = {**os.environ, "FLASK_APP": "app:create_app", "KTO_ENV": "development",
           "SECRET_KEY": "bench-secret-key-0123456789abcdef", "RATELIMIT_ENABLED": "0",
           "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
           "HUEY_SQLITE_PATH": str(scratch / "queue.sqlite3"),
           "PUBLIC_URL": f"http://127.0.0.1:{port}", "SMS_CONCURRENCY": str(args.concurrency),
           "SEND_BATCH_SIZE": "500", **fake_config}
    web = None
    try:
        subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        key = subprocess.run([str(BIN / "python"), "-c", PREPARE], cwd=ROOT, env=env,
                             check=True, capture_output=True, text=True).stdout.strip()
        web = gunicorn("app:create_app()", port, args.web_workers, env)
        wait_until_up(f"http://127.0.0.1:{port}/api/v1/openapi.json", 180)
        rate = post_contacts(f"http://127.0.0.1:{port}/api/v1/contacts", key, args.contacts,
                             args.batch, args.clients)
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"contacts accepted: {args.contacts} in batches of {args.batch} by "
              f"{args.clients} clients, {args.web_workers} gunicorn workers: {rate:,.0f}/s")
        web.terminate()
        web.wait()
        web = None
        for workers in (1, 2):
            if workers == 2:
                subprocess.run([str(BIN / "python"), "-c", RESET], cwd=ROOT, env=env,
                               check=True, capture_output=True)
            wall, seconds, cpu = drain(workers, env)
            fake.stdin.write("count\n")
            fake.stdin.flush()
            seen = json.loads(fake.stdout.readline())
            assert seen["numbers"] == args.contacts and seen["most"] == 1, seen
            print(f"invitations sent by {workers} worker(s), {args.concurrency} requests at "
                  f"once each, provider answering in {args.latency * 1000:.0f} ms: "
                  f"{seen['messages']} in {seconds:.1f} s = {seen['messages'] / seconds:,.0f}/s "
                  f"({wall:.1f} s with start-up; each number exactly once); worker CPU "
                  f"{cpu * 1000 / seen['messages']:.2f} ms per invitation, fake Twilio CPU "
                  f"{seen['cpu'] * 1000 / seen['messages']:.2f} ms")
    finally:
        if web is not None:
            web.terminate()
        fake.terminate()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
