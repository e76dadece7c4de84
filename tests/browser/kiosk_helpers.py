"""Helpers for kiosk tests in Chromium: enrol a tablet, tap through, read the database."""

from __future__ import annotations

import time

from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, Location, Response
from survey.services import kiosks

QUEUE_LENGTH = """() => new Promise((ok, fail) => {
    const open = indexedDB.open('kto-kiosk', 1);
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
        const d = open.result, count = d.transaction('queue').objectStore('queue').count();
        count.onsuccess = () => { ok(count.result); d.close(); };
    };
})"""


def enrol(
    page,
    base_url: str,
    settings: dict | None = None,
    location: str = "stadhuis",
    survey: str = "balie",
) -> int:
    """Create a device for a demo survey, open its enrolment link; returns the device id."""
    device = kiosks.create_device("demo", location, survey, settings=settings)
    page.goto(f"{base_url}/kiosk/enrol/{device.token}")
    page.wait_for_url(f"{base_url}/kiosk/")
    expect(page.locator("[data-screen=start]")).to_be_visible()
    return device.id


def heading(page):
    return page.get_by_role("heading", level=1)


def tap(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def quick_response(page) -> None:
    """Thumbs up, skip the topic, see the thanks."""
    tap(page, "Ja, tevreden")
    tap(page, "Overslaan")
    expect(heading(page)).to_have_text("Bedankt!")


def stored() -> list[Response]:
    db.session.rollback()  # see what the server threads committed
    return list(db.session.execute(select(Response).order_by(Response.submitted_at)).scalars())


def answers_of(response: Response) -> dict:
    rows = db.session.execute(select(Answer).where(Answer.response_id == response.id)).scalars()
    result: dict = {}
    for row in rows:
        value = row.option if row.option is not None else row.number
        result.setdefault(row.question_key, []).append(value if value is not None else row.text)
    return {k: v[0] if len(v) == 1 and k != "reden" else sorted(v) for k, v in result.items()}


def location_slug(response: Response) -> str:
    return db.session.get(Location, response.location_id).slug


def wait_until(check, timeout: float = 30.0, step: float = 0.1):
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout} s")
        time.sleep(step)


def queue_length(page) -> int:
    return page.evaluate(QUEUE_LENGTH)


def close_and_settle(context, app) -> None:
    """Close a browser context and wait until the server has finished its requests."""
    context.close()
    app.wsgi_app.settle()
