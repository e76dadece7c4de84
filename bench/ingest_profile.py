"""Where an ingest request's time goes, per layer: py-spy on the gunicorn workers under wrk.

    .venv/bin/python bench/ingest_profile.py [--seconds 15] [--workers 2] [--connections 16]

Starts the platform (and then the bare floor, bench/floor_app.py) under gunicorn as
bench/ingest.py does, drives it with wrk at full speed and samples every worker with py-spy
(`record --subprocesses --format raw`: collapsed stacks, idle time left out). Each sample is
put in the innermost layer one of its frames belongs to (LAYERS, innermost first), and the
table gives each layer's share of the busy samples and, from the throughput wrk saw, its CPU
time per request. py-spy slows the servers it samples: compare throughput with
bench/ingest.py, not here.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest import (  # noqa: E402
    BIN,
    ROOT,
    free_port,
    gunicorn,
    prepare_app_database,
    wait_until_up,
    wrk,
)

# (layer, pattern on "function (file:line)"), tried innermost frame first: the first layer a
# frame matches takes the sample.
LAYERS = [
    ("DB write (unit of work, INSERTs, COMMIT)",
     r"unit_of_work|DriverWrite|survey/database\.py|survey/services/visitors\.py"),
    ("API key check", r"survey/(api/auth|services/apikeys|channels/importer)|"
     r"organisation_id_for_key|\bprove \("),
    ("validation (envelope, answers)", r"survey/domain/|prepare_response|"
     r"survey/services/catalogue"),
    ("response serialisation", r"jsonify|flask/json/"),
    ("JSON parsing", r"get_json|_json_body|json/decoder|json/__init__"),
    ("floor: INSERT", r"floor_app\.py:(2\d|3[0-3])"),
    ("app code (other)", r"survey/|floor_app\.py"),
    ("security headers, limiter, logs, metrics hooks", r"flask_talisman|flask_limiter|"
     r"survey/(security|logs|metrics|i18n|sessions)\.py|prometheus_client"),
    ("Flask and werkzeug (routing, request, response)", r"/flask/|/werkzeug/"),
    ("gunicorn (HTTP parsing, writing, accepting)", r"/gunicorn/"),
]
COMPILED = [(name, re.compile(pattern)) for name, pattern in LAYERS]


def classify(stack: str) -> str:
    frames = stack.split(";")
    for frame in reversed(frames):
        for name, pattern in COMPILED:
            if pattern.search(frame):
                return name
    return "other (interpreter, startup)"


def profile(name: str, app_spec: str, env: dict, args, api_key: str = "") -> dict:
    port = free_port()
    server = gunicorn(app_spec, port, args.workers, env)
    raw = Path(tempfile.mkdtemp(prefix="kto-spy.")) / f"{name}.txt"
    try:
        if name == "app":
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
        else:
            time.sleep(1.5)
        wrk(port, 2, args.connections, 0, api_key)  # warm up
        spy = subprocess.Popen(
            [str(BIN / "py-spy"), "record", "--pid", str(server.pid), "--subprocesses",
             "--format", "raw", "--rate", "250", "--duration", str(args.seconds + 1),
             "--nonblocking", "--output", str(raw)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        load = wrk(port, args.seconds, args.connections, 0, api_key)
        spy.wait(60)
    finally:
        server.terminate()
        server.wait(10)
    layers: collections.Counter = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack.startswith("process ") and "gunicorn: master" in stack.split(";")[0]:
            continue  # the arbiter, not a worker
        layers[classify(stack)] += int(count)
    return {"name": name, "rps": load["rps"], "layers": layers, "raw": raw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        app_env = {**base, "DATABASE_URL": f"sqlite:///{tmp}/app.sqlite3",
                   "HUEY_SQLITE_PATH": f"{tmp}/queue.sqlite3", "SECRET_KEY": "bench",
                   "KTO_ENV": "development", "RATELIMIT_ENABLED": "0",
                   "FLASK_APP": "app:create_app"}
        api_key = prepare_app_database(app_env)
        floor_env = {**base, "FLOOR_DATABASE": f"{tmp}/floor.sqlite3",
                     "PYTHONPATH": str(ROOT / "bench")}
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        results = [profile("app", "app:create_app()", app_env, args, api_key),
                   profile("floor", "floor_app:app", floor_env, args)]
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"py-spy at 250 Hz on {args.workers} gunicorn workers, wrk {args.connections} "
          f"connections for {args.seconds} s (samples of busy threads only)\n")
    for r in results:
        total = sum(r["layers"].values())
        # samples per second per worker ~ 250 × busy share; CPU ms per request from the
        # busy samples over the requests served meanwhile.
        ms_per_sample = 1000 / 250
        requests = r["rps"] * args.seconds
        print(f"{r['name']}: {r['rps']:.0f} responses/s under py-spy, {total} busy samples, "
              f"{total * ms_per_sample / requests:.3f} ms busy per request")
        print("| layer | share | ms per request |\n|---|---|---|")
        for layer, n in r["layers"].most_common():
            print(f"| {layer} | {n / total:.1%} | {n * ms_per_sample / requests:.3f} |")
        print(f"(raw stacks: {r['raw']})\n")


if __name__ == "__main__":
    main()
