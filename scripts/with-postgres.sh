#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster from Debian's packages.
# The cluster lives in a temporary directory and is removed afterwards; the command sees
# TEST_DATABASE_URL. Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PORT=${PGPORT_TEST:-54329}
DIR=$(mktemp -d /tmp/kto-pg.XXXXXX)
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$DIR"; runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  run_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
run_pg "$PGBIN/initdb" -D "$DIR/data" -A trust -U kto >/dev/null
run_pg "$PGBIN/pg_ctl" -D "$DIR/data" -w -l "$DIR/log" \
  -o "-k $DIR -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
export TEST_DATABASE_URL="postgresql+psycopg://kto@127.0.0.1:$PORT/postgres"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PORT"
"$@"
