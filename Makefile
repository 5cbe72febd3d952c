# Rust Tracker: the README's commands. `make run` to see it, `make test` to check it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
LOCAL_ENV ?= .env
MANAGE := $(PY) manage.py
# Python 3.12+: python3.12 on PATH, else pyenv's, else any python3 that is new enough.
PYTHON312 ?= $(shell for p in python3.12 python3.13 $(wildcard /root/.pyenv/versions/3.12*/bin/python3.12) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p || echo $$p; } && break; done)
DEMO := demo/rust_case.jsonl
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# make test runs the suite in parallel (pytest-xdist), one worker per core up to 4: 2 on CI's.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n > 4 ? 4 : n )))
# make serve: gunicorn workers for the cores (2 per core + 1), each with threads for the time
# a request waits on PostgreSQL.
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
THREADS ?= 2
SERVE_SECRET := var/serve-secret
# make bench: N claims in a database of their own on a PostgreSQL server (not the embedded one).
CLAIMS ?= 100000
BENCH_ARGS ?=

.PHONY: help install run serve demo test test-plans test-slow lint format check bench bench-import bench-quotes bench-text wrk browser-deps scan chaos replicas nginx backup restore clean

help:
	@echo "make run          set up everything and serve the Rust case on http://$(HOST):$(PORT)"
	@echo "make serve        the production stack (gunicorn, whitenoise, debug off) on http://$(HOST):$(PORT)"
	@echo "make test         install test dependencies and run the whole suite"
	@echo "make test-plans   the public queries' plans at 30k claims (CI runs them)"
	@echo "make test-slow    the minutes-long walks and the plans (CI's second pass)"
	@echo "make lint         ruff, migrations check"
	@echo "make bench        $(CLAIMS) synthetic claims served by make serve and measured with wrk (CLAIMS=N)"
	@echo "make bench-import the import in both orders, grouped and case by case (IMPORT_CLAIMS=N)"
	@echo "make bench-quotes quote extraction and location benchmark"
	@echo "make bench-text   text algorithms on hostile input, against their goals"
	@echo "make replicas     the docker-compose topology run locally (primary + read replica, Redis, 3 web, nginx), checked"
	@echo "make scan         wapiti3 against a local production server (report in var/scan/)"
	@echo "make chaos        PostgreSQL restarted under load, an import killed half way"
	@echo "make backup       pg_dump + JSONL export into var/backups/<stamp>/ (BACKUP_DIR=...)"
	@echo "make restore      FROM=var/backups/<stamp> into the configured database (FORCE=1 to replace;"
	@echo "                  JSONL=1: its records.jsonl, into another version of the app)"

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON312)" || { echo "Python 3.12 or newer is needed (python3.12 not found)."; exit 1; }
	@test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[test]"
	@touch $@

# This laptop's .env (git-ignored, never on a server): a generated secret, localhost as the
# allowed hosts and the site URL, what production settings need, so the README's manage.py
# commands work as written after any make target. Never DJANGO_DEBUG: debug comes from the
# environment only (`make run` exports it), so a server started in this checkout (cron, systemd)
# stays in production. Written once, checked at every install (a debug line an earlier version
# wrote is removed); `make run` sets its site URL to the address served.
install: $(VENV)/.installed
	@$(PY) -m rust_tracker.localenv --path "$(LOCAL_ENV)" --default-site-url "http://$(HOST):$(PORT)"

# Local-only conveniences: debug on, a printed admin password; each run sets the .env's site URL
# to the address served: `make run PORT=8001`.
run: export DJANGO_DEBUG = true
run: export DJANGO_SITE_URL ?= http://$(HOST):$(PORT)
# The demo's identity (a newsroom sets its own: README, "Settings").
run: export DJANGO_SITE_NAME ?= Rust Tracker
run: export DJANGO_SITE_SEARCH_HINT ?= e.g. trigger, cold gun, Baldwin
run: install
	$(PY) -m rust_tracker.localenv --site-url "$$DJANGO_SITE_URL" --path "$(LOCAL_ENV)"
	$(MANAGE) migrate --noinput
	$(MANAGE) import_jsonl $(DEMO)
	$(MANAGE) create_local_admin
	@# a background worker beside the server (the watch, repeats: manage.py tasks_worker),
	@# stopped with it
	$(MANAGE) tasks_worker -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# Chromium from Debian for the browser tests, and axe-core from npm.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Chromium from Debian for the browser tests..."; \
		( (apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
		   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends chromium >/dev/null 2>&1)) \
		  || echo "Could not install chromium: browser tests will be skipped (they fail in CI)." ); }
	@test -f node_modules/axe-core/axe.min.js || npm install --no-audit --no-fund --silent >/dev/null 2>&1 || \
		echo "Could not install axe-core from npm: accessibility checks will be skipped (they fail in CI)."

# The production stack on this laptop, with a background worker (manage.py tasks_worker, stopped
# with the server): debug off, compressed and hashed static files served by
# whitenoise, gunicorn with 2 workers per core + 1 (threaded). The secret is generated once into
# var/serve-secret (this laptop only) unless DJANGO_SECRET_KEY is set. Plain HTTP here, so it
# runs as behind a TLS proxy (DJANGO_BEHIND_TLS_PROXY: no HTTPS redirect; README, Settings).
serve: export DJANGO_DEBUG = false
serve: export DJANGO_STATIC_MANIFEST = true
serve: export DJANGO_ALLOWED_HOSTS ?= localhost,127.0.0.1,[::1]
serve: export DJANGO_SITE_URL ?= http://$(HOST):$(PORT)
serve: export DJANGO_BEHIND_TLS_PROXY ?= true
serve: install
	@mkdir -p var
	@test -n "$$DJANGO_SECRET_KEY" || test -s $(SERVE_SECRET) || \
		(umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(SERVE_SECRET))
	export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(SERVE_SECRET))}" && \
	$(MANAGE) migrate --noinput -v0 && \
	$(MANAGE) collectstatic --noinput --clear -v0 && \
	{ $(MANAGE) tasks_worker -v0 & worker=$$!; \
	  $(VENV)/bin/gunicorn rust_tracker.wsgi --bind $(HOST):$(PORT) \
		--workers $(WORKERS) --worker-class gthread --threads $(THREADS) \
		--access-logfile - --error-logfile - --log-level warning & web=$$!; \
	  trap 'kill $$worker $$web 2>/dev/null; wait' EXIT INT TERM; wait $$web; }

test: install browser-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=true $(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The query plans at 30k claims (tests/claims/test_explain_plans.py), left out of `make test`.
test-plans: install
	$(PY) -m pytest -m explain $(PYTEST_ARGS)

# The walks that take minutes each (every public output, a restore's every page, the reporter's
# permission walk, the curation walk in a browser) and the query plans: CI's second pass.
test-slow: install browser-deps
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "slow or explain" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=true $(MANAGE) makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# wrk from Debian when missing.
wrk:
	@command -v wrk >/dev/null 2>&1 || apt-get install -y --no-install-recommends wrk >/dev/null 2>&1 || \
		(apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends wrk >/dev/null) || \
		{ echo "Could not install wrk (apt-get install wrk)."; exit 1; }

# Scale: CLAIMS synthetic claims (default 100k; CLAIMS=1000000 is the goal), imported, served by
# make serve and measured with wrk; writes BENCHMARKS.md. See bench/bench_scale.py --help.
bench: install wrk
	$(PY) bench/bench_scale.py --claims $(CLAIMS) $(BENCH_ARGS)

# The import of the same records grouped by type and written case by case, in turn: both
# figures and their ratio (goal: case by case within 1.2 times grouped).
IMPORT_CLAIMS ?= 20000
bench-import: install
	$(PY) bench/import_orders.py --claims $(IMPORT_CLAIMS) $(IMPORT_ARGS)

bench-quotes: install
	$(PY) bench/bench_quotes.py

# The text algorithms on megabytes of hostile input, beside their goals (the tests only bound them).
bench-text: install
	$(PY) bench/bench_text.py

# The web scanner in its own venv (its pins are not the app's), against scripts/stack.py:
# gunicorn with production settings and a private PostgreSQL loaded with the demo.
SCAN_VENV := .venv-scan
$(SCAN_VENV)/.installed:
	@test -n "$(PYTHON312)" || { echo "Python 3.12 or newer is needed (python3.12 not found)."; exit 1; }
	@test -x $(SCAN_VENV)/bin/python || $(PYTHON312) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SCAN_VENV)/bin/python -m pip install --quiet wapiti3
	@touch $@

scan: install $(SCAN_VENV)/.installed
	bash scripts/scan.sh

# Faults against the same stack (its own PostgreSQL, never the machine's): figures in
# var/chaos/result.json.
chaos: install
	$(PY) scripts/chaos.py

# docker-compose.yml's topology on this machine, without containers (no Docker engine needed):
# PostgreSQL primary + streaming replica, Redis, 3 gunicorn replicas behind nginx, and checks
# (README, "Past one machine"); figures in var/replicas/result.json.
replicas: install nginx
	$(PY) scripts/replicas.py

nginx:
	@command -v nginx >/dev/null 2>&1 || apt-get install -y --no-install-recommends nginx >/dev/null 2>&1 || \
		(apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends nginx >/dev/null) || \
		{ echo "Could not install nginx (apt-get install nginx)."; exit 1; }

# Backups of the database the app uses (DATABASE_URL, or the embedded server): README, "Backups".
backup: install
	$(MANAGE) backup $(if $(BACKUP_DIR),--dir "$(BACKUP_DIR)")

restore: install
	@test -n "$(FROM)" || { echo "Usage: make restore FROM=var/backups/<stamp> [FORCE=1] [JSONL=1]"; exit 2; }
	$(MANAGE) restore "$(FROM)" $(if $(filter 1 true yes,$(FORCE)),--force) $(if $(filter 1 true yes,$(JSONL)),--jsonl)

clean:
	rm -rf $(VENV) $(SCAN_VENV) var node_modules .pytest_cache .ruff_cache .hypothesis test-artifacts
