# Two commands for a fresh machine (see README):
#   make run   installs everything, builds the sample warehouse on first run, starts the app
#   make test  installs everything (Debian's chromium and LibreOffice included) and runs the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8501

.PHONY: run test install browser office data build sample bench clean

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The monthly report's PDF (LibreOffice headless converts the .docx; -calc renders the appendix
# workbook in the tests), Liberation Serif with its Vietnamese letters (Times New Roman's metric
# twin), poppler's pdftotext for the tests. About 30 s and 300 MB once.
OFFICE_PKGS := libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2 poppler-utils
office:
	@{ command -v soffice && command -v pdftotext && test -d /usr/share/fonts/truetype/liberation2; } >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $(OFFICE_PKGS) >/dev/null; }

# First run: write the sample submissions into data/raw/ (once), then (re)build the warehouse.
data: install
	@ls data/raw/*/*/*.json >/dev/null 2>&1 || $(PY) -m etl sample
	$(PY) -m etl build

run: data office
	$(PY) -m dashboard.serve --server.port $(PORT) --server.headless true

test: install browser office
	$(PY) -m pytest -q

bench: install browser
	$(PY) -m bench

clean:
	rm -rf data/warehouse/*.duckdb* tests/artifacts/*.png
