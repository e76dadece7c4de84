#!/usr/bin/env bash
# The scaled-out setup on this one machine, under load, then stopped: nginx in front of two
# gunicorn instances, PostgreSQL, Redis and two Huey workers (bench/scale.py), loopback only,
# free ports. Bounded in time; everything it started is stopped on exit, even after a failure
# or a hard kill of the Python process.
#   scripts/scale-demo.sh [--responses 20000] [--connections 64] [--single] [--no-report]
# SCALE_DEMO_SECONDS (default 1800) bounds the whole run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-${VENV:-.venv}/bin/python}
[ -x "$PY" ] || PY=python3
STATE=$(mktemp /tmp/kto-scale-demo.XXXXXX)
export KTO_SCALE_PIDS="$STATE"
cleanup() {
  # bench/scale.py stops all it started; this ends what a hard kill left behind.
  if [ -s "$STATE" ]; then
    while read -r pgid; do kill -TERM -- "-$pgid" 2>/dev/null || true; done <"$STATE"
    sleep 2
    while read -r pgid; do kill -KILL -- "-$pgid" 2>/dev/null || true; done <"$STATE"
  fi
  if [ -s "$STATE.pg" ]; then
    read -r pgbin pgdir <"$STATE.pg"
    if [ -d "$pgdir/data" ]; then
      if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
      else
        "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
      fi
      rm -rf "$pgdir"
    fi
  fi
  rm -f "$STATE" "$STATE.pg"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
timeout --signal=TERM --kill-after=30 "${SCALE_DEMO_SECONDS:-1800}" "$PY" bench/scale.py "$@"
