"""What the report job tests share: workers racing each other in threads, and a real worker
process that runs a job (and may be made to die by SIGKILL at a step)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable

import pytest

from survey.extensions import db

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def race(app) -> Callable:
    """``race(job, workers=2)``: ``job()`` in that many threads at once, each with its own
    application context and session, started together by a barrier. Returns each worker's
    result (in the order they finished); fails when a worker raised or did not finish."""

    def run(job: Callable, workers: int = 2, timeout: float = 180) -> list:
        start = threading.Barrier(workers)
        results: list = []
        errors: list[BaseException] = []

        def worker():
            try:
                with app.app_context():
                    start.wait()
                    results.append(job())
                    db.session.remove()
            except BaseException as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
        assert not errors
        assert not any(thread.is_alive() for thread in threads)
        return results

    return run


@pytest.fixture
def worker_process(app, tmp_path) -> Callable:
    """``worker_process(script, *args)``: run ``script`` (Python source) in a new process
    against this test's database and SMTP server, as a worker would; the finished process
    (``returncode`` is -SIGKILL when the script killed itself)."""

    def run(script: str, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "KTO_ENV": "testing",
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "MAIL_SERVER": app.config["MAIL_SERVER"],
            "MAIL_PORT": str(app.config["MAIL_PORT"]),
            "EXPORTS_DIR": str(tmp_path / "exports"),
            "HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite3"),
            "RATELIMIT_ENABLED": "0",
        }
        return subprocess.run(
            [sys.executable, "-c", script, *args], cwd=ROOT, env=env, timeout=timeout,
            capture_output=True,
        )  # fmt: skip

    return run
