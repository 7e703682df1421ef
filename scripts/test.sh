#!/usr/bin/env bash
# make test: everything CI checks, in order of cost. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

echo "== ruff"
$BIN/ruff check $(git ls-files -- "*.py")

echo "== rasa data validate"
$BIN/rasa data validate --config config.yml --domain domain.yml --data data/nlu data/dialogue

echo "== PostgreSQL de teste (loopback)"
scripts/pg-test.sh start
ATENDE_TEST_POSTGRES_URL=$(scripts/pg-test.sh url)
export ATENDE_TEST_POSTGRES_URL

echo "== conversas (rasa test)"
rm -rf results/conversations
$BIN/rasa test core --model models/atende.tar.gz --stories tests/conversations \
  --fail-on-prediction-errors --out results/conversations

echo "== NLU: conjunto de avaliação separado"
$BIN/python -m bot.evaluate --model models/atende.tar.gz --out results/nlu

echo "== pytest"
$BIN/python -m pytest -q
