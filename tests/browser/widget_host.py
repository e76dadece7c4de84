"""A stand-in municipal website on another origin that embeds the widget, for browser tests."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Organisation, Response, Survey
from survey.services import widget
from tests.browser.conftest import LiveServer

PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>Gemeente Voorbeeld: {path}</title>{head}</head>
<body>
<header><a href="/start" id="start">Start</a></header>
<main>
<h1>Pagina {path}</h1>
<p>Informatie van de gemeente.</p>
{body}
</main>
{scripts}
</body>
</html>"""
HOSTILE_CSS = "* { all: unset } button { display: none } dialog { display: none }"


class HostSite:
    """WSGI app: every path is a page embedding the given surveys' script tags.

    Options per path prefix are set by tests: extra body HTML, a CSP header, hostile CSS.
    """

    def __init__(self):
        self.url = getattr(self, "url", "")
        self.app_url = ""
        self.surveys = ["website"]
        self.body = ""
        self.csp: str | None = None
        self.hostile = False
        self.tall = False
        self.lang = "nl"

    def page(self, path: str) -> bytes:
        scripts = "\n".join(
            f'<script src="{self.app_url}/static/widget/v1.js" data-org="demo" '
            f'data-survey="{s}" async></script>'
            for s in self.surveys
        )
        head = '<link rel="stylesheet" href="/hostile.css">' if self.hostile else ""
        body = self.body + ('<div id="tall"></div>' if self.tall else "")
        if self.tall:
            head += '<link rel="stylesheet" href="/tall.css">'
        return PAGE.format(
            lang=self.lang, path=path, head=head, body=body, scripts=scripts
        ).encode()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path == "/hostile.css":
            return self._send(start_response, HOSTILE_CSS.encode(), "text/css")
        if path == "/tall.css":
            return self._send(start_response, b"#tall { height: 4000px }", "text/css")
        if path == "/favicon.ico":
            start_response("204 No Content", [])
            return [b""]
        return self._send(start_response, self.page(path), "text/html; charset=utf-8")

    def _send(self, start_response, body: bytes, kind: str):
        headers = [("Content-Type", kind), ("Cache-Control", "no-store")]
        if self.csp and kind.startswith("text/html"):
            headers.append(("Content-Security-Policy", self.csp))
        start_response("200 OK", headers)
        return [body]


def configure(survey: str = "website", origins=(), **settings) -> None:
    """Give a demo survey widget settings and the host site's origin on the allow-list."""
    org = db.session.execute(select(Organisation).where(Organisation.slug == "demo")).scalar_one()
    org.allowed_origins = list(origins)
    row = db.session.execute(
        select(Survey).where(Survey.organisation_id == org.id, Survey.slug == survey)
    ).scalar_one()
    row.settings = {"contact_channel": "website", "widget": settings}
    db.session.commit()
    widget.clear_cache()


def wait_for_responses(count: int, seconds: float = 10.0) -> list[Response]:
    """Poll the database until `count` responses are stored (or give up and return them)."""
    deadline = time.monotonic() + seconds
    rows: list[Response] = []
    while time.monotonic() < deadline:
        db.session.rollback()
        rows = list(db.session.scalars(select(Response).order_by(Response.id)))
        if len(rows) >= count:
            break
        time.sleep(0.1)
    return rows


def widget_started(page, surveys: int = 1, seconds: float = 10.0) -> None:
    """Wait until the widget fetched its config and started (fetch is not on the fake clock).

    Polled from here, not with wait_for_function, which a strict CSP (no eval) would block.
    """
    deadline = time.monotonic() + seconds
    while page.evaluate("window.KTO && KTO.ready || 0") < surveys:
        assert time.monotonic() < deadline, "the widget did not start"
        time.sleep(0.05)


def dialog(page):
    return page.get_by_role("dialog")


def dismiss(page, survey: str = "demo/website", seconds: float = 10.0) -> None:
    """Press Escape and wait until the widget has handled the dialog's close event.

    Browsers fire a dialog's close event in a later task; a test that moves the clock or
    navigates at once would otherwise race it.
    """
    page.keyboard.press("Escape")
    deadline = time.monotonic() + seconds
    state = f"(JSON.parse(localStorage.kto || '{{}}').s || {{}})['{survey}'] || {{}}"
    recorded = f"(m => m.shown > 0 && m.dismissed >= m.shown)({state})"
    while not page.evaluate(recorded):
        assert time.monotonic() < deadline, "the dismissal was not recorded"
        time.sleep(0.02)


@pytest.fixture(scope="module", name="host")
def host_fixture():
    """The host website, served from its own port: another origin than the platform."""
    site = HostSite()
    with LiveServer(site) as server:
        site.url = server.url
        yield site


@pytest.fixture(name="site")
def site_fixture(host, live_server, demo_org):
    host.__init__()
    host.app_url = live_server.url
    return host
