"""Webhook fuzzing against gunicorn: random and mutated calls to every provider webhook
(tests/webhooks/fuzzing.py), `--examples` per endpoint and mode.

    .venv/bin/python bench/webhook_fuzz.py [--examples 1000]

Forged calls (no or a wrong signature or secret) must get 403 and change nothing (rows per
table and every invitation's and delivery's state are compared before and after each call);
calls with a valid proof and a random or mutated body must never get a 5xx. Prints a
Markdown table per endpoint and mode (with the answers' status codes) and exits 1 on any
failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

import survey.models  # noqa: E402,F401  (the tables fingerprint() counts)
from bench.stack import Database, Gunicorn  # noqa: E402
from tests.webhooks import fuzzing  # noqa: E402

SEED = """
from app import create_app
from tests.webhooks.fuzzing import seed_sent
app = create_app()
with app.app_context():
    print(repr(seed_sent()))
"""


def fuzz(base_url: str, engine, seeded, endpoint: str, mode: str, examples: int):
    statuses: Counter = Counter()
    failures: list[str] = []

    def state():
        with engine.connect() as connection:
            return fuzzing.fingerprint(connection)

    with httpx.Client(base_url=base_url, timeout=30) as client:

        @given(call=fuzzing.calls(endpoint, mode, seeded))
        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(call):
            before = state()
            headers = dict(call.headers)
            if call.content_type is not None:
                headers["Content-Type"] = call.content_type
            reply = client.request(call.method, call.path, data=call.form,
                                   content=call.body, headers=headers)
            statuses[reply.status_code] += 1
            problem = fuzzing.judge(call, reply.status_code, before, state())
            if problem:
                failures.append(problem[:300])

        run()
    return statuses, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=1000)
    args = parser.parse_args()
    started = time.monotonic()
    rows = []
    with Database("sqlite") as database:
        from ast import literal_eval

        seeded = literal_eval(database.run_python(SEED).strip().splitlines()[-1])
        env = {**database.env(), **fuzzing.SETTINGS}
        engine = create_engine(database.url)
        with Gunicorn(env, workers=2) as web:
            for endpoint in fuzzing.ENDPOINTS:
                for mode in ["random"] if endpoint == "unsubscribe" else fuzzing.MODES:
                    statuses, failures = fuzz(web.url, engine, seeded, endpoint, mode,
                                              args.examples)
                    rows.append((endpoint, mode, statuses, failures))
        engine.dispose()
    print("| endpoint | mode | cases | answers | failures |\n|---|---|---|---|---|")
    for endpoint, mode, statuses, failures in rows:
        answers = ", ".join(f"{n}×{code}" for code, n in sorted(statuses.items()))
        print(f"| {endpoint} | {mode} | {sum(statuses.values())} | {answers} | "
              f"{len(failures)} |")
    bad = sum(len(r[3]) for r in rows)
    for endpoint, mode, _statuses, failures in rows:
        for failure in failures[:5]:
            print(f"  {endpoint} {mode}: {failure}")
    print(f"\n{sum(sum(r[2].values()) for r in rows)} cases in "
          f"{time.monotonic() - started:.0f} s, {bad} failures")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
