#!/usr/bin/env bash
# `make run`: the platform (gunicorn), the task worker and the demo website, until Ctrl-C.
#
#   PORT=9000 DEMO_PORT=9001 scripts/run.sh
#
# Every address follows PORT and DEMO_PORT: PUBLIC_URL (links that `flask kto kiosk add`
# prints), the demo website's widget tag and the demo organisation's allowed origins.
# Ctrl-C or TERM stops the three processes once, waits for them and exits 0; if one of them
# ends by itself, the others are stopped and the script exits with its status.
set -uo pipefail
cd "$(dirname "$0")/.."

HOST=127.0.0.1
PORT="${PORT:-8000}"
DEMO_PORT="${DEMO_PORT:-8001}"
WEB_WORKERS="${WEB_WORKERS:-4}"
BIN="${VENV:-.venv}/bin"
export PUBLIC_URL="${PUBLIC_URL:-http://$HOST:$PORT}"
export FLASK_APP="${FLASK_APP:-app:create_app}"
# A developer's machine: generated secret key, plain http (docs/OPERATIONS.md, KTO_ENV).
export KTO_ENV="${KTO_ENV:-development}"
# Invitations and e-mail are kept, not sent: files under instance/outbox, listed on
# /staff/<org>/outbox with their links (survey/messaging/outbox.py).
export MAIL_PROVIDER="${MAIL_PROVIDER:-outbox}"
export SMS_PROVIDER="${SMS_PROVIDER:-console}"
# WhatsApp through Meta only with an access token; otherwise the development backend: files
# under instance/outbox/whatsapp and the page /staff/<org>/whatsapp to tap and type replies.
if [ -z "${WHATSAPP_ACCESS_TOKEN:-}" ]; then
  export WHATSAPP_PROVIDER="${WHATSAPP_PROVIDER:-whatsapp_outbox}"
fi
DEMO_URL="http://$HOST:$DEMO_PORT"

"$BIN/flask" kto demo --if-empty --site-origin "$DEMO_URL" || exit 1

cat <<EOF

  KTO platform:      $PUBLIC_URL/
  API description:   $PUBLIC_URL/api/v1/openapi.json
  Health:            $PUBLIC_URL/healthz
  Outbox:            $PUBLIC_URL/staff/demo/outbox  (invitations kept, not sent; staff login)
  WhatsApp:          $PUBLIC_URL/staff/demo/whatsapp  (tap and type the citizen's replies)
  Demo website:      $DEMO_URL/  (embeds the widget from $PUBLIC_URL)
  A kiosk link:      PUBLIC_URL=$PUBLIC_URL $BIN/flask kto kiosk add --org demo \\
                       --location stadhuis --survey balie --name "Stadhuis uitgang"
  Stop:              Ctrl-C

EOF

# Job control gives each process its own process group, so a Ctrl-C in the terminal reaches
# this script alone and each process is told to stop exactly once (below).
# gunicorn's control socket is off: its one default path would be shared by every `make run`
# on the machine.
set -m
"$BIN/python" -m survey.worker &
worker=$!
"$BIN/python" scripts/demo_site.py --bind "$HOST" --port "$DEMO_PORT" --platform "$PUBLIC_URL" &
site=$!
# Prometheus counters of every gunicorn worker are added up from files in a fresh directory
# (survey/metrics.py; gunicorn.conf.py marks the files of a worker that ended).
METRICS_DIR="$(mktemp -d -t kto-metrics.XXXXXX)"
PROMETHEUS_MULTIPROC_DIR="$METRICS_DIR" "$BIN/gunicorn" --workers "$WEB_WORKERS" \
  --bind "$HOST:$PORT" --graceful-timeout 2 --no-control-socket \
  --access-logfile - 'app:create_app()' &
web=$!

stop_all() {
  trap '' INT TERM
  # gunicorn finishes the requests in flight; a report build cut short by Huey leaves the
  # stored report as it was, and the missed task runs at the next start.
  # Each job is its own process group (set -m), so the group signal also reaches gunicorn's
  # workers. A process still there after 5 s is killed, so Ctrl-C never hangs.
  local pid left
  for pid in "$web" "$site" "$worker"; do kill -TERM -- "-$pid" 2>/dev/null; done
  for _ in $(seq 50); do
    left=0
    for pid in "$web" "$site" "$worker"; do kill -0 "$pid" 2>/dev/null && left=1; done
    [ "$left" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "$web" "$site" "$worker"; do kill -KILL -- "-$pid" 2>/dev/null; done
  wait "$web" "$site" "$worker" 2>/dev/null
  rm -rf "$METRICS_DIR"
}

trap 'stop_all; echo "  Stopped."; exit 0' INT TERM
wait -n "$web" "$site" "$worker"
status=$?
echo "  A process ended by itself (exit status $status); stopping the others." >&2
stop_all
exit "$(( status == 0 ? 1 : status ))"
