# Atende: two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
BIN       := $(VENV)/bin
PY        := $(BIN)/python
STAMP     := $(VENV)/.installed
MODEL     := models/atende.tar.gz
SPACY_PT  := models/spacy_pt-2/meta.json
TRAIN_DATA := config.yml domain.yml $(wildcard data/nlu/*.yml data/nlu/*/*.yml data/dialogue/*.yml) $(wildcard bot/nlu/*.py)

export ATENDE_RASA_PORT    ?= 5005
export ATENDE_ACTIONS_PORT ?= 5055
# TensorFlow's start-up chatter is noise for a chat in a terminal.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install model db run test eval bench mutation lint clean

help:
	@echo "make run   - instala, prepara o banco, treina e abre o chat com o bot"
	@echo "make test  - tudo o que a CI verifica"
	@echo "make eval  - qualidade do NLU no conjunto de avaliação separado"
	@echo "make bench - latência e vazão do webhook REST (docs/benchmarks.md)"
	@echo "make mutation - escore de mutação dos módulos centrais (docs/mutacao.md)"

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $$(scripts/find-python.sh) -m venv $(VENV)
	@echo "Instalando as dependências fixadas em requirements.lock (alguns minutos na primeira vez)..."
	$(BIN)/pip install --progress-bar on -r requirements.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	@touch $@

install: $(STAMP)

$(SPACY_PT): $(STAMP) scripts/build_spacy_pt.py scripts/abreviacoes.yml
	$(PY) scripts/build_spacy_pt.py models/spacy_pt-2

# Rasa's training cache fingerprints the spaCy pipeline by its path and the training data by its text, so a
# change to the lemmas (scripts/abreviacoes.yml, bot/nlu/folding.py) would restore stale components from it;
# a full training takes about a minute, so the cache is off.
export RASA_MAX_CACHE_SIZE ?= 0
$(MODEL): $(STAMP) $(SPACY_PT) $(TRAIN_DATA)
	$(BIN)/rasa train --config config.yml --domain domain.yml --data data/nlu data/dialogue \
		--out models --fixed-model-name atende
	@touch $@

model: $(MODEL)

db: $(STAMP)
	$(BIN)/atende db migrate
	$(BIN)/atende db seed-demo

run: $(MODEL) db
	scripts/run.sh

test: $(MODEL)
	scripts/test.sh

eval: $(MODEL)
	$(PY) -m tools.evaluate --model $(MODEL)

bench: $(MODEL)
	$(PY) -m tools.bench
	$(PY) -m tools.bench_parse

# Not part of make test: about an hour and a half on 2 cores (docs/mutacao.md says how long each module took).
mutation: $(MODEL)
	$(BIN)/pip install -q -r requirements-mutation.lock
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(PY) -m tools.mutation_report --write docs/mutacao.md

lint: $(STAMP)
	$(BIN)/ruff check bot actions routing tests scripts tools

clean:
	rm -rf models results mutants var/*.db
