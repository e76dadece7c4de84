"""gunicorn settings read from the working directory (scripts/run.sh, bench/, the scale-out).

Prometheus multiprocess mode: a worker that ended leaves its counter files behind for the
totals, and its live gauges are dropped (prometheus_client's documented gunicorn hook).
"""

import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
