# Two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
export FLASK_APP := app:create_app
# `make run` is a developer's machine: generated secret, plain http (docs/OPERATIONS.md).
export KTO_ENV ?= development
PORT ?= 8000
DEMO_PORT ?= 8001
PYTEST_ARGS ?=

.PHONY: js widget kiosk-js scale-demo run test test-sqlite test-postgres install install-dev translations messages migrate demo lint bench clean

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

# Fixed texts are gettext messages with English msgids; survey/translations/nl translates them.
# `make messages` extracts them from the code and templates and merges them into every
# catalogue (then fill in the Dutch msgstr); `make translations` compiles the .mo files
# (the app also compiles a missing or outdated one at start-up).
BABEL_KEYWORDS := -k _l -k lazy_gettext -k '_lp:1c,2' -k 'lazy_pgettext:1c,2'
messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-wrap --no-location --sort-output \
	  -o survey/translations/messages.pot .
	$(BIN)/pybabel update -i survey/translations/messages.pot -d survey/translations \
	  --no-wrap --ignore-obsolete --no-fuzzy-matching

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d survey/translations

migrate: install
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask kto demo --if-empty

# The platform, the task worker and the demo website until Ctrl-C (see scripts/run.sh);
# PORT and DEMO_PORT move every address, PUBLIC_URL included.
run: migrate
	@PORT=$(PORT) DEMO_PORT=$(DEMO_PORT) VENV=$(VENV) scripts/run.sh

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
	$(PY) bench/widget.py

# nginx, two gunicorn instances, PostgreSQL, Redis and two Huey workers on this machine, the load
# harness through nginx and the scheduled report with two workers up (docs/RELIABILITY.md).
# SCALE_ARGS="--responses 2000" for a shorter run; SCALE_ARGS="--single" for the comparison.
SCALE_ARGS ?=
scale-demo: install-dev
	VENV=$(VENV) scripts/scale-demo.sh $(SCALE_ARGS)

# Browser code built from readable sources; both builds inline the shared question flow
# (static/js/flow.js, the show-if rule once for the browser). Tests check the built files are
# made from the current sources: run `make js` after editing any of them.
TERSER ?= node_modules/.bin/terser
js: widget kiosk-js

# The shipped website widget: the source with flow.js inlined, minified. A test rebuilds it and
# compares, so the shipped file cannot drift from its sources.
WIDGET_BANNER := /*! KTO widget v1: make widget */
TERSER_OPTIONS := --compress passes=3,unsafe_arrows=true,pure_getters=true --mangle --ecma 2017
widget: node_modules/.installed
	{ echo '$(WIDGET_BANNER)'; $(PYTHON) scripts/inline_js.py static/widget/v1.src.js \
	  | $(TERSER) $(TERSER_OPTIONS); } > static/widget/v1.js

# The kiosk's script stays readable: its source with flow.js inlined.
kiosk-js:
	{ echo "/* Built by \`make js\` from kiosk/static/kiosk.src.js and static/js/flow.js: edit those. */"; \
	  $(PYTHON) scripts/inline_js.py kiosk/static/kiosk.src.js; } > kiosk/static/kiosk.js
