"""The scaled-out setup on this one machine: nginx in front of two gunicorn instances,
PostgreSQL, Redis (task queue, rate-limit counts) and two Huey workers; then the load harness
through nginx, reconciled with the database.

    .venv/bin/python bench/scale.py [--responses 20000] [--connections 64]
    .venv/bin/python bench/scale.py --serve      # keep it up until Ctrl-C, print the address

Everything listens on free loopback ports and is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import HEADER, reconcile, run_load  # noqa: E402
from bench.stack import ROOT, Database, Gunicorn, PostgresCluster, free_port  # noqa: E402

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

NGINX_CONF = """
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
worker_processes 2;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  upstream kto {{
    {servers}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 64k;
    location / {{
      proxy_pass http://kto;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-ID $request_id;
      # A POST is retried on the other instance only when it never reached this one.
      proxy_next_upstream error;
    }}
  }}
}}
"""


class Process:
    """A background process in its own session, stopped with TERM (then KILL)."""

    def __init__(self, command: list[str], env: dict | None = None, log: Path | None = None):
        self.command, self.env, self.log = command, env, log
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=out,
                                        stderr=out, start_new_session=True)
        if self.log:
            out.close()
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def wait_port(port: int, seconds: float = 30) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _pids_file_add(pgid: int) -> None:
    """Note a process group for scripts/scale-demo.sh, which ends any left after a hard kill."""
    name = os.environ.get("KTO_SCALE_PIDS")
    if name:
        with open(name, "a") as out:
            out.write(f"{pgid}\n")


def scaled_out(stack: ExitStack, workdir: Path, single: bool = False) -> Stack:
    """Start everything; `single`: one gunicorn with as many workers, no nginx."""
    pg = stack.enter_context(PostgresCluster(max_connections=200))
    if os.environ.get("KTO_SCALE_PIDS"):
        Path(os.environ["KTO_SCALE_PIDS"] + ".pg").write_text(f"{pg.bin} {pg.dir}\n")
    database = stack.enter_context(Database("postgres", pg.url))
    redis_port = free_port()
    redis = stack.enter_context(Process(["redis-server", "--port", str(redis_port), "--bind",
                                         "127.0.0.1", "--save", "", "--appendonly", "no",
                                         "--dir", str(workdir)], log=workdir / "redis.log"))
    _pids_file_add(redis.process.pid)
    wait_port(redis_port)
    env = {**database.env(), "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
           "TRUSTED_PROXY_COUNT": "1",
           # Rate limits on, counted in Redis; the ingest's own figure raised for the load.
           "RATELIMIT_ENABLED": "1", "RATELIMIT_INGEST": "1000000 per minute",
           "MAIL_PROVIDER": "outbox", "OUTBOX_DIR": str(workdir / "outbox"),
           "PUBLIC_URL": "https://kto.example.nl"}
    webs = []
    for _ in range(1 if single else 2):
        web = stack.enter_context(Gunicorn(env, workers=4 if single else 2))
        _pids_file_add(web.process.pid)
        webs.append(web)
    workers = [start_worker(stack, env, workdir / f"worker-{n}.log") for n in range(2)]
    if single:
        return Stack(webs[0].url, database, env, workers, webs, redis_port)
    port = free_port()
    nginx_dir = workdir / "nginx"
    nginx_dir.mkdir()
    servers = "\n    ".join(f"server 127.0.0.1:{w.port};" for w in webs)
    (nginx_dir / "nginx.conf").write_text(NGINX_CONF.format(dir=nginx_dir, servers=servers,
                                                            port=port))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proxy = stack.enter_context(Process([nginx, "-p", str(nginx_dir), "-c",
                                         str(nginx_dir / "nginx.conf")],
                                        log=nginx_dir / "out.log"))
    _pids_file_add(proxy.process.pid)
    wait_port(port)
    return Stack(f"http://127.0.0.1:{port}", database, env, workers, webs, redis_port)


@dataclass
class Stack:
    url: str
    database: Database
    env: dict
    workers: list[Process]
    webs: list[Gunicorn]
    redis_port: int


def start_worker(stack: ExitStack, env: dict, log: Path, faked: str | None = None) -> Process:
    command = [sys.executable, "-m", "survey.worker"]
    if faked:  # libfaketime: the wall clock starts at `faked` and runs on
        command = ["faketime", faked, *command]
        env = {**env, "TZ": "UTC", "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
    worker = stack.enter_context(Process(command, env=env, log=log))
    _pids_file_add(worker.process.pid)
    return worker


def shared_rate_limit(url: str, attempts: int = 30) -> tuple[int, int]:
    """Enrolment attempts with a wrong token through nginx (10 a minute per IP): with one
    count in Redis the eleventh is refused whichever app server and worker it reaches; with
    a count per process (4 here) up to 40 would pass. Returns (answered, refused 429)."""
    import httpx

    answered = refused = 0
    with httpx.Client(timeout=30) as client:
        for _ in range(attempts):
            reply = client.post(url + "/kiosk/api/enrol", json={"token": "x" * 40})
            if reply.status_code == 429:
                refused += 1
            else:
                answered += 1
    return answered, refused


ADD_MONTH = """
import sys, uuid
from datetime import datetime, timedelta, UTC
from app import create_app
from survey.services.responses import record_many
from survey.services.users import add_user
start = datetime.fromisoformat(sys.argv[1])
app = create_app()
with app.app_context():
    add_user("chef@example.nl", "a long password for the demo", "demo", receives_reports=True)
    record_many({
        "id": str(uuid.uuid4()), "organisation": "demo", "survey": "balie",
        "contact_channel": "counter", "survey_mode": "kiosk", "location": "stadhuis",
        "submitted_at": (start + timedelta(hours=10 + i % 300 * 2)).isoformat(),
        "answers": {"oordeel": "up" if i % 5 else "down"},
    } for i in range(300))
"""

REPORT_STATE = """
import sys
from datetime import date
from sqlalchemy import func, select
from app import create_app
from survey.extensions import db
from survey.models import Report, ReportJob
month = date.fromisoformat(sys.argv[1])
app = create_app()
with app.app_context():
    jobs = db.session.execute(select(ReportJob.state, ReportJob.attempts, ReportJob.mailed_at)
                              .where(ReportJob.month == month)).all()
    reports = db.session.execute(select(func.count()).select_from(Report)
                                 .where(Report.month == month)).scalar()
    print(len(jobs), reports, ",".join(f"{s}/{a}/{m is not None}" for s, a, m in jobs))
"""


def scheduled_report_once(stack: ExitStack, setup: Stack, workdir: Path) -> dict:
    """Two workers up when the monthly job is due: both schedulers enqueue it (and the
    quarter-hourly catch-up); one report is built and e-mailed once.

    The two workers are started again under libfaketime at 05:58:50 Amsterdam time on the 1st
    of this month; after their start-up catch-up (nothing to do yet) last month's responses
    and a subscriber are added, then the clock passes 06:00."""
    for worker in setup.workers:
        worker.__exit__(None, None, None)
    today = datetime.now(UTC).date()
    first = today.replace(day=1)
    month = (first - timedelta(days=1)).replace(day=1)
    due = datetime(first.year, first.month, 1, 6, 0, tzinfo=AMSTERDAM).astimezone(UTC)
    faked = (due - timedelta(seconds=70)).strftime("%Y-%m-%d %H:%M:%S")
    logs = [workdir / f"faked-worker-{n}.log" for n in range(2)]
    for log in logs:
        start_worker(stack, setup.env, log, faked=faked)
    started = time.monotonic()
    deadline = started + 120
    while time.monotonic() < deadline:  # both start-up catch-ups ran (on either worker)
        done = sum(len(re.findall(r"catch_up_reports: \S+ executed", log.read_text(
            errors="replace"))) for log in logs if log.exists())
        if done >= 2:
            break
        time.sleep(0.5)
    else:
        raise RuntimeError("the workers did not start: " + logs[0].read_text()[-2000:])
    if time.monotonic() - started > 60:
        raise RuntimeError("the workers took longer than a minute to start; 06:00 passed: "
                           + logs[0].read_text()[-3000:])
    setup.database.run_python(ADD_MONTH, datetime(month.year, month.month, 1,
                                                  tzinfo=UTC).isoformat())
    deadline = time.monotonic() + 240
    state = ""
    while time.monotonic() < deadline:
        state = setup.database.run_python(REPORT_STATE, month.isoformat()).split()
        if state[0] != "0" and all(j.startswith("done") for j in state[2].split(",")):
            time.sleep(5)  # let the other runs finish too
            break
        time.sleep(2)
    state = setup.database.run_python(REPORT_STATE, month.isoformat()).split()
    texts = [log.read_text(errors="replace") for log in logs]
    mails = sorted((workdir / "outbox").glob("*.eml")) if (workdir / "outbox").exists() else []
    return {
        "month": f"{month:%Y-%m}",
        "monthly_job_runs": sum(t.count("Executing survey.tasks.monthly_reports") for t in texts),
        "catch_up_runs": sum(t.count("Executing survey.tasks.catch_up_periodically")
                             for t in texts),
        "report_jobs": int(state[0]),
        "reports": int(state[1]),
        "jobs": state[2] if len(state) > 2 else "",
        "emails": len(mails),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--single", action="store_true",
                        help="one gunicorn (4 workers) without nginx, for comparison")
    parser.add_argument("--no-report", action="store_true",
                        help="leave out the scheduled-report check")
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    # A TERM (timeout, Ctrl-C's cousin) unwinds the stack like an error: all is stopped.
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="kto-scale."))
    try:
        with ExitStack() as stack:
            setup = scaled_out(stack, workdir, single=args.single)
            url, database = setup.url, setup.database
            if args.serve:
                print(f"nginx: {url}/  (Ctrl-C stops everything)", flush=True)
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    return 0
            load_before = os.getloadavg()
            started = time.monotonic()
            tally = run_load(url, database.api_key, args.responses, args.connections)
            result = reconcile(tally, database.url, time.monotonic() - started)
            load_after = os.getloadavg()
            name = ("single server: gunicorn 4 workers, PostgreSQL, Redis" if args.single else
                    "scale-out: nginx, 2 gunicorn x 2 workers, PostgreSQL, Redis")
            print(HEADER)
            print(result.row(name))
            print(f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} "
                  f"(1 min); {os.cpu_count()} cores", flush=True)
            ok = result.lost == 0 and result.duplicated == 0 and result.status_500 == 0 and \
                result.acknowledged == result.sent and result.refused == 0
            answered, refused = shared_rate_limit(url)
            print(f"rate limit shared in Redis: 30 enrolment attempts, 10 allowed a minute: "
                  f"{answered} answered, {refused} refused with 429", flush=True)
            ok = ok and answered == 10 and refused == 20
            if not args.no_report:
                once = scheduled_report_once(stack, setup, workdir)
                print("scheduled report with two workers up: " + json.dumps(once), flush=True)
                ok = ok and once["monthly_job_runs"] == 2 and once["report_jobs"] == 1 and \
                    once["jobs"] == "done/1/True" and once["reports"] == 1 and \
                    once["emails"] == 1
            print("OK" if ok else "FAILED", flush=True)
            return 0 if ok else 1
    finally:
        if os.environ.get("KTO_SCALE_KEEP"):  # the logs, for a look after a failure
            print(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
