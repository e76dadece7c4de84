"""A short run of `make scale-demo` (scripts/scale-demo.sh, bench/scale.py): nginx in front of
two gunicorn instances, PostgreSQL, Redis and two Huey workers on free loopback ports; the load
through nginx is stored exactly once, the rate limits count in Redis for both app servers, and
the monthly job at 06:00 with two workers up builds and e-mails the report once.

It starts its own PostgreSQL server, so it runs in the SQLite pass of `make test` only.
nginx, redis-server, faketime and PostgreSQL come from scripts/system-deps.sh: a missing one
fails the test rather than skipping it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite pass runs it (it starts its own PostgreSQL)")
def test_the_scaled_out_setup_stores_every_response_once_and_reports_once():
    for program in ("redis-server", "faketime"):
        assert shutil.which(program), f"{program} is installed by scripts/system-deps.sh"
    assert shutil.which("nginx") or Path("/usr/sbin/nginx").exists(), "nginx: system-deps.sh"
    assert list(Path("/usr/lib/postgresql").glob("*/bin/initdb")), "postgresql: system-deps.sh"
    done = subprocess.run(
        [str(ROOT / "scripts" / "scale-demo.sh"), "--responses", "300", "--connections", "16"],
        cwd=ROOT, env={**os.environ, "PY": sys.executable, "SCALE_DEMO_SECONDS": "600"},
        capture_output=True, text=True, timeout=700,
    )
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-3000:]
    row = next(line for line in out.splitlines() if line.startswith("| scale-out"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    sent, acknowledged, stored, lost, duplicated = (int(c) for c in cells[1:6])
    assert (sent, acknowledged, stored, lost, duplicated) == (300, 300, 300, 0, 0), row
    assert "×500" in cells[6] and cells[6].endswith("0×500)"), row
    assert "10 answered, 20 refused with 429" in out
    once = json.loads(re.search(r"two workers up: (\{.*\})", out).group(1))
    assert once["monthly_job_runs"] == 2  # both workers' schedulers enqueued the job
    assert (once["report_jobs"], once["reports"], once["emails"]) == (1, 1, 1), once
    assert once["jobs"] == "done/1/True", once  # claimed once, e-mailed
    leftover = subprocess.run(["pgrep", "-f", "kto-scale-demo|kto-scale\\."], capture_output=True,
                              text=True).stdout.split()
    assert leftover == [], "processes left running: " + " ".join(leftover)
