"""`make run` end to end for invitations: the README's curl command posts a contact, the
worker of scripts/run.sh keeps the SMS in the development outbox (file, log and the staff
page) after the rule's delay, and the link in it can be answered."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port
from tests.test_run_script import wait_for

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
PASSWORD = "a long password for the outbox"


def readme_contact_command() -> str:
    """The shell block of README's "Invitations after a contact" section, as printed."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Invitations after a contact", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    assert "apikey create --org demo" in block and "/api/v1/contacts" in block
    return block


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def form_post(browser, url: str, fields: dict) -> tuple[int, str, str]:
    data = urllib.parse.urlencode(fields, doseq=True).encode()
    with browser.open(urllib.request.Request(url, data=data), timeout=10) as response:
        return response.status, response.geturl(), response.read().decode()


def test_a_contact_posted_with_curl_reaches_the_outbox_and_its_link_is_answered(tmp_path):
    port, demo_port = free_port(), free_port()
    venv = Path(sys.executable).parent.parent
    outbox = tmp_path / "outbox"
    env = {
        **os.environ,
        "PORT": str(port),
        "DEMO_PORT": str(demo_port),
        "WEB_WORKERS": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kto.sqlite3'}",
        "HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite3"),
        "OUTBOX_DIR": str(outbox),
        "SECRET_KEY": "run-invitations-test-" + "x" * 40,
        "VENV": str(venv),
    }
    for name in ("PUBLIC_URL", "TEST_DATABASE_URL", "MAIL_PROVIDER", "SMS_PROVIDER"):
        env.pop(name, None)
    flask = [str(venv / "bin" / "flask")]
    # The demo's structure (quick), then the README's "send without waiting" rule, with no
    # quiet hours so that the test does not depend on the time of day.
    prepare = (
        "from app import create_app; from survey.extensions import db; "
        "from survey.demo.loader import load_demo_structure; app = create_app(); "
        "ctx = app.app_context(); ctx.push(); db.create_all(); load_demo_structure()"
    )
    subprocess.run([sys.executable, "-c", prepare], cwd=ROOT, env=env, check=True, timeout=120)
    subprocess.run(
        [
            *flask,
            "kto",
            "rules",
            "set",
            "--org",
            "demo",
            "--channel",
            "phone",
            "--delay",
            "0",
            "--quiet",
            "00:00-00:00",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
    )
    subprocess.run(
        [
            *flask,
            "kto",
            "user",
            "add",
            "--org",
            "demo",
            "--email",
            "kcc@voorbeeld.nl",
            "--password",
            PASSWORD,
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
    )
    log_path = tmp_path / "run.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "run.sh")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(f"{base}/healthz", process)[0] == 200
        # The README's command, as a developer pastes it (only the port and venv differ).
        command = readme_contact_command().replace("http://127.0.0.1:8000", base)
        command = command.replace(".venv/bin/flask", str(venv / "bin" / "flask"))
        posted = subprocess.run(
            ["bash", "-c", command + "\n"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert posted.returncode == 0, posted.stderr
        answer = json.loads(posted.stdout)
        assert answer["outcome"] == "invited", answer
        # The worker's next run (once a minute) keeps the SMS in the outbox.
        deadline = time.monotonic() + 240
        while not list((outbox / "sms").glob("*.json")):
            assert process.poll() is None, "run.sh ended early"
            assert time.monotonic() < deadline, "no SMS in the outbox"
            time.sleep(1)
        (sms_file,) = list((outbox / "sms").glob("*.json"))
        sms = json.loads(sms_file.read_text())
        assert sms["to"] == ["+31612345678"] and sms["organisation"] == "demo"
        link = re.search(rf"{re.escape(base)}/s/[A-Za-z0-9_-]{{22}}", sms["body"]).group(0)
        time.sleep(0.5)
        assert "SMS outbox (not sent) to +31612345678" in log_path.read_text()
        assert link in log_path.read_text()

        # The staff page lists it, after a login through the real form (CSRF and all).
        staff = opener()
        with staff.open(f"{base}/staff/login", timeout=10) as page:
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode())
        fields = {"email": "kcc@voorbeeld.nl", "password": PASSWORD}
        if token:
            fields["csrf_token"] = token.group(1)
        form_post(staff, f"{base}/staff/login", fields)
        with staff.open(f"{base}/staff/demo/outbox", timeout=10) as page:
            assert page.geturl().endswith("/staff/demo/outbox")
            assert f'href="{link}"' in page.read().decode()

        # The citizen answers through the link: headline, then thanks or a follow-up.
        citizen = opener()
        with citizen.open(link, timeout=10) as page:
            assert "Welk cijfer geeft u voor het gesprek?" in page.read().decode()
        status, after, html = form_post(citizen, link, {"question": "cijfer", "answer": "9"})
        assert status == 200 and after.startswith(link)
        with citizen.open(link, timeout=10) as page:
            assert "U heeft al geantwoord. Bedankt!" in page.read().decode()
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "from app import create_app; from survey.extensions import db; "
                "from survey.models import Response, Invitation; from sqlalchemy import select; "
                "app = create_app(); app.app_context().push(); "
                "r = db.session.execute(select(Response)"
                ".where(Response.invitation_id.is_not(None))).scalar_one(); "
                "i = db.session.get(Invitation, r.invitation_id); "
                "print(r.headline_score, r.survey_mode, r.contact_channel, i.status, "
                "i.opened_at is not None, i.completed_at is not None)",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert done.stdout.split() == ["9", "sms", "phone", "sent", "True", "True"]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    assert process.returncode == 0, log_path.read_text()[-3000:]
