#!/usr/bin/env bash
# Install the Debian packages the tests need, only when they are missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pg_dump >/dev/null 2>&1 || need+=(postgresql-client)  # flask kto backup/restore
command -v chattr >/dev/null 2>&1 || need+=(e2fsprogs)  # the fault harness's read-only file
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -i dejavu >/dev/null || need+=(fonts-dejavu-core)  # grep -q would end fc-list early (SIGPIPE under pipefail)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)  # bench/scale.py, make scale-demo
command -v faketime >/dev/null 2>&1 || need+=(faketime)  # bench/scale.py: the monthly job at 06:00 on the 1st
command -v wrk >/dev/null 2>&1 || need+=(wrk)  # bench/ingest.py
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing system packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
