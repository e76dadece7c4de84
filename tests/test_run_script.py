"""`make run`'s script: every address follows PORT and DEMO_PORT, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow



def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, "run.sh ended early"
        try:
            return get(url)
        except OSError:
            assert time.monotonic() < deadline, f"{url} did not answer"
            time.sleep(0.2)


def refused(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_run_uses_the_given_ports_and_stops_cleanly_on_ctrl_c(tmp_path):
    port, demo_port = free_port(), free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DEMO_PORT": str(demo_port),
        "WEB_WORKERS": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kto.sqlite3'}",
        "HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite3"),
        "SECRET_KEY": "run-script-test-" + "x" * 40,
        "VENV": str(Path(sys.executable).parent.parent),
    }
    env.pop("PUBLIC_URL", None)
    env.pop("TEST_DATABASE_URL", None)
    # The schema and the demo's structure, so the script's `kto demo --if-empty` is quick.
    prepare = (
        "from app import create_app; from survey.extensions import db; "
        "from survey.demo.loader import load_demo_structure; app = create_app(); "
        "ctx = app.app_context(); ctx.push(); db.create_all(); load_demo_structure()"
    )
    subprocess.run([sys.executable, "-c", prepare], cwd=ROOT, env=env, check=True, timeout=120)
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "run.sh")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        status, _ = wait_for(f"http://127.0.0.1:{port}/healthz", process)
        assert status == 200
        status, home = wait_for(f"http://127.0.0.1:{port}/", process)
        assert status == 200 and "<html" in home
        status, demo = wait_for(f"http://127.0.0.1:{demo_port}/", process)
        assert status == 200
        assert f'src="http://127.0.0.1:{port}/static/widget/v1.js"' in demo
        assert "127.0.0.1:8000" not in demo
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/widget/demo/website",
            headers={"Origin": f"http://127.0.0.1:{demo_port}"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.headers["Access-Control-Allow-Origin"] == (
                f"http://127.0.0.1:{demo_port}"
            )
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        started = time.monotonic()
        output, _ = process.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    print(f"run.sh stopped {took:.2f} s after Ctrl-C")
    assert process.returncode == 0, output
    assert "Segmentation fault" not in output
    assert f"PUBLIC_URL=http://127.0.0.1:{port} " in output  # the kiosk link hint
    assert f"Demo website:      http://127.0.0.1:{demo_port}/" in output
    assert "Stopped." in output
    assert refused(port) and refused(demo_port)
