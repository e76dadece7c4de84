"""Where a WhatsApp webhook delivery's CPU goes, in process (no server, no network).

    .venv/bin/python bench/whatsapp_profile.py [--deliveries 2000] [--top 25]

A fresh SQLite database on /dev/shm with the demo organisation (bench/stack.py), the app
created in this process, and `--deliveries` signed deliveries (bench/whatsapp.py's mix)
passed straight to the WSGI callable. Prints the CPU time per delivery (process time, so
the shared machine's load barely moves it), then the same run under cProfile: the
functions with the most cumulative time, and the share of each layer.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import Database  # noqa: E402
from bench.whatsapp import SECRET, delivery, signed  # noqa: E402


def environ(body: bytes) -> dict:
    headers = signed(body)
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/webhooks/whatsapp", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "wsgi.version": (1, 0),
        "CONTENT_TYPE": headers["Content-Type"], "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_HUB_SIGNATURE_256": headers["X-Hub-Signature-256"],
    }


def drive(app, bodies: list[bytes]) -> None:
    statuses = []
    for body in bodies:
        out = app(environ(body), lambda status, headers, exc=None: statuses.append(status))
        for _chunk in out:
            pass
        if hasattr(out, "close"):
            out.close()
    bad = [s for s in statuses if not s.startswith("200")]
    if bad:
        raise SystemExit(f"unexpected answers: {bad[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    if Path("/dev/shm").is_dir():
        tempfile.tempdir = "/dev/shm"
    rng = random.Random(14)
    with Database("sqlite") as database:
        os.environ.update({**database.env(), "WHATSAPP_APP_SECRET": SECRET,
                           "LOG_FORMAT": "text", "WHATSAPP_PROVIDER": "whatsapp_outbox"})
        from app import create_app

        app = create_app()
        bodies = [json.dumps(delivery(i, rng), separators=(",", ":")).encode()
                  for i in range(3 * args.deliveries + 300)]
        drive(app, bodies[:300])  # warm up: imports, caches, compiled statements
        first = bodies[300:300 + args.deliveries]
        started = time.process_time()
        drive(app, first)
        cpu = (time.process_time() - started) / len(first)
        print(f"CPU per delivery (no profiler): {cpu * 1000:.3f} ms "
              f"(about {1 / cpu:.0f} deliveries/s per core)")
        profile = cProfile.Profile(time.process_time)  # CPU, not wall-clock time
        profile.enable()
        drive(app, bodies[300 + args.deliveries:300 + 2 * args.deliveries])
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
