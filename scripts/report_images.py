"""Regenerate the page images of the report in docs/img/ from the demo municipality.

    /work/main/.venv/bin/python scripts/report_images.py [--today 2026-11-15]

Loads the demo into a throwaway SQLite database, builds the monthly report of the month
before ``--today`` in Dutch and English, and writes pages 1-3 of the Dutch PDF and page 1
of the English one as PNG (poppler's pdftoppm, 80 dpi) to docs/img/; then serves the app on
a random loopback port and takes a picture of the staff dashboard (real headless Chromium,
Debian's package) as an analyst: docs/img/dashboard.png.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", default="2026-11-15", help="YYYY-MM-DD")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    args = parser.parse_args()
    today = date.fromisoformat(args.today)
    month = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("KTO_ENV", "development")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/demo.db"
        from app import create_app
        from survey.extensions import db
        from survey.models import Organisation
        from survey.reports import pdf
        from survey.reports.builder import build
        from survey.reports.inputs import collect

        app = create_app()
        with app.app_context():
            db.create_all()
            from survey.demo.loader import load_demo

            load_demo(today, reports=False)
            org = db.session.query(Organisation).filter_by(slug="demo").one()
            for language, pages in (("nl", (1, 2, 3)), ("en", (1,))):
                path = Path(tmp) / f"report-{language}.pdf"
                path.write_bytes(pdf.render(build(collect(org, month, language))))
                for page in pages:
                    name = "report-page" if language == "nl" else "report-en-page"
                    target = out / f"{name}-{page}"
                    subprocess.run(
                        [
                            "pdftoppm",
                            "-png",
                            "-r",
                            "80",
                            "-f",
                            str(page),
                            "-l",
                            str(page),
                            "-singlefile",
                            str(path),
                            str(target),
                        ],
                        check=True,
                    )
                    print(f"{target}.png")
            _dashboard(app, month, out / "dashboard.png")
            print(out / "dashboard.png")


def _dashboard(app, month: date, target: Path) -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from survey.services.users import add_user

    password = "a long password for the picture"
    add_user("analist@voorbeeld.nl", password, "demo", role="analyst")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
            page.goto(url + "/staff/login")
            page.locator("input[name=email]").fill("analist@voorbeeld.nl")
            page.locator("input[name=password]").fill(password)
            page.locator("form button[type=submit]").last.click()
            page.wait_for_url("**/staff/**")
            page.goto(f"{url}/staff/demo/dashboard?period=month&at={month:%Y-%m}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(target), full_page=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
