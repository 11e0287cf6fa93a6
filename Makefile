# Quick start: `make run` (installs and runs the bot), `make test` (installs and runs the checks).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip

.PHONY: run test lint check install install-dev bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(PY)
	$(PIP) install --quiet -e .

install-dev: $(PY)
	$(PIP) install --quiet -e '.[dev]'

run: install
	$(PY) -m bot run

check: install
	$(PY) -m bot check

lint: install-dev
	$(VENV)/bin/ruff check .

test: install-dev
	$(VENV)/bin/ruff check .
	$(PY) -m bot check
	$(PY) -m pytest -q

bench: install
	$(PY) bench/broadcast.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
