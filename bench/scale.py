"""The scaled-out setup on this one machine: nginx in front of two gunicorn instances,
PostgreSQL, Redis (task queue, rate-limit counts) and two Huey workers; then the load harness
through nginx, reconciled with the database.

    .venv/bin/python bench/scale.py [--responses 20000] [--connections 64]
    .venv/bin/python bench/scale.py --serve      # keep it up until Ctrl-C, print the address

Everything listens on free loopback ports and is stopped at the end.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import HEADER, reconcile, run_load  # noqa: E402
from bench.stack import ROOT, Database, Gunicorn, PostgresCluster, free_port  # noqa: E402

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


def scaled_out(stack: ExitStack, workdir: Path) -> tuple[str, Database]:
    """Start everything; returns nginx's address and the database."""
    pg = stack.enter_context(PostgresCluster(max_connections=200))
    database = stack.enter_context(Database("postgres", pg.url))
    redis_port = free_port()
    stack.enter_context(Process(["redis-server", "--port", str(redis_port), "--bind",
                                 "127.0.0.1", "--save", "", "--appendonly", "no"],
                                log=workdir / "redis.log"))
    wait_port(redis_port)
    env = {**database.env(), "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
           "TRUSTED_PROXY_COUNT": "1"}
    webs = [stack.enter_context(Gunicorn(env, workers=2)) for _ in range(2)]
    for number in range(2):
        stack.enter_context(Process([sys.executable, "-m", "survey.worker"], env=env,
                                    log=workdir / f"worker-{number}.log"))
    port = free_port()
    nginx_dir = workdir / "nginx"
    nginx_dir.mkdir()
    servers = "\n    ".join(f"server 127.0.0.1:{w.port};" for w in webs)
    (nginx_dir / "nginx.conf").write_text(NGINX_CONF.format(dir=nginx_dir, servers=servers,
                                                            port=port))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    stack.enter_context(Process([nginx, "-p", str(nginx_dir), "-c",
                                 str(nginx_dir / "nginx.conf")], log=nginx_dir / "out.log"))
    wait_port(port)
    return f"http://127.0.0.1:{port}", database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kto-scale."))
    try:
        with ExitStack() as stack:
            url, database = scaled_out(stack, workdir)
            if args.serve:
                print(f"nginx: {url}/  (Ctrl-C stops everything)", flush=True)
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    return 0
            started = time.monotonic()
            tally = run_load(url, database.api_key, args.responses, args.connections)
            result = reconcile(tally, database.url, time.monotonic() - started)
            print(HEADER)
            print(result.row("scale-out: nginx, 2 gunicorn x 2 workers, PostgreSQL, Redis"))
            ok = result.lost == 0 and result.duplicated == 0 and result.status_500 == 0 and \
                result.acknowledged == result.sent
            return 0 if ok else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
