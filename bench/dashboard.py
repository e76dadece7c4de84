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

With ``--warm`` the worker's part runs first in a process of its own (the current months'
cells stored in ``dashboard_cells``, survey.services.dashboard_warm), then a fresh web
process measures its first views, which read the stored cells:

    .venv/bin/python bench/dashboard.py --warm                 # generate, store, measure
    .venv/bin/python bench/dashboard.py --warm --measure-only  # on data generated before
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
        # "cold" means queried: forget what the worker stored (measure_stored ran before).
        from survey.extensions import db
        from survey.models import StoredMonthCells

        if db.inspect(db.engine).has_table("dashboard_cells"):
            db.session.execute(db.delete(StoredMonthCells))
            db.session.commit()
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


def warm_only(url: str) -> None:
    """The worker's nightly step: store the current months' cells."""
    from survey.extensions import db
    from survey.reports.period import AMSTERDAM
    from survey.services import dashboard_warm

    app = _app(url)
    with app.app_context():
        db.create_all()  # a database generated before dashboard_cells existed
        from datetime import datetime

        started = time.perf_counter()
        stored = dashboard_warm.warm(datetime.now(AMSTERDAM).date())
        seconds = time.perf_counter() - started
    print(f"worker: stored {stored} months of cells in {seconds:.1f} s")


def measure_stored(url: str) -> None:
    """A fresh web process's first views, the cells stored by the worker."""
    app = _app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        from survey.errors import Conflict
        from survey.services.users import add_user

        try:
            add_user("bench@example.nl", PASSWORD, "demo", role="analyst")
        except Conflict:
            pass
    client = app.test_client()
    client.post("/staff/login", data={"email": "bench@example.nl", "password": PASSWORD})
    base = "/staff/demo/dashboard"
    results = {
        # The process's first page (templates compiled, catalogues read), not the dashboard.
        "first page of the process (reports list)": _timed(client, "/staff/demo/reports", 1),
        "first view after start: default (last month)": _timed(client, base, 1),
        "first view after start: month 2026-10": _timed(
            client, f"{base}?period=month&at=2026-10", 1
        ),
        "first view after start: quarter 2026-Q4": _timed(
            client, f"{base}?period=quarter&at=2026-Q4", 1
        ),
    }
    print(f"{'view (cells stored by the worker)':50} {'ms':>10}")
    for name, times in results.items():
        print(f"{name:50} {times[0]:10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--warm", action="store_true", help="the worker stores cells first")
    parser.add_argument("--step", choices=["warm", "stored"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or "sqlite:////tmp/kto-bench-dashboard.sqlite3"
    if args.step == "warm":
        warm_only(url)
        return
    if args.step == "stored":
        measure_stored(url)
        return
    if not args.measure_only:
        generate(url, args.responses, "2025-12-31 23:00:00", 365 * 24 * 3600, YEAR)
    if args.warm:
        for step in ("warm", "stored"):
            subprocess.run([sys.executable, __file__, "--step", step], check=True, env=os.environ)
    if args.measure_only:
        measure(url)
        return
    subprocess.run([sys.executable, __file__, "--measure-only"], check=True, env=os.environ)


if __name__ == "__main__":
    main()
