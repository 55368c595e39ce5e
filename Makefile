# Kezek: `make run` sets everything up and runs the demo office; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_DB := var/demo.db

.PHONY: setup run run-region test test-fast test-pg bench system-packages clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: setup
	@mkdir -p var
	@$(PY) server.py init-db --db $(DEMO_DB) >/dev/null   # a demo database from an older Kezek is upgraded
	@$(PY) server.py demo --db $(DEMO_DB) --if-empty --credentials var/demo-credentials.txt >/dev/null
	@$(PY) server.py addresses --db $(DEMO_DB) --base http://$(HOST):$(PORT) --credentials var/demo-credentials.txt
	@$(PY) server.py run --db $(DEMO_DB) --host $(HOST) --port $(PORT) --access-log var/access.log

# A demo region: PostgreSQL, Redis, two server processes and HAProxy on this machine (deploy/run-region.sh).
run-region: setup
	@bash deploy/run-region.sh

# System packages the tests need (Chromium, fonts, espeak-ng): installed when root, else named.
system-packages:
	@missing=$$(for p in $$(grep -v '^#' .ci/packages.txt); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "The tests need these Debian packages. Run:"; echo "  sudo apt-get install $$missing"; exit 1; \
	  fi; \
	fi

# Every test on SQLite, then every test file not in tests/not_on_postgresql.txt (not e2e, not slow) on
# PostgreSQL: a throwaway cluster the tests start themselves (tests/pg_cluster.py); and the region's
# live drills (several processes, Redis, HAProxy) on PostgreSQL too.
PG_SKIP = $(shell grep -o '^tests/[^ ]*' tests/not_on_postgresql.txt)
PG_TESTS = $(filter-out $(PG_SKIP),$(sort $(wildcard tests/test_*.py)))

test: setup system-packages
	$(PY) -m pytest --durations=25
	KEZEK_TEST_STORE=postgresql $(PY) -m pytest --durations=25 -m "not e2e and not slow" $(PG_TESTS)
	KEZEK_TEST_STORE=postgresql $(PY) -m pytest --durations=25 tests/test_region_live.py

test-pg: setup system-packages
	KEZEK_TEST_STORE=postgresql $(PY) -m pytest --durations=25 -m "not e2e and not slow" $(PG_TESTS)

test-fast: setup
	$(PY) -m pytest --durations=25 -m "not e2e and not slow"

bench: setup system-packages
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
