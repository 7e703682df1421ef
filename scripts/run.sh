#!/usr/bin/env bash
# make run: start both servers; chat in this terminal if there is one,
# otherwise keep serving until stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
stop() {
  for f in var/run/rasa-"${ATENDE_RASA_PORT:-5005}".pid var/run/actions-"${ATENDE_ACTIONS_PORT:-5055}".pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}
trap stop EXIT
scripts/serve.sh
if [ -t 0 ] && [ -t 1 ]; then
  .venv/bin/atende chat
else
  echo "Sem terminal: servindo até ser interrompido (webhook REST em /webhooks/rest/webhook)."
  # serve.sh started the servers; stay up as long as they do.
  while kill -0 "$(cat var/run/rasa-"${ATENDE_RASA_PORT:-5005}".pid)" 2>/dev/null; do sleep 5; done
fi
