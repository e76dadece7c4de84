"""The servers the load and fault harness runs against, on this machine, loopback only.

`Database`: a fresh SQLite file (optionally on a small tmpfs) or a fresh database in a
PostgreSQL server, with the schema and the demo organisation, and an import API key.
`PostgresCluster`: a throwaway PostgreSQL server (Debian's binaries) that can be restarted.
`Gunicorn`: the platform under gunicorn, whose workers can be killed or stopped.
Every class is a context manager that stops and removes what it started.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

PREPARE = """
import sys
from app import create_app
from survey.extensions import db
from survey.demo.loader import load_demo_structure
from survey.services.apikeys import create_api_key
app = create_app()
with app.app_context():
    db.create_all()
    load_demo_structure()
    print(create_api_key("demo", "harness"))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_root(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its binaries as `postgres` when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def base_env(database_url: str, workdir: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "KTO_ENV": "development",
        "SECRET_KEY": "harness-" + "k" * 40,
        "RATELIMIT_ENABLED": "0",
        "HUEY_SQLITE_PATH": str(workdir / "queue.sqlite3"),
        "EXPORTS_DIR": str(workdir / "exports"),
        "LOG_FORMAT": "json",
        "FLASK_APP": "app:create_app",
    }


class PostgresCluster:
    """A throwaway PostgreSQL server on a free port; durable settings (fsync on), so a crash
    loses nothing that was committed."""

    def __init__(self, max_connections: int = 100):
        pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not pgbin:
            raise RuntimeError("PostgreSQL is not installed (scripts/system-deps.sh)")
        self.bin = pgbin[-1]
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kto-harness-pg."))
        self.max_connections = max_connections
        self.url = f"postgresql+psycopg://kto@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(as_root([str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), *args]),
                       check=True, stdout=subprocess.DEVNULL, timeout=120)

    def __enter__(self):
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        subprocess.run(as_root([str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-A",
                                "trust", "-U", "kto"]), check=True, stdout=subprocess.DEVNULL,
                       timeout=120)
        self.start()
        return self

    def start(self) -> None:
        self._pg_ctl("-w", "-l", str(self.dir / "log"), "-o",
                     f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 "
                     f"-c max_connections={self.max_connections}", "start")

    def restart(self, mode: str = "fast") -> None:
        """`fast`: a clean restart; `immediate`: a crash and recovery."""
        self._pg_ctl("-w", "-m", mode, "-l", str(self.dir / "log"), "-o",
                     f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 "
                     f"-c max_connections={self.max_connections}", "restart")

    def __exit__(self, *exc):
        subprocess.run(as_root([str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m",
                                "immediate", "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


class Database:
    """A fresh database with the schema, the demo organisation and an import API key.

    kind "sqlite": a file in a temporary directory, or on a tmpfs of `tmpfs_mb` megabytes
    (for the full-disk scenario; needs root). kind "postgres": a new database on the server
    of `server_url` (dropped afterwards). `prepare=False`: left empty, without tables."""

    def __init__(self, kind: str, server_url: str | None = None, tmpfs_mb: int | None = None,
                 prepare: bool = True):
        self.kind = kind
        self.prepare = prepare
        self.server_url = server_url
        self.tmpfs_mb = tmpfs_mb
        self.workdir = Path(tempfile.mkdtemp(prefix="kto-harness."))
        self.mounted = False
        self.path: Path | None = None
        self.name: str | None = None
        self.url = ""
        self.api_key = ""

    def __enter__(self):
        if self.kind == "sqlite":
            folder = self.workdir / "db"
            folder.mkdir()
            if self.tmpfs_mb:
                subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.tmpfs_mb}m", "tmpfs",
                                str(folder)], check=True)
                self.mounted = True
            self.path = folder / "kto.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            from sqlalchemy import create_engine, text

            self.name = "kto_harness_" + uuid.uuid4().hex[:10]
            engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {self.name}"))
            engine.dispose()
            self.url = self.server_url.rsplit("/", 1)[0] + "/" + self.name
        if self.prepare:
            self.api_key = self.run_python(PREPARE).strip().splitlines()[-1]
        return self

    def env(self) -> dict:
        return base_env(self.url, self.workdir)

    def run_python(self, code: str, *args: str) -> str:
        done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=self.env(),
                              capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])
        return done.stdout

    def flask(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "flask"), "kto", *args], cwd=ROOT,
                              env=env or self.env(), capture_output=True, text=True,
                              timeout=600)

    def __exit__(self, *exc):
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                subprocess.run(["chattr", "-i", f"{self.path}{suffix}"], capture_output=True)
            if self.mounted:
                subprocess.run(["umount", "-l", str(self.workdir / "db")], capture_output=True)
        elif self.name:
            from sqlalchemy import create_engine, text

            engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"))
            engine.dispose()
        shutil.rmtree(self.workdir, ignore_errors=True)


class Gunicorn:
    """The platform under gunicorn on a free port (its own process group)."""

    def __init__(self, env: dict, workers: int = 4, timeout: int = 30,
                 extra: tuple[str, ...] = ()):
        self.extra = list(extra)  # more gunicorn options (a worker class, threads)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metrics_dir = Path(tempfile.mkdtemp(prefix="kto-harness-metrics."))
        self.env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir)}
        self.workers = workers
        self.timeout = timeout
        self.log = Path(env["EXPORTS_DIR"]).parent / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        log = open(self.log, "ab")  # noqa: SIM115  (closed with the process)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(self.workers), "--bind",
             f"127.0.0.1:{self.port}", "--timeout", str(self.timeout), "--graceful-timeout", "2",
             "--no-control-socket", *self.extra, "app:create_app()"],
            cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True,
        )
        log.close()
        try:
            self.wait_ready()
        except BaseException:
            self.__exit__(None, None, None)  # a server that did not come up is stopped too
            raise
        return self

    def wait_ready(self, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ended: {self._log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    if len(self.worker_pids()) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: {self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return "(no log)"

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def signal_worker(self, sig: int, index: int = 0) -> int:
        """Send a signal to one worker; returns its pid."""
        pids = self.worker_pids()
        pid = pids[index % len(pids)]
        os.kill(pid, sig)
        return pid

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            for pid in self.worker_pids():  # a stopped worker cannot act on TERM
                try:
                    os.kill(pid, signal.SIGCONT)
                except ProcessLookupError:
                    pass
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        shutil.rmtree(self.metrics_dir, ignore_errors=True)
