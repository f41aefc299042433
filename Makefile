# The two commands a newcomer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test e2e lint check bench-engine clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(STAMP)

## Set up everything and serve the demo at http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/kaohe demo --serve

## Install dev dependencies and run the whole suite (browser tests skip when Chromium is absent)
test: $(DEVSTAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

## Browser tests only, in real Chromium
e2e: $(DEVSTAMP)
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

lint: $(DEVSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

bench-engine: $(STAMP)
	$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) var/*.sqlite3*
