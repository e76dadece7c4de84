"""Webhook fuzzing against gunicorn: random and mutated calls to every provider webhook
and callback request (tests/webhooks/fuzzing.py), `--examples` per endpoint and mode.

    .venv/bin/python bench/webhook_fuzz.py [--examples 1000] [--endpoints whatsapp-post,...]

Forged calls (no or a wrong signature or secret) must get 403 and change nothing (rows per
table and every invitation's and delivery's state are compared before and after each call);
calls with a valid proof and a random or mutated body must never get a 5xx. After every
proven WhatsApp delivery the queued work is run here, as the worker runs it, against the same
database (and a fake Graph API): it must not raise nor give an invitation a second response.
Prints a
Markdown table per endpoint and mode (with the answers' status codes) and exits 1 on any
failure.
"""

from __future__ import annotations

import argparse
import logging
import os
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
from tests.fakes.meta_graph import FakeGraph  # noqa: E402
from tests.webhooks import fuzz_callbacks, fuzz_whatsapp, fuzzing  # noqa: E402

SEED = """
from app import create_app
from tests.webhooks.fuzzing import seed_sent
app = create_app()
with app.app_context():
    print(repr(seed_sent()))
"""


def fuzz(base_url: str, engine, seeded, endpoint: str, mode: str, examples: int, app=None):
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
            problem = fuzzing.judge(call, reply.status_code, before, state(), reply.text)
            if problem is None and call.proven and call.path == fuzz_whatsapp.PATH:
                with app.app_context():
                    problem = fuzz_whatsapp.worker_problem(call)
            if problem:
                failures.append(problem[:300])

        run()
    return statuses, failures


def worked(engine) -> tuple:
    """What the proven WhatsApp deliveries did: events, responses, answers, opt-outs."""
    from sqlalchemy import text

    with engine.connect() as connection:
        return tuple(connection.execute(text(query)).scalar() for query in (
            "SELECT COUNT(*) FROM whatsapp_events WHERE key NOT LIKE 'n:%'",
            "SELECT COUNT(*) FROM responses WHERE invitation_id IS NOT NULL",
            "SELECT COUNT(*) FROM answers a JOIN responses r ON r.id = a.response_id "
            "WHERE r.invitation_id IS NOT NULL",
            "SELECT COUNT(*) FROM opt_outs"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--endpoints", default=",".join(fuzzing.ALL_ENDPOINTS),
                        help="comma-separated, of: " + ", ".join(fuzzing.ALL_ENDPOINTS))
    args = parser.parse_args()
    endpoints = [e.strip() for e in args.endpoints.split(",") if e.strip()]
    unknown = set(endpoints) - set(fuzzing.ALL_ENDPOINTS)
    if unknown:
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    rows = []
    with Database("sqlite") as database, FakeGraph() as graph:
        from ast import literal_eval

        env = {**database.env(), **fuzzing.SETTINGS, **graph.config()}
        seeds = {}
        if set(endpoints) & set(fuzzing.ENDPOINTS):
            seeds["sms"] = literal_eval(database.run_python(SEED).strip().splitlines()[-1])
        os.environ.update(env)  # this process's app: seeding, and the worker's processing
        from app import create_app

        app = create_app()
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per call otherwise
        with app.app_context():
            if set(endpoints) & set(fuzz_whatsapp.WA_ENDPOINTS):
                seeds["whatsapp"] = fuzz_whatsapp.seed_whatsapp()
                graph.open_windows.update(s["number"] for s in seeds["whatsapp"])
            if set(endpoints) & set(fuzz_callbacks.CB_ENDPOINTS):
                seeds["callbacks"] = fuzz_callbacks.seed_callbacks(40)
        engine = create_engine(database.url)
        with Gunicorn(env, workers=2) as web:
            for endpoint in endpoints:
                seeded = seeds["whatsapp" if endpoint.startswith("whatsapp") else
                               "callbacks" if endpoint in fuzz_callbacks.CB_ENDPOINTS else "sms"]
                for mode in fuzzing.modes_of(endpoint):
                    statuses, failures = fuzz(web.url, engine, seeded, endpoint, mode,
                                              args.examples, app)
                    rows.append((endpoint, mode, statuses, failures))
        if "whatsapp" in seeds:
            with app.app_context():
                kept = worked(engine)
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
    if "whatsapp" in seeds:
        print("\nWhatsApp deliveries kept and processed by the worker: {} events, {} "
              "responses ({} answers) of the seeded invitations, {} numbers on the opt-out "
              "list".format(*kept))
    print(f"\n{sum(sum(r[2].values()) for r in rows)} cases in "
          f"{time.monotonic() - started:.0f} s, {bad} failures")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
