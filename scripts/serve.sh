#!/usr/bin/env bash
# Start the action server and the Rasa server in the background and wait
# until both answer. Prints their PIDs to var/run/*.pid; logs go to var/log/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
RASA_PORT=${ATENDE_RASA_PORT:-5005}
ACTIONS_PORT=${ATENDE_ACTIONS_PORT:-5055}
MODEL=${ATENDE_MODEL:-models/atende.tar.gz}
LOG_DIR=${ATENDE_LOG_DIR:-var/log}
mkdir -p "$LOG_DIR" var/run
export ATENDE_ACTIONS_PORT=$ACTIONS_PORT

# A broken routing rules file stops here, with its line and reason, not at the first ticket.
$BIN/atende rules check >/dev/null

# The HTTP API lets an agent hand a paused conversation back (atende handoff devolver).
if [ -z "${ATENDE_RASA_TOKEN:-}" ]; then
  [ -s var/run/rasa-token ] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > var/run/rasa-token)
  ATENDE_RASA_TOKEN=$(cat var/run/rasa-token)
fi

if [ "${ATENDE_WITH_MAIL:-0}" = 1 ]; then
  # Local SMTP server (mail readable under var/mail) and the outbox worker that delivers ticket e-mails.
  $BIN/atende smtp-dev >"$LOG_DIR/smtp.log" 2>&1 &
  echo $! > var/run/smtp.pid
  $BIN/atende outbox worker >"$LOG_DIR/outbox.log" 2>&1 &
  echo $! > var/run/outbox.pid
fi

$BIN/rasa run actions --actions actions --port "$ACTIONS_PORT" >"$LOG_DIR/actions.log" 2>&1 &
echo $! > "var/run/actions-$ACTIONS_PORT.pid"
# bot.server is `rasa` with bot/speedups.py applied; ATENDE_RASA_PLAIN=1 runs the unmodified one (benchmarks).
RASA_CMD=("$BIN/python" -m bot.server)
[ "${ATENDE_RASA_PLAIN:-0}" = 1 ] && RASA_CMD=("$BIN/rasa")
"${RASA_CMD[@]}" run --model "$MODEL" --port "$RASA_PORT" --interface 127.0.0.1 \
  --enable-api --auth-token "$ATENDE_RASA_TOKEN" \
  --endpoints endpoints.yml --credentials credentials.yml >"$LOG_DIR/rasa.log" 2>&1 &
echo $! > "var/run/rasa-$RASA_PORT.pid"

wait_for() { # url name pidfile
  for _ in $(seq 1 240); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$3")" 2>/dev/null; then
      echo "O $2 parou ao iniciar; veja $LOG_DIR" >&2; tail -20 "$LOG_DIR"/*.log >&2; return 1
    fi
    sleep 0.5
  done
  echo "O $2 não respondeu em 120 s; veja $LOG_DIR" >&2; return 1
}
wait_for "http://127.0.0.1:$ACTIONS_PORT/health" "servidor de ações" "var/run/actions-$ACTIONS_PORT.pid"
wait_for "http://127.0.0.1:$RASA_PORT/" "servidor Rasa" "var/run/rasa-$RASA_PORT.pid"
echo "Servidores prontos: Rasa em http://127.0.0.1:$RASA_PORT, ações em http://127.0.0.1:$ACTIONS_PORT"
