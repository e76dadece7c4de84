# Two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
export FLASK_APP := app:create_app
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres install install-dev translations migrate demo lint bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime: $(VENV)/bin/activate requirements.txt requirements.lock
	$(PY) -m pip install -q -r requirements.txt -c requirements.lock
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt -c requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.runtime translations
install-dev: $(VENV)/.dev translations node_modules/.installed
	scripts/system-deps.sh

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d survey/translations

migrate: install
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask kto demo --if-empty

run: demo
	@echo ""
	@echo "  KTO platform:      http://127.0.0.1:$(PORT)/"
	@echo "  API description:   http://127.0.0.1:$(PORT)/api/v1/openapi.json"
	@echo "  Health:            http://127.0.0.1:$(PORT)/healthz"
	@echo ""
	@trap 'kill 0' EXIT INT TERM; \
	$(PY) -m survey.worker & \
	$(BIN)/gunicorn --workers 4 --bind 127.0.0.1:$(PORT) --access-logfile - 'app:create_app()'

test: install-dev lint test-sqlite test-postgres

lint: $(VENV)/.dev
	$(BIN)/ruff check .

test-sqlite: install-dev
	@echo "== Test suite on SQLite =="
	$(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: install-dev
	@echo "== Test suite on PostgreSQL =="
	scripts/with-postgres.sh $(BIN)/pytest -q $(PYTEST_ARGS)

bench: install-dev
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
