"""Per-layer cost of one ingest request in process (no gunicorn, no network): the whole
Flask app called as WSGI, then the same with one layer taken out at a time, and the bare
floor (bench/floor_app.py) called the same way. CPU time (time.process_time), best of three
rounds, so other work on the machine disturbs it less than wall time.

    .venv/bin/python bench/ingest_layers.py [--requests 3000] [--root /other/checkout]

A layer's cost is the full request's time minus the time without it. What the table cannot
take out (JSON parsing, the envelope and answer validation, the response) comes from a
cProfile run of the full app (its share of the request, scaled to the unprofiled time).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if os.environ.get("BENCH_ROOT"):  # measure another checkout's app (--root)
    sys.path.insert(0, os.environ["BENCH_ROOT"])

from bench.ingest import BIN, ROOT, prepare_app_database  # noqa: E402

VARIANTS = ["full", "no key lookup", "no database write", "no hooks", "floor"]


def environs(count: int, key: str) -> list[dict]:
    from werkzeug.test import EnvironBuilder

    made = []
    for i in range(count):
        answers = ({"oordeel": "up", "onderwerp": "paspoort_id"} if i % 5
                   else {"oordeel": "down", "reden": ["lang_wachten"]})
        body = json.dumps({"id": str(uuid.uuid4()), "organisation": "demo", "survey": "balie",
                           "contact_channel": "counter", "survey_mode": "kiosk",
                           "location": "stadhuis", "answers": answers})
        made.append(EnvironBuilder(path="/api/v1/responses", method="POST", data=body,
                                   content_type="application/json",
                                   headers={"Authorization": f"Bearer {key}"}).get_environ())
    return made


def call(app, environ) -> str:
    status: list[str] = []
    out = app(environ, lambda s, h, exc=None: status.append(s))
    b"".join(out)
    getattr(out, "close", lambda: None)()
    return status[0]


def patch(app, variant: str) -> None:
    from survey.channels import imports
    from survey.services import responses

    if variant == "no key lookup":
        with app.app_context():
            organisation = imports.organisation_id_for_key(KEY)
        imports.organisation_id_for_key = lambda key: organisation
    elif variant == "no database write":
        class Stub:  # a DriverWrite that writes nothing
            def execute(self, statement, values):
                return 1

            def execute_many(self, statement, rows):
                pass

        responses.unit_of_work = lambda *args, **kwargs: contextlib.nullcontext(Stub())
        if hasattr(responses, "DriverWrite"):  # before unit_of_work(driver=True)
            responses.DriverWrite = lambda session: session
    elif variant == "no hooks":
        from survey.api.routes import _limit_body

        app.before_request_funcs = {"api": [_limit_body]}
        app.after_request_funcs = {}
        app.teardown_request_funcs = {}


def measure(variant: str, count: int, profile: bool) -> None:
    if variant == "floor":
        import floor_app

        app = floor_app.app
    else:
        from app import create_app

        app = create_app()
        patch(app, variant)
    for environ in environs(200, KEY):  # warm caches
        assert call(app, environ)[:3] in ("201", "200"), call(app, environ)
    best = None
    for _ in range(3):
        batch = environs(count, KEY)
        started = time.process_time()
        for environ in batch:
            call(app, environ)
        per = (time.process_time() - started) / count * 1000
        best = per if best is None else min(best, per)
    print(json.dumps({"variant": variant, "ms": best}))
    if profile:
        batch = environs(count, KEY)
        profiler = cProfile.Profile()
        profiler.enable()
        for environ in batch:
            call(app, environ)
        profiler.disable()
        stats = pstats.Stats(profiler).stats
        total = sum(t for (_, _, t, _, _) in stats.values())
        cumulative = {}
        for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.items():
            cumulative[f"{Path(filename).name}:{name}"] = ct
        print(json.dumps({"profile": cumulative, "total": total}))


PROFILED = [  # (layer, cProfile function whose cumulative time it is)
    ("JSON parsing (request.get_json)", "request.py:get_json"),
    ("envelope validation (parse_submission)", "submission.py:parse_submission"),
    ("answer validation and row values (prepare_response)", "responses.py:prepare_response"),
    ("API key lookup (organisation_id_for_key)", "apikeys.py:organisation_id_for_key"),
    ("unit of work: BEGIN IMMEDIATE, INSERTs, COMMIT", "database.py:unit_of_work"),
    ("  of which the session's own (ending its read, closing it)", "scoping.py:rollback"),
    ("response serialisation (jsonify)", "__init__.py:jsonify"),
    ("before-request hooks", "app.py:preprocess_request"),
    ("after-request hooks (security headers, request id, log)", "app.py:process_response"),
    ("teardown hooks (metrics, key last use, session)", "app.py:do_teardown_request"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout whose app is measured (default: this one)")
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        measure(args.variant, args.requests, args.profile)
        return
    print(f"{args.root}: load average before: {os.getloadavg()[0]:.1f}")
    results, profile = {}, None
    with tempfile.TemporaryDirectory() as tmp:
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env = {**base, "DATABASE_URL": f"sqlite:///{tmp}/app.sqlite3",
               "HUEY_SQLITE_PATH": f"{tmp}/queue.sqlite3", "SECRET_KEY": "bench",
               "KTO_ENV": "development", "RATELIMIT_ENABLED": "0",
               "FLASK_APP": "app:create_app", "FLOOR_DATABASE": f"{tmp}/floor.sqlite3",
               "PYTHONPATH": str(ROOT / "bench")}
        env["BENCH_API_KEY"] = prepare_app_database(env, args.root)
        if args.root != ROOT:
            env["BENCH_ROOT"] = str(args.root)
        for variant in VARIANTS:
            done = subprocess.run(
                [str(BIN / "python"), __file__, "--variant", variant, "--requests",
                 str(args.requests), *(["--profile"] if variant == "full" else [])],
                cwd=args.root, env=env, capture_output=True, text=True, check=True)
            for line in done.stdout.splitlines():
                if line.startswith("{"):
                    data = json.loads(line)
                    if "variant" in data:
                        results[data["variant"]] = data["ms"]
                    else:
                        profile = data
    print(f"load average after: {os.getloadavg()[0]:.1f}\n")
    full = results["full"]
    print("| in process, per request | CPU ms |\n|---|---|")
    print(f"| whole app (WSGI call) | {full:.3f} |")
    for variant in VARIANTS[1:-1]:
        print(f"| of which, by taking it out: {variant.replace('no ', '')} | "
              f"{full - results[variant]:.3f} |")
    print(f"| bare floor (WSGI call: parse JSON, one INSERT) | {results['floor']:.3f} |")
    print("\n| layer (cProfile share of the full app, scaled) | share | ms |\n|---|---|---|")
    for layer, name in PROFILED:
        share = profile["profile"].get(name, 0) / profile["profile"]["app.py:wsgi_app"]
        print(f"| {layer} | {share:.1%} | {share * full:.3f} |")


KEY = os.environ.get("BENCH_API_KEY", "")

if __name__ == "__main__":
    main()
