# The two promised commands: `make run` opens the app, `make test` runs the tests.
# Each creates or updates .venv and installs what it needs first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ifeq ($(OS),Windows_NT)
BIN := $(VENV)/Scripts
endif
PY := $(BIN)/python
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint bench check-system venv clean help

help:
	@echo "make run    open Compassion Companion"
	@echo "make test   run the test suite (lint, types, tests)"
	@echo "make bench  run the benchmarks (not part of make test)"
	@echo "make lint   ruff and mypy only"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(STAMP_TEST): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,dev]'
	@touch $@ $(STAMP_RUN)

check-system:
	@sh packaging/check-system-libs.sh

run: check-system $(STAMP_RUN)
	$(PY) -m app

lint: $(STAMP_TEST)
	$(BIN)/ruff check app tests packaging
	$(BIN)/mypy

test: check-system $(STAMP_TEST) lint
	QT_QPA_PLATFORM=offscreen SDL_AUDIODRIVER=dummy $(BIN)/pytest

bench: check-system $(STAMP_TEST)
	@set -e; for bench in tests/benchmarks/bench_*.py; do echo "== $$bench"; $(PY) $$bench; done

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
