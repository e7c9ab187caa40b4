# Two commands for a fresh machine (see README):
#   make run   installs everything, builds the sample warehouse on first run, starts the app
#   make test  installs everything (Debian's chromium included) and runs the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8501

.PHONY: run test install browser data build sample bench clean

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# First run: write the sample submissions into data/raw/ (once), then (re)build the warehouse.
data: install
	@ls data/raw/*/*/*.json >/dev/null 2>&1 || $(PY) -m etl sample
	$(PY) -m etl build

run: data
	$(PY) -m dashboard.serve --server.port $(PORT) --server.headless true

test: install browser
	$(PY) -m pytest -q

bench: install browser
	$(PY) -m bench

clean:
	rm -rf data/warehouse/*.duckdb* tests/artifacts/*.png
