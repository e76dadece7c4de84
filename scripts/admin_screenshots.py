"""Screenshots of the main administration pages into docs/img/, made with Chromium.

    /work/main/.venv/bin/python scripts/admin_screenshots.py [--lang nl|en] [--out docs/img]

Runs the app on a throwaway SQLite database with the demo organisation (a few months of
responses and their reports), an administrator, an invited analyst, an API key and some
audit entries, on a free local port; logs in as the administrator in headless Chromium and
saves one PNG per page in PAGES. Other sections add their pages to PAGES (path under
/staff/demo, file name, and optionally a function that prepares the page, e.g. fills a form).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KTO_ENV", "development")

PASSWORD = "een lang wachtwoord voor de demo"
ADMIN = "beheer@voorbeeld.nl"

# (path after /staff/demo, file name in docs/img, optional preparation in the page)
PAGES: list[tuple[str, str, object]] = [
    ("/reports", "admin-reports", None),
    ("/users", "admin-users", None),
    ("/api-keys", "admin-api-keys", None),
    ("/audit", "admin-audit", None),
    ("/settings", "admin-settings", None),
    ("/surveys", "admin-surveys", None),
    ("/surveys/balie", "admin-survey", None),
    ("/surveys/telefoon/questions/reden", "admin-survey-question", None),
    ("/surveys/website/preview/widget?device=phone&q=3", "admin-survey-preview-widget", None),
    # The kiosk's preview box is 1080 px wide: a wider window shows it whole.
    ("/surveys/balie/preview/kiosk", "admin-survey-preview-kiosk",
     lambda page: page.set_viewport_size({"width": 1500, "height": 900})),
]


def prepare(app) -> None:
    """The demo organisation with everything the pages above show."""
    from survey.demo.loader import load_demo
    from survey.extensions import db
    from survey.services import apikeys, members, organisations
    from survey.services.users import add_user

    with app.app_context():
        db.create_all()
        load_demo(date(2026, 11, 23), scale=0.05)
        admin = add_user(ADMIN, PASSWORD, "demo", role="admin")
        org = organisations.get("demo")
        members.invite(admin, org.id, "analist@voorbeeld.nl", "analyst")
        members.invite(admin, org.id, "wethouder@voorbeeld.nl", "viewer")
        apikeys.create(admin, org.id, "Telefonieplatform (export na gesprek)")
        organisations.update_settings(
            admin, org.id, name="Gemeente Voorbeeld", default_language="nl",
            timezone="Europe/Amsterdam", complaint_url="https://www.voorbeeld.nl/klacht",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="nl", choices=["nl", "en"])
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from app import create_app

    workdir = Path(tempfile.mkdtemp(prefix="kto-shots-"))
    try:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'kto.sqlite3'}",
            "EXPORTS_DIR": str(workdir / "exports"),
            "HUEY_IMMEDIATE": True,
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": None,
        })
        prepare(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900},
                                    locale="nl-NL" if args.lang == "nl" else "en-GB")
            page.goto(f"{url}/staff/login?lang={args.lang}")
            page.screenshot(path=str(out / f"admin-login-{args.lang}.png"))
            page.locator("#email").fill(ADMIN)
            page.locator("#password").fill(PASSWORD)
            page.locator("form button[type=submit]").click()
            page.wait_for_load_state()
            for path, name, prepare_page in PAGES:
                page.goto(f"{url}/staff/demo{path}")
                if callable(prepare_page):
                    prepare_page(page)
                target = out / f"{name}-{args.lang}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
            browser.close()
        server.shutdown()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
