#!/usr/bin/env bash
# make run: start both servers; chat in this terminal if there is one,
# otherwise keep serving until stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR=${ATENDE_VAR_DIR:-var}/run
stop() {
  for f in "$RUN_DIR"/rasa-"${ATENDE_RASA_PORT:-5005}".pid "$RUN_DIR"/actions-"${ATENDE_ACTIONS_PORT:-5055}".pid \
      "$RUN_DIR"/smtp.pid "$RUN_DIR"/outbox.pid "$RUN_DIR"/painel-"${ATENDE_PAINEL_PORT:-5080}".pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}
trap stop EXIT
# The terminal chat talks to the bot through the REST channel, which is off unless enabled (loopback only).
export ATENDE_REST_ENABLED=${ATENDE_REST_ENABLED:-1}
# One demo agent per inbox worked in the console; passwords are generated here and shown only when created.
.venv/bin/atende agentes demo
ATENDE_WITH_MAIL=1 ATENDE_WITH_PAINEL=1 scripts/serve.sh
echo "E-mails dos chamados: ${ATENDE_VAR_DIR:-var}/mail/*.eml (servidor SMTP local em 127.0.0.1:${ATENDE_SMTP_DEV_PORT:-8025})."
if [ -t 0 ] && [ -t 1 ]; then
  .venv/bin/atende chat
else
  echo "Sem terminal: servindo até ser interrompido (webhook REST em /webhooks/rest/webhook)."
  # serve.sh started the servers; stay up as long as they do.
  while kill -0 "$(cat "$RUN_DIR"/rasa-"${ATENDE_RASA_PORT:-5005}".pid)" 2>/dev/null; do sleep 5; done
fi
