#!/usr/bin/env bash
# Start the action server and the Rasa server in the background and wait
# until both answer. Prints their PIDs to $ATENDE_VAR_DIR/run/*.pid; logs go to $ATENDE_VAR_DIR/log/
# (ATENDE_VAR_DIR is var/ unless the environment says otherwise: the tests give each server its own).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
RASA_PORT=${ATENDE_RASA_PORT:-5005}
ACTIONS_PORT=${ATENDE_ACTIONS_PORT:-5055}
MODEL=${ATENDE_MODEL:-models/atende.tar.gz}
VAR_DIR=${ATENDE_VAR_DIR:-var}
RUN_DIR=$VAR_DIR/run
LOG_DIR=${ATENDE_LOG_DIR:-$VAR_DIR/log}
# Logs, secrets and the SQLite file hold personal data or keys: readable by this user only.
umask 077
mkdir -p "$LOG_DIR" "$RUN_DIR"
export ATENDE_ACTIONS_PORT=$ACTIONS_PORT

# A broken routing rules file stops here, with its line and reason, not at the first ticket.
$BIN/atende rules check >/dev/null

# Secrets between our own processes, generated once per machine into $RUN_DIR (0600) unless the environment
# gives them: the Rasa HTTP API token (agents hand conversations back), the token the Rasa server shows the
# action server, and the key that signs verified identities (only the action server holds it).
# They travel by environment, never on a command line that `ps` shows.
secret() { # variable file
  if [ -z "${!1:-}" ]; then
    [ -s "$2" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$2"
    printf -v "$1" '%s' "$(cat "$2")"
  fi
  export "${1?}"
}
secret ATENDE_RASA_TOKEN "$RUN_DIR/rasa-token"
secret ATENDE_ACTIONS_TOKEN "$RUN_DIR/actions-token"
secret ATENDE_IDENTITY_KEY "$RUN_DIR/identity-key"
chmod 700 "$VAR_DIR" "$RUN_DIR" "$LOG_DIR" 2>/dev/null || true

# Each start keeps the previous logs (name.log.1 ... name.log.5) instead of wiping them.
rotate() { # name
  local f="$LOG_DIR/$1.log" n
  [ -s "$f" ] || return 0
  for n in 4 3 2 1; do [ -f "$f.$n" ] && mv -f "$f.$n" "$f.$((n + 1))"; done
  mv -f "$f" "$f.1"
}
for name in smtp outbox actions rasa painel; do rotate "$name"; done

if [ "${ATENDE_WITH_MAIL:-0}" = 1 ]; then
  # Local SMTP server (mail readable under $VAR_DIR/mail) and the outbox worker that delivers ticket e-mails.
  $BIN/atende smtp-dev >"$LOG_DIR/smtp.log" 2>&1 &
  echo $! > "$RUN_DIR/smtp.pid"
  $BIN/atende outbox worker >"$LOG_DIR/outbox.log" 2>&1 &
  echo $! > "$RUN_DIR/outbox.pid"
fi

# ATENDE_SERVE_ONLY=rasa starts one more Rasa replica beside an action server that already runs (docs/escala.md);
# ATENDE_SERVE_ONLY=actions starts the action server again beside Rasa servers that still run (after a crash).
ONLY=${ATENDE_SERVE_ONLY:-}
if [ "$ONLY" != rasa ]; then
  $BIN/atende actions >"$LOG_DIR/actions.log" 2>&1 &
  echo $! > "$RUN_DIR/actions-$ACTIONS_PORT.pid"
fi
# bot.server is `rasa` with bot/speedups.py applied; ATENDE_RASA_PLAIN=1 runs the unmodified one (benchmarks).
RASA_CMD=("$BIN/python" -m bot.server)
[ "${ATENDE_RASA_PLAIN:-0}" = 1 ] && RASA_CMD=("$BIN/rasa")
# The identity key stays out of the Rasa server's environment; bot.server reads the API token from
# ATENDE_RASA_TOKEN (the plain `rasa` of the benchmarks only takes it as an argument).
RASA_ARGS=(run --model "$MODEL" --port "$RASA_PORT" --interface 127.0.0.1 --enable-api
  --endpoints endpoints.yml --credentials credentials.yml)
[ "${ATENDE_RASA_PLAIN:-0}" = 1 ] && RASA_ARGS+=(--auth-token "$ATENDE_RASA_TOKEN")
if [ "$ONLY" != actions ]; then
  env -u ATENDE_IDENTITY_KEY "${RASA_CMD[@]}" "${RASA_ARGS[@]}" >"$LOG_DIR/rasa.log" 2>&1 &
  echo $! > "$RUN_DIR/rasa-$RASA_PORT.pid"
fi

# The agents' console (issue 10, docs/painel.md), when asked for: make run asks.
PAINEL_PORT=${ATENDE_PAINEL_PORT:-5080}
if [ "${ATENDE_WITH_PAINEL:-0}" = 1 ] && [ -z "$ONLY" ]; then
  ATENDE_RASA_URL=${ATENDE_RASA_URL:-http://127.0.0.1:$RASA_PORT} env -u ATENDE_IDENTITY_KEY \
    $BIN/atende painel --port "$PAINEL_PORT" >"$LOG_DIR/painel.log" 2>&1 &
  echo $! > "$RUN_DIR/painel-$PAINEL_PORT.pid"
fi

wait_for() { # url name pidfile
  local i
  for i in $(seq 1 240); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    # Loading the model takes a while on a small machine: say what is awaited, every 5 s.
    (( i % 10 == 0 )) && echo "Aguardando o $2 ($1)... $((i / 2)) s" >&2
    if ! kill -0 "$(cat "$3")" 2>/dev/null; then
      echo "O $2 parou ao iniciar; veja $LOG_DIR" >&2; tail -n 20 "$LOG_DIR"/*.log >&2; return 1
    fi
    sleep 0.5
  done
  echo "O $2 não respondeu em 120 s; veja $LOG_DIR" >&2; return 1
}
[ "$ONLY" = rasa ] || wait_for "http://127.0.0.1:$ACTIONS_PORT/health" "servidor de ações" "$RUN_DIR/actions-$ACTIONS_PORT.pid"
[ "$ONLY" = actions ] || wait_for "http://127.0.0.1:$RASA_PORT/" "servidor Rasa" "$RUN_DIR/rasa-$RASA_PORT.pid"
echo "Servidores prontos: Rasa em http://127.0.0.1:$RASA_PORT, ações em http://127.0.0.1:$ACTIONS_PORT"
if [ "${ATENDE_WITH_PAINEL:-0}" = 1 ] && [ -z "$ONLY" ]; then
  wait_for "http://127.0.0.1:$PAINEL_PORT/health" "painel dos atendentes" "$RUN_DIR/painel-$PAINEL_PORT.pid"
  echo "Painel dos atendentes: http://127.0.0.1:$PAINEL_PORT/"
fi
