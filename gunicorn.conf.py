"""gunicorn settings read from the working directory (scripts/run.sh, bench/, the scale-out).

Worker class: gthread with 2 threads per worker process. The sync worker answers one
connection at a time and closes it after every answer, waiting for the client to close its
side (`close_graceful`): on a 2-core machine that wait, not the app, capped the WhatsApp
webhook at about 640 deliveries/s and the ingest floor at about 2,700/s. gthread keeps
connections alive (nginx's `upstream keepalive`, Meta's and the kiosks' repeated requests)
and a second thread serves while the first waits on the database. The app is thread-safe:
sessions are scoped per application context, SQLite's writer lock is an flock on a descriptor
of its own per transaction, the rate limiter and the metrics are per process.
Command-line options (`--worker-class sync`) still override these.

Prometheus multiprocess mode: a worker that ended leaves its counter files behind for the
totals, and its live gauges are dropped (prometheus_client's documented gunicorn hook).
"""

import os

worker_class = "gthread"
threads = 2


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
