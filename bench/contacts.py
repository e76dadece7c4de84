"""Benchmark: contacts in through POST /api/v1/contacts in batches of 1,000.

    .venv/bin/python bench/contacts.py [--contacts 20000]        # SQLite scratch file
    scripts/with-postgres.sh bash -c \\
      'BENCH_DATABASE_URL=$TEST_DATABASE_URL .venv/bin/python bench/contacts.py'

Runs the app in process (Flask's test client: the request parsing, API key check, validation,
phone parsing, the invitation decision and the writes, without a network hop), so it measures
what the intake costs, not gunicorn. Half the contacts are calls with a mobile number, half
e-mails; every one is invited (the demo's rules). Prints contacts/s accepted; bench/invitations.py
(the sending side) measures over HTTP with the worker.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp(prefix='kto-bench-')}/contacts.sqlite3"
    )
    from app import create_app
    from survey.demo.loader import load_demo_structure
    from survey.extensions import db
    from survey.services.apikeys import create_api_key

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "KTO_ENV": "development", "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo_structure()
        key = create_api_key("demo", "bench")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    ended = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    batches = []
    for start in range(0, args.contacts, args.batch):
        batches.append(
            [
                {
                    "reference": f"bench-{i}",
                    "contact_channel": "phone" if i % 2 else "email",
                    "ended_at": ended,
                    "phone": f"06{10_000_000 + i:08d}",
                    "email": f"person{i}@example.nl",
                }
                for i in range(start, min(start + args.batch, args.contacts))
            ]
        )
    began = time.perf_counter()
    for batch in batches:
        response = client.post("/api/v1/contacts", json=batch, headers=headers)
        assert response.status_code == 201, response.get_json()
    elapsed = time.perf_counter() - began
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"{database}: {args.contacts} contacts in batches of {args.batch} in {elapsed:.2f} s: "
        f"{args.contacts / elapsed:,.0f} contacts/s accepted (each with its invitation)"
    )


if __name__ == "__main__":
    main()
