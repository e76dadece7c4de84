"""Kiosk benchmark in real Chromium: tap-to-thanks time and the gzipped bytes the kiosk loads.

Run: .venv/bin/python bench/kiosk.py [--taps 30]

The taps are measured with the browser offline, so the figure cannot include any network
wait: the answer goes into IndexedDB and the thank-you screen follows at once. The time runs
from the click event's timestamp to the thank-you screen in the DOM, and to the next frame.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from survey.demo.loader import load_demo_structure  # noqa: E402
from survey.extensions import db  # noqa: E402
from survey.services import kiosks  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Time from the click to the thank-you screen: in the DOM, and at the next animation frame.
WATCH = """() => {
    window.__bench = [];
    let clicked = 0;
    document.addEventListener('click', e => { clicked = e.timeStamp; }, true);
    const app = document.getElementById('app');
    new MutationObserver(() => {
        if (app.getAttribute('data-screen') !== 'thanks' || !clicked) return;
        const dom = performance.now() - clicked, start = clicked;
        clicked = 0;
        requestAnimationFrame(() => window.__bench.push([dom, performance.now() - start]));
    }).observe(app, {attributes: true, attributeFilter: ['data-screen']});
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=30)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="kto-bench-kiosk-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.sqlite3",
            "EXPORTS_DIR": workdir,
            "HUEY_IMMEDIATE": True,
            "KTO_ENV": "development",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        load_demo_structure()
        device = kiosks.create_device(
            "demo", "stadhuis", "balie", settings={"thanks_seconds": 1, "min_interval_seconds": 0}
        )
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"

    requested: set[str] = set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768}, bypass_csp=True)
        page = context.new_page()

        def note(request):
            if request.url.startswith(url) and request.method == "GET":
                requested.add(request.url.removeprefix(url))

        page.on("request", note)
        page.goto(f"{url}/kiosk/enrol/{device.token}")
        page.wait_for_url(f"{url}/kiosk/")
        page.wait_for_selector("[data-screen=start]")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.wait_for_timeout(500)
        page.remove_listener("request", note)
        secret = page.evaluate("localStorage.getItem('kto.device')")
        context.set_offline(True)
        page.evaluate(WATCH)
        for _ in range(args.taps):
            page.get_by_role("button", name="Ja, tevreden").click()
            page.get_by_role("button", name="Rijbewijs").click()
            page.wait_for_selector("[data-screen=thanks]")
            page.wait_for_selector("[data-screen=start]", timeout=5000)
        samples = page.evaluate("window.__bench")
        queued = page.evaluate(
            """() => new Promise(ok => { const r = indexedDB.open('kto-kiosk', 1);
               r.onsuccess = () => { const c = r.result.transaction('queue')
                 .objectStore('queue').count(); c.onsuccess = () => ok(c.result); }; })"""
        )
        browser.close()
    server.shutdown()

    dom = [s[0] for s in samples]
    frame = [s[1] for s in samples]
    print(f"Tap to thank-you screen, browser offline, {len(samples)} taps ({queued} queued):")
    for name, values in (("in the DOM", dom), ("next frame", frame)):
        values = sorted(values)
        p95 = values[max(0, round(0.95 * len(values)) - 1)]
        print(
            f"  {name:<11} median {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms   "
            f"max {values[-1]:6.1f} ms"
        )
    # Sizes of what the browser requested, fetched again here: the browser's own copies may
    # come from its memory cache without a body.
    requested.add("/kiosk/sw.js")  # fetched by the browser itself, outside the page
    requested.add("/kiosk/static/manifest.json")  # fetched when the kiosk is installed
    client = app.test_client()
    print("Bytes the kiosk loads (first visit, enrolment page excluded):")
    total_raw = total_gz = 0
    for path in sorted(p for p in requested if "/enrol" not in p):
        body = client.get(path, headers={"X-Kto-Device": secret}).data
        size_gz = len(gzip.compress(body, compresslevel=6))
        total_raw += len(body)
        total_gz += size_gz
        print(f"  {path.split('?')[0]:<32} {len(body):7,d} B   gzip {size_gz:6,d} B")
    print(f"  {'total':<32} {total_raw:7,d} B   gzip {total_gz:6,d} B (budget 30,720 B)")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
