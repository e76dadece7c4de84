"""Benchmark: the staff dashboard for an organisation with 1,000,000 responses in a year.

    .venv/bin/python bench/dashboard.py                     # SQLite scratch file under /tmp
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/dashboard.py

Rows are generated inside the database (bench/report.py's generator, spread over 2026 with
contact volumes for every month). Then, in a fresh process, dashboard views are rendered
through the Flask test client as a logged-in analyst (the HTML page with its comments
query; the chart images are separate requests and are timed on their own):

- cold: the first view of a month (its 13 + 13 + 1 months of cells queried and cached),
- warm: the same view again after the view cache expired (cells from the cache),
- filter: another filter on cached cells (a location, a channel, a survey mode),
- quarter / year: views of longer periods once their months are cached,
- charts: each SVG of a view.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import _app, generate  # noqa: E402  (bench/report.py)

YEAR = tuple(date(2026, m, 1) for m in range(1, 13))
PASSWORD = "a long bench password"


def _timed(client, url: str, repeat: int = 5) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def measure(url: str) -> None:
    from flask import current_app

    from survey.models import Location
    from survey.services.users import add_user

    app = _app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        from survey.errors import Conflict

        try:
            add_user("bench@example.nl", PASSWORD, "demo", role="analyst")
        except Conflict:
            pass  # --measure-only again on the same data
        location = Location.query.first().id
    client = app.test_client()
    client.post("/staff/login", data={"email": "bench@example.nl", "password": PASSWORD})

    def expire_views():
        with app.app_context():
            cache = current_app.extensions.get("kto.dashboard", {})
            for key in [k for k in cache if k[0] == "view"]:
                cache.pop(key)

    base = "/staff/demo/dashboard"
    month = f"{base}?period=month&at=2026-10"
    results = {}
    results["cold month (cells queried)"] = _timed(client, month, 1)
    warm = []
    for _ in range(5):
        expire_views()
        warm += _timed(client, month, 1)
    results["warm month (cells cached)"] = warm
    results["cached view (same URL within a minute)"] = _timed(client, month)
    filters = [f"&location={location}", "&channel=phone", "&mode=popup", "&q=gewacht"]
    filtered = []
    for extra in filters:
        expire_views()
        filtered += _timed(client, month + extra, 1)
    results["month with a filter or search (cells cached)"] = filtered
    results["cold quarter 2026-Q3"] = _timed(client, f"{base}?period=quarter&at=2026-Q3", 1)
    expire_views()
    results["warm quarter 2026-Q3"] = _timed(client, f"{base}?period=quarter&at=2026-Q3", 1)
    results["cold year 2026"] = _timed(client, f"{base}?period=year&at=2026", 1)
    year = []
    for _ in range(3):
        expire_views()
        year += _timed(client, f"{base}?period=year&at=2026", 1)
    results["warm year 2026"] = year
    charts = []
    for name in ("mix", "channels", "trend", "reasons"):
        charts += _timed(client, f"{base}/chart/{name}.svg?period=month&at=2026-10", 1)
    results["one chart SVG (view cached)"] = charts
    print(f"{'view':50} {'median ms':>10} {'max ms':>8}  runs")
    for name, times in results.items():
        print(f"{name:50} {statistics.median(times):10.0f} {max(times):8.0f}  {len(times)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:////tmp/kto-bench-dashboard.sqlite3"
    if args.measure_only:
        measure(url)
        return
    generate(url, args.responses, "2025-12-31 23:00:00", 365 * 24 * 3600, YEAR)
    subprocess.run([sys.executable, __file__, "--measure-only"], check=True, env=os.environ)


if __name__ == "__main__":
    main()
