"""Website widget benchmark: bytes it loads, main-thread time it costs, config served from cache.

Run: .venv/bin/python bench/widget.py [--loads 15] [--requests 5000]
Prints figures; asserts nothing. Uses a temporary SQLite database and local ports only.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from survey.extensions import db  # noqa: E402

HOST_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Host</title>
</head><body><main><h1>Afval</h1><p>Tekst.</p><div data-kto-inline></div></main>{script}
</body></html>"""


class Server:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def host_app(app_url: str, with_widget: bool):
    script = (
        f'<script src="{app_url}/static/widget/v1.js" data-org="demo" '
        'data-survey="website" async></script>'
        if with_widget
        else ""
    )
    body = HOST_PAGE.format(script=script).encode()

    def wsgi(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body]

    return wsgi


def make_app(tmp: str):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "SECRET_KEY": "bench",
         "KTO_ENV": "development", "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        db.create_all()
        from survey.demo.loader import load_demo_structure

        org = load_demo_structure()
        org.allowed_origins = []
        db.session.commit()
    return app


def sizes(app) -> dict[str, int]:
    client = app.test_client()
    script = (ROOT / "static" / "widget" / "v1.js").read_bytes()
    config = client.get("/api/v1/widget/demo/website?lang=nl").data  # as a Dutch page asks
    return {
        "v1.js raw": len(script),
        "v1.js gzip": len(gzip.compress(script, 9)),
        "config raw": len(config),
        "config gzip": len(gzip.compress(config, 9)),
    }


def config_rate(app, requests: int) -> dict[str, float]:
    client = app.test_client()
    url = "/api/v1/widget/demo/website?lang=nl"
    etag = client.get(url).headers["ETag"]
    rates = {}
    cases = (("200 from process cache", {}), ("304 by ETag", {"If-None-Match": etag}))
    for label, headers in cases:
        start = time.perf_counter()
        for _ in range(requests):
            client.get(url, headers=headers)
        rates[label] = requests / (time.perf_counter() - start)
    return rates


def main_thread_ms(app_url: str, allow, loads: int) -> dict[str, float]:
    """Median script and task time on the host page's main thread, with and without widget."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from conftest import CHROMIUM, CHROMIUM_ARGS

    figures = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for with_widget in (False, True):
            host = Server(host_app(app_url, with_widget))
            allow(host.url)
            script, task = [], []
            for _ in range(loads):
                context = browser.new_context()
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
                page.goto(host.url + "/afval", wait_until="load")
                time.sleep(1.0)  # no polling from here: it would run on the page's main thread
                reply = cdp.send("Performance.getMetrics")["metrics"]
                metrics = {m["name"]: m["value"] for m in reply}
                if with_widget:  # checked after measuring: Playwright's own script runs here
                    assert page.evaluate("KTO.ready") == 1, "the widget did not start"
                script.append(metrics["ScriptDuration"] * 1000)
                task.append(metrics["TaskDuration"] * 1000)
                context.close()
            host.stop()
            key = "with widget" if with_widget else "without widget"
            figures[f"script ms, {key}"] = statistics.median(script)
            figures[f"task ms, {key}"] = statistics.median(task)
        browser.close()
    return figures


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--loads", type=int, default=15)
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(tmp)
        for name, value in sizes(app).items():
            print(f"{name:32s} {value:8d} bytes")
        total = sizes(app)
        print(f"{'total loaded, gzip':32s} {total['v1.js gzip'] + total['config gzip']:8d} bytes")
        for name, value in config_rate(app, args.requests).items():
            print(f"config {name:25s} {value:8.0f} requests/s (in-process, one thread)")

        def allow(origin):
            with app.app_context():
                from survey.models import Organisation
                from survey.services import widget

                org = db.session.query(Organisation).filter_by(slug="demo").one()
                org.allowed_origins = [origin]
                db.session.commit()
                widget.clear_cache()

        server = Server(app)
        try:
            for name, value in main_thread_ms(server.url, allow, args.loads).items():
                print(f"{name:32s} {value:8.1f} (median of {args.loads} page loads)")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
