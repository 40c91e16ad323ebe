# Two commands: `make run` serves the marketplace with embedded defaults and demo data;
# `make test` installs what the tests need and runs the whole suite on SQLite and PostgreSQL,
# then the browser tests in Chromium.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed
# `make run`'s ports, so a second copy can run beside the first: PORT=5001 STRIPE_PORT=8421 make run
PORT ?= 5000
STRIPE_PORT ?= 8420
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test deps system-deps translations translations-update test-sqlite test-postgresql test-e2e lint format \
	bench mutate clean

# The development venv: production's requirements.lock plus the tools of requirements-dev.lock
# (production installs requirements.lock alone).
$(STAMP): requirements.lock requirements-dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $(STAMP)

deps: $(STAMP) translations

translations: $(STAMP)
	@$(VENV)/bin/pybabel compile -d market/translations >/dev/null 2>&1

# After adding or changing messages: extract them (the template is generated, never tracked) and
# merge them into the Chinese catalog, whose new entries then need their translation.
translations-update: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k _l -k lazy_gettext -o instance/messages.pot .
	$(VENV)/bin/pybabel update -i instance/messages.pot -d market/translations --ignore-obsolete

run: deps
	$(FLASK) db upgrade
	$(FLASK) policy record
	$(FLASK) seed demo
	$(FLASK) search reindex
	$(FLASK) calendar import
	@trap 'kill 0' EXIT INT TERM; \
	  export STRIPE_API_BASE="$${STRIPE_API_BASE:-http://127.0.0.1:$(STRIPE_PORT)}"; \
	  $(VENV)/bin/localstripe --port $(STRIPE_PORT) >instance/localstripe.log 2>&1 & \
	  $(FLASK) payments local-webhook "http://127.0.0.1:$(PORT)/stripe/webhook" >>instance/localstripe.log 2>&1 & \
	  $(FLASK) scheduler run >instance/scheduler.log 2>&1 & \
	  echo "Marketplace on http://127.0.0.1:$(PORT) (logins in README.md; Ctrl-C stops all three processes)"; \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Debian packages the tests need: PostgreSQL (only where its binaries are missing), Chromium and
# CJK fonts for the browser tests.
system-deps:
	@missing=""; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  test -x /usr/bin/chromium || missing="$$missing chromium"; \
	  test -d /usr/share/fonts/opentype/noto || missing="$$missing fonts-noto-cjk"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  fi

test: system-deps deps
	@status=0; summary=""; \
	  for phase in sqlite postgresql e2e; do \
	    start=$$(date +%s%N); \
	    $(MAKE) --no-print-directory test-$$phase || status=1; \
	    ms=$$(( ($$(date +%s%N) - start) / 1000000 )); \
	    summary="$$summary\n  $$phase: $$((ms / 1000)).$$(( (ms % 1000) / 100 )) s"; \
	  done; \
	  printf "make test phases:$$summary\n"; exit $$status

# Spread over every core (pytest-xdist): each worker builds its own app, and on PostgreSQL starts
# its own throw-away server, so workers share nothing. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

test-sqlite: deps
	TEST_DATABASE=sqlite $(PY) -m pytest -q -n $(PYTEST_WORKERS) --ignore=tests/e2e

test-postgresql: deps
	TEST_DATABASE=postgresql $(PY) -m pytest -q -n $(PYTEST_WORKERS) --ignore=tests/e2e

test-e2e: deps
	TEST_DATABASE=sqlite $(PY) -m pytest -q tests/e2e

# Ruff's rules (pyproject.toml) and its formatter, checked: zero findings before every commit.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: deps
	$(PY) -m bench

# Mutation testing of the rules (docs/testing.md), not part of `make test` nor CI: mutmut mutates
# the deciding modules ([tool.mutmut] in pyproject.toml) and runs, on SQLite, the tests that reach
# each mutant. Bounded in time; mutmut keeps every verdict in mutants/, so running it again
# continues. MUTATE_MODULES restricts it to the mutants whose name matches a glob, e.g.
# `make mutate MUTATE_MODULES='bidding.selection*' MUTATE_MINUTES=20`. Ends with the score per module.
MUTATE_MINUTES ?= 60
MUTATE_MODULES ?=
MUTATE_CHILDREN ?= 2
mutate: deps
	@set -f; names=""; \
	  if [ -n "$(MUTATE_MODULES)" ]; then names=$$($(PY) -m tools.mutation pending '$(MUTATE_MODULES)'); fi; \
	  if [ -n "$(MUTATE_MODULES)" ] && [ -z "$$names" ]; then \
	    echo "Every mutant matching $(MUTATE_MODULES) has its verdict."; \
	  else \
	    TEST_DATABASE=sqlite timeout -s INT $(MUTATE_MINUTES)m \
	      $(VENV)/bin/mutmut run --max-children $(MUTATE_CHILDREN) $$names; \
	    [ $$? -ne 124 ] || echo "Stopped after $(MUTATE_MINUTES) minutes: \`make mutate\` again continues."; \
	  fi; \
	  $(PY) -m tools.mutation score

clean:
	rm -rf $(VENV) instance/market.db* mutants
