"""Benchmark: signed WhatsApp webhook deliveries against gunicorn.

    .venv/bin/python bench/whatsapp.py [--deliveries 10000] [--connections 16] [--workers 4]
    .venv/bin/python bench/whatsapp.py --client httpx    # the Python client instead of wrk
    scripts/with-postgres.sh bash -c \\
      'BENCH_SERVER_URL=$TEST_DATABASE_URL .venv/bin/python bench/whatsapp.py'

Starts the platform under gunicorn on a free loopback port with a fresh database (SQLite file,
or a new database on BENCH_SERVER_URL's PostgreSQL server) and the demo organisation, whose
WhatsApp number receives every delivery. Each delivery is one POST /webhooks/whatsapp as Meta
sends it: a JSON body signed with X-Hub-Signature-256, holding one message (a typed text, a
template's quick-reply button with context, an interactive button_reply or list_reply) or one
status (sent, delivered, read, failed with 131047), in a mix of 60% replies and 40% statuses;
one in fifty is a replay of an earlier delivery. The webhook checks the signature on the raw
body, keeps each event once and queues it for the worker (no worker runs here, so this is the
webhook's own cost). The SQLite file and the queue live on /dev/shm unless --on-disk.
The deliveries are prepared and signed beforehand and sent by wrk (bench/whatsapp.lua), each
exactly once, so the load generator costs the two cores little; `--client httpx` sends them
from Python instead (asyncio, keep-alive), which on this machine takes more CPU than the server.
Prints deliveries/s, p50/p99 latency, the web workers' CPU per delivery, the status
codes, and the events
queued against the unique events sent (replays must add none).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import Database, Gunicorn  # noqa: E402

SECRET = "bench-app-secret-" + "s" * 16
NUMBER_ID = "demo-whatsapp"  # the demo's WhatsApp number (survey.services.rules)


def delivery(i: int, rng: random.Random) -> dict:
    value: dict = {"messaging_product": "whatsapp",
                   "metadata": {"display_phone_number": "31970102030405",
                                "phone_number_id": NUMBER_ID}}
    sender = f"316{rng.randrange(10_000_000, 99_999_999)}"
    stamp = str(int(time.time()))
    kind = rng.random()
    if kind < 0.6:
        message: dict = {"from": sender, "id": f"wamid.bench-in-{i}", "timestamp": stamp}
        pick = rng.randrange(4)
        if pick == 0:
            message.update(type="text", text={"body": "Het ging goed, dank u."})
        elif pick == 1:
            message.update(type="button", context={"from": "31970102030405",
                                                   "id": f"wamid.bench-out-{i}"},
                           button={"payload": f"kto1:{i}:oordeel:down", "text": "👎 Niet goed"})
        else:
            reply = "button_reply" if pick == 2 else "list_reply"
            message.update(type="interactive",
                           context={"from": "31970102030405", "id": f"wamid.bench-out-{i}"},
                           interactive={"type": reply, reply: {"id": f"kto1:{i}:reden:lang",
                                                               "title": "Lang wachten"}})
        value["contacts"] = [{"profile": {"name": "Inwoner"}, "wa_id": sender}]
        value["messages"] = [message]
    else:
        state = rng.choice(["sent", "delivered", "read", "failed"])
        status: dict = {"id": f"wamid.bench-out-{i}", "status": state, "timestamp": stamp,
                        "recipient_id": sender}
        if state == "failed":
            status["errors"] = [{"code": 131047, "title": "Re-engagement message"}]
        value["statuses"] = [status]
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"field": "messages",
                                                             "value": value}]}]}


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (from /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def signed(body: bytes) -> dict:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}


async def run(url: str, bodies: list[bytes], connections: int) -> tuple[list[float], dict]:
    latencies: list[float] = []
    codes: dict[int, int] = {}
    queue: asyncio.Queue = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        async def worker():
            while not queue.empty():
                body = queue.get_nowait()
                started = time.perf_counter()
                try:
                    answer = await client.post(url, content=body, headers=signed(body))
                    code = answer.status_code
                except httpx.HTTPError:
                    code = 0
                latencies.append(time.perf_counter() - started)
                codes[code] = codes.get(code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, codes


def run_wrk(url: str, bodies: list[bytes], connections: int, workdir: Path) -> dict:
    """Send every body once with wrk; returns its RESULT line (requests, seconds, latency)."""
    # One wrk thread: when it has its answers it stops, and nothing else waits on a gunicorn
    # worker that its last reconnects keep busy (two threads did: the second one stalled).
    threads = 1
    seconds = 10 + len(bodies) // 200  # wrk waits this long anyway; the run is timed in Lua
    path = workdir / f"deliveries-{len(bodies)}.tsv"
    with path.open("wb") as out:
        for body in bodies:
            out.write(signed(body)["X-Hub-Signature-256"].encode() + b"\t" + body + b"\n")
    done = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
         "-s", str(Path(__file__).with_name("whatsapp.lua")), url],
        env={**os.environ, "DELIVERIES": str(path), "THREADS": str(threads)},
        capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):].replace("inf", "null"))
    if result["seconds"] is None:
        sys.exit(f"wrk did not get every answer within {seconds} s: {line}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--client", choices=("wrk", "httpx"), default="wrk")
    parser.add_argument("--worker-class", default="",
                        help="gunicorn worker class (default: sync)")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads per gthread worker (gunicorn's default: 1)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--on-disk", action="store_true",
                        help="SQLite and the queue on the disk instead of /dev/shm")
    args = parser.parse_args()
    if not args.on_disk and Path("/dev/shm").is_dir():
        # The database file and Huey's queue on tmpfs: the figure is the code's, not the
        # shared machine's disk (as the fault harness does).
        tempfile.tempdir = "/dev/shm"
    rng = random.Random(14)
    server = os.environ.get("BENCH_SERVER_URL")
    kind = "postgres" if server else "sqlite"
    if server and server.startswith("postgresql://"):
        server = "postgresql+psycopg://" + server[len("postgresql://"):]
    with Database(kind, server_url=server) as database:
        env = {**database.env(), "WHATSAPP_APP_SECRET": SECRET, "LOG_FORMAT": "text",
               "WHATSAPP_PROVIDER": "whatsapp_outbox"}
        if args.client == "wrk" and shutil.which("wrk") is None:
            sys.exit("wrk is not installed: apt-get install -y wrk")
        extra = ((("--worker-class", args.worker_class) if args.worker_class else ()) +
                 (("--threads", str(args.threads)) if args.threads else ()))
        with Gunicorn(env, workers=args.workers, extra=extra) as web:
            url = web.url + "/webhooks/whatsapp"
            unique = [json.dumps(delivery(i, rng), separators=(",", ":")).encode()
                      for i in range(args.deliveries)]
            bodies = [rng.choice(unique[: max(1, i)]) if i % 50 == 49 else body
                      for i, body in enumerate(unique)]
            warm = [json.dumps(delivery(10**9 + i, rng)).encode() for i in range(args.warmup)]
            workdir = Path(database.env()["EXPORTS_DIR"]).parent
            if args.client == "wrk":
                run_wrk(url, warm, args.connections, workdir)
            else:
                asyncio.run(run(url, warm, args.connections))
            load_before = os.getloadavg()
            pids = web.worker_pids()
            cpu_before = cpu_seconds(pids)
            started = time.perf_counter()
            if args.client == "wrk":
                result = run_wrk(url, bodies, args.connections, workdir)
                seconds = result["seconds"]
            else:
                latencies, codes = asyncio.run(run(url, bodies, args.connections))
                seconds = time.perf_counter() - started
            cpu = cpu_seconds(pids) - cpu_before
            load_after = os.getloadavg()
        queued = int(database.run_python(
            "from app import create_app\nfrom survey.extensions import db\n"
            "from survey.models import WhatsAppEvent\n"
            "app = create_app()\nwith app.app_context():\n"
            "    print(db.session.query(WhatsAppEvent).count())").strip().splitlines()[-1])
    distinct = len(set(bodies)) + args.warmup
    where = "disk" if args.on_disk else "/dev/shm"
    workers = f"{args.workers} {args.worker_class or 'sync'}"
    if args.worker_class == "gthread":
        workers += f" x {args.threads or 1} threads"
    print(f"database: {kind} ({where}), gunicorn workers: {workers}, "
          f"client: {args.client}, connections: {args.connections}")
    print(f"deliveries: {len(bodies)} ({len(set(bodies))} distinct, the rest replays)")
    if args.client == "wrk":
        sent = result["requests"]
        print(f"deliveries/s: {sent / seconds:.0f} ({sent} answered in {seconds:.2f} s, "
              f"{result['replays_after_share']} of them replays after a thread's share)")
        print(f"latency p50: {result['p50_ms']:.1f} ms, p90: {result['p90_ms']:.1f} ms, "
              f"p99: {result['p99_ms']:.1f} ms, max: {result['max_ms']:.1f} ms")
        codes = {"non-2xx": result["non_2xx"], "socket errors": result["errors"]}
    else:
        latencies.sort()

        def pct(share: float) -> float:
            return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

        print(f"deliveries/s: {len(bodies) / seconds:.0f}")
        print(f"latency p50: {pct(0.50):.1f} ms, p99: {pct(0.99):.1f} ms, "
              f"max: {latencies[-1] * 1000:.1f} ms")
        codes = dict(sorted(codes.items()))
    print(f"gunicorn CPU per delivery: {cpu / len(bodies) * 1000:.2f} ms "
          f"(so about {len(bodies) / cpu:.0f} deliveries/s per core)")
    print(f"status codes: {codes}")
    print(f"events kept: {queued} (expected {distinct}: each distinct delivery once)")
    print(f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} "
          f"({os.cpu_count()} CPUs, shared machine)")


if __name__ == "__main__":
    main()
