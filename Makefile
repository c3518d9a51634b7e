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
STAMP_BUILD := $(VENV)/.installed-build

.PHONY: check-test-tools run test lint bench check-system venv clean help dist dist-baseline audio

help:
	@echo "make run    open Compassion Companion"
	@echo "make test   run the test suite (lint, types, tests)"
	@echo "make bench  run the benchmarks (not part of make test)"
	@echo "make audio  regenerate bells, Me Space narration and captions (not part of make test)"
	@echo "make lint   ruff and mypy only"
	@echo "make dist   build the one-folder bundle and its .tar.gz in dist/"

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

$(STAMP_BUILD): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[build]'
	@touch $@ $(STAMP_RUN)

check-system:
	@sh packaging/check-system-libs.sh

check-test-tools:
	@sh packaging/check-test-tools.sh

run: check-system $(STAMP_RUN)
	$(PY) -m app

lint: $(STAMP_TEST)
	$(BIN)/ruff check app tests packaging
	$(BIN)/mypy

test: check-system check-test-tools $(STAMP_TEST) lint
	QT_QPA_PLATFORM=offscreen SDL_AUDIODRIVER=dummy $(BIN)/pytest

bench: check-system $(STAMP_TEST) $(STAMP_BUILD)
	@set -e; for bench in tests/benchmarks/bench_*.py; do echo "== $$bench"; $(PY) $$bench; done

# Regenerates resources/sounds/bell-*.ogg and resources/audio/me-space.{ogg,vtt}. Needs
# (generation only): apt-get install festival festvox-us-slt-hts vorbis-tools ffmpeg, and a
# venv with numpy; see packaging/make_me_space_audio.py (why this voice, and its licence).
VOICE_VENV ?= /tmp/voice-venv
audio:
	test -x $(VOICE_VENV)/bin/python || python3 -m venv $(VOICE_VENV)
	$(VOICE_VENV)/bin/pip install --quiet numpy
	python3 packaging/make_bells.py
	PYTHONPATH=. $(VOICE_VENV)/bin/python packaging/make_me_space_audio.py

dist: check-system $(STAMP_BUILD)
	$(PY) packaging/make_dist.py

dist-baseline: $(STAMP_BUILD)
	$(PY) packaging/make_dist.py --baseline

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
