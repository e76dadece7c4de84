"""Ingest benchmark: POST /api/v1/responses over HTTP against gunicorn, beside a bare floor.

Both servers run under the same gunicorn settings on a scratch SQLite database. For each, wrk
first sends as fast as it can (throughput, p50, p99) and then at a fixed 200 responses/s
(p50, p99). Prints a table and the ratio of throughputs. Needs `wrk` (apt-get install wrk).

    .venv/bin/python bench/ingest.py [--seconds 10] [--connections 16] [--workers N]
    .venv/bin/python bench/ingest.py --in-process 5000   # record_response alone, no HTTP
    .venv/bin/python bench/ingest.py --rounds 3          # app, floor, app, floor, ...
    .venv/bin/python bench/ingest.py --root /other/checkout   # serve another tree's code

The app and the floor are measured back to back (with --rounds, alternately), so both meet
the same load from other work on the machine; the load average is printed with each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "ingest.lua"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start")


def gunicorn(app_spec: str, port: int, workers: int, env: dict,
             root: Path = ROOT) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--graceful-timeout", "3", app_spec],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(10)


def wrk(port: int, seconds: int, connections: int, rate: int, api_key: str = "") -> dict:
    env = {**os.environ, "RATE": str(rate), "CONNECTIONS": str(connections), "API_KEY": api_key}
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
         "-s", str(LUA), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def prepare_app_database(env: dict, root: Path = ROOT) -> str:
    """Schema and demo structure; returns an API key of the demo organisation.

    Answers are posted as a server-to-server import (kiosk answers without a device secret are
    refused), so the figure includes checking the key on every request.
    """
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=root, env=env, check=True,
                   capture_output=True)
    out = subprocess.run(
        [str(BIN / "python"), "-c",
         "from app import create_app\n"
         "from survey.demo.loader import load_demo_structure\n"
         "from survey.services.apikeys import create_api_key\n"
         "with create_app().app_context():\n"
         "    load_demo_structure()\n"
         "    print(create_api_key('demo', 'bench'))"],
        cwd=root, env=env, check=True, capture_output=True, text=True,
    ).stdout
    return out.strip().splitlines()[-1]


IN_PROCESS = """
import sys, time, uuid
from datetime import UTC, datetime
from app import create_app
from survey.services.responses import record_response

count = int(sys.argv[1])
def payload(i):
    answers = ({"oordeel": "up", "onderwerp": "paspoort_id"} if i % 5
               else {"oordeel": "down", "reden": ["lang_wachten"]})
    return {"id": str(uuid.uuid4()), "organisation": "demo", "survey": "balie",
            "contact_channel": "counter", "survey_mode": "kiosk", "location": "stadhuis",
            "submitted_at": datetime.now(UTC).isoformat(), "answers": answers}
with create_app().app_context():
    for i in range(200):
        record_response(payload(i))  # warm the caches and the page cache
    payloads = [payload(i) for i in range(count)]
    best = None
    for _round in range(3):
        start = time.perf_counter()
        for p in payloads[_round::3]:
            record_response(p)
        per = (time.perf_counter() - start) / len(payloads[_round::3]) * 1000
        best = per if best is None else min(best, per)
    print(f"record_response in-process: {best:.3f} ms per response (best of 3 rounds)")
"""


def in_process(env: dict, count: int) -> None:
    subprocess.run([str(BIN / "python"), "-c", IN_PROCESS, str(count)], cwd=ROOT, env=env,
                   check=True)


def measure(name: str, app_spec: str, env: dict, args, api_key: str = "") -> dict:
    port = free_port()
    load = os.getloadavg()[0]
    server = gunicorn(app_spec, port, args.workers, env, args.root if name == "app" else ROOT)
    try:
        if name == "app":
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
        else:
            time.sleep(1.5)
        wrk(port, 2, args.connections, 0, api_key)  # warm up
        peak = wrk(port, args.seconds, args.connections, 0, api_key)
        steady = wrk(port, args.seconds, 10, 200, api_key)
    finally:
        stop(server)
    return {"name": name, "peak": peak, "steady": steady, "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="gunicorn workers for both servers (default: one per core)")
    parser.add_argument("--rounds", type=int, default=1, help="app and floor alternately")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout whose app is measured (default: this one)")
    parser.add_argument("--in-process", type=int, metavar="N", default=0,
                        help="time N record_response calls in one process instead (no HTTP)")
    args = parser.parse_args()
    if args.in_process:
        with tempfile.TemporaryDirectory() as tmp:
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
            env.update(DATABASE_URL=f"sqlite:///{tmp}/app.sqlite3", SECRET_KEY="bench",
                       KTO_ENV="development", RATELIMIT_ENABLED="0",
                       HUEY_SQLITE_PATH=f"{tmp}/queue.sqlite3", FLASK_APP="app:create_app")
            prepare_app_database(env)
            in_process(env, args.in_process)
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")

    with tempfile.TemporaryDirectory() as tmp:
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        app_env = {**base, "DATABASE_URL": f"sqlite:///{tmp}/app.sqlite3",
                   "HUEY_SQLITE_PATH": f"{tmp}/queue.sqlite3", "SECRET_KEY": "bench",
                   "KTO_ENV": "development", "RATELIMIT_ENABLED": "0",
                   "FLASK_APP": "app:create_app"}
        api_key = prepare_app_database(app_env, args.root)
        floor_env = {**base, "FLOOR_DATABASE": f"{tmp}/floor.sqlite3",
                     "PYTHONPATH": str(ROOT / "bench")}
        results = []
        for _ in range(args.rounds):
            results.append(measure("app", "app:create_app()", app_env, args, api_key))
            results.append(measure("floor", "floor_app:app", floor_env, args))
    print(f"{args.root}: gunicorn --workers {args.workers}, SQLite (WAL), wrk "
          f"{args.connections} connections for {args.seconds} s; steady: 10 connections at "
          f"200 responses/s")
    print(f"{'server':<8}{'load':>6}{'peak resp/s':>13}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'   at 200/s:':>13}{'resp/s':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for r in results:
        p, s = r["peak"], r["steady"]
        print(f"{r['name']:<8}{r['load']:>6.1f}{p['rps']:>13.0f}{p['p50_ms']:>9.1f}"
              f"{p['p99_ms']:>9.1f}{p['errors']:>8}{'':>13}{s['rps']:>8.0f}{s['p50_ms']:>9.1f}"
              f"{s['p99_ms']:>9.1f}")
    apps = sum(r["peak"]["rps"] for r in results if r["name"] == "app")
    floors = sum(r["peak"]["rps"] for r in results if r["name"] == "floor")
    print(f"throughput ratio app/floor: {apps / floors:.2f} (goal >= 0.60); "
          f"p99 at 200/s: {max(r['steady']['p99_ms'] for r in results if r['name'] == 'app'):.1f}"
          f" ms (goal < 50 ms)")


if __name__ == "__main__":
    main()
