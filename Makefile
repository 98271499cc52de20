# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
REGIONS ?= 61.05
HOST ?= 127.0.0.1:8000
# The address to open for runserver's HOST: a bare port (HOST=8080) is served on 127.0.0.1.
SITE_URL = http://$(if $(findstring :,$(HOST)),$(HOST),127.0.0.1:$(HOST))/

.PHONY: run test setup migrate demo messages check bench bench-data bench-load restore-drill clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

setup: $(VENV)/.installed

migrate: setup
	@mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_regions $(REGIONS)
	@# seed_demo prints the login address of the HOST served (make run HOST=0.0.0.0:8080).
	$(PY) manage.py seed_demo --host '$(HOST)'

## Run the app on SQLite (var/koperasi.sqlite3) with Sintang's regions and demo data, and
## the background worker (imports, large exports) beside it; Ctrl-C stops both.
run: demo
	@echo "Koperasi Registry: $(SITE_URL)  (login: $(SITE_URL)accounts/login/; Ctrl-C to stop)"
	@echo "Background worker: manage.py db_worker, log in var/worker.log"
	@$(PY) manage.py db_worker --no-reload >>var/worker.log 2>&1 & worker=$$!; \
	  stop() { kill $$worker 2>/dev/null && wait $$worker; }; \
	  trap 'stop; exit 130' INT TERM; trap stop EXIT; \
	  $(PY) manage.py runserver $(HOST)

## Run the whole test suite (DATABASE_URL picks PostgreSQL; SQLite by default).
test: setup
	@mkdir -p var
	$(PY) -m pytest $(PYTEST_ARGS)

## Rebuild the English catalogue after changing translatable strings.
messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=var
	$(PY) manage.py compilemessages -l en --ignore=.venv

check: setup
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=koperasi_registry.settings.production \
	  SECRET_KEY=check-deploy-only-$(shell date +%s)-0123456789abcdefghijklmnopqrstuvwxyz \
	  ALLOWED_HOSTS=koperasi.example.go.id $(PY) manage.py check --deploy --fail-level WARNING

## Time the pages on PostgreSQL at national scale (README.md, "Benchmarks").
BENCH_DB ?= koperasi_bench
BENCH_PG ?= -h 127.0.0.1 -U postgres
BENCH_COOPERATIVES ?= 200000
BENCH_VISITS ?= 1000000
BENCH_ARGS ?=
BENCH_REGIONS ?= all
BENCH_ENV = DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) OFFICE_REGENCY_CODE=$(BENCH_OFFICE)
BENCH_OFFICE ?=
bench-data: setup
	psql $(BENCH_PG) -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 \
	  || createdb $(BENCH_PG) $(BENCH_DB)
	$(BENCH_ENV) $(PY) manage.py migrate --noinput
	$(BENCH_ENV) $(PY) manage.py generate_scale_data --regions $(BENCH_REGIONS) --cooperatives $(BENCH_COOPERATIVES) --visits $(BENCH_VISITS) --if-empty

## BENCH_LOAD=50 also runs the mixed load (bench-load) with that many clients.
bench: bench-data
	$(BENCH_ENV) $(PY) manage.py benchmark $(BENCH_ARGS)
	@if [ -n "$(BENCH_LOAD)" ]; then $(MAKE) --no-print-directory bench-load BENCH_LOAD_CLIENTS=$(BENCH_LOAD); fi

## Mixed load (README, "Benchmarks"): gunicorn with the production settings on $(BENCH_BIND)
## against the bench database, then `manage.py loadtest` with N clients for S seconds.
BENCH_BIND ?= 127.0.0.1:8100
BENCH_WORKERS ?= 5
BENCH_LOAD_CLIENTS ?= 10
BENCH_LOAD_SECONDS ?= 30
BENCH_LOAD_ARGS ?=
# One random key per make run, shared by gunicorn and the load test's sessions.
BENCH_SECRET := $(shell od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
BENCH_PROD_ENV = DJANGO_SETTINGS_MODULE=koperasi_registry.settings.production SECRET_KEY=$(BENCH_SECRET) \
  STATIC_ROOT=$(CURDIR)/var/bench-static DB_CONN_MAX_AGE=60
bench-load: bench-data
	$(BENCH_ENV) $(BENCH_PROD_ENV) $(PY) manage.py collectstatic --noinput -v0
	@$(BENCH_ENV) $(BENCH_PROD_ENV) $(VENV)/bin/gunicorn koperasi_registry.wsgi --bind $(BENCH_BIND) \
	  --workers $(BENCH_WORKERS) --timeout 60 --log-file var/bench-gunicorn.log & server=$$!; \
	  trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null' EXIT INT TERM; \
	  $(PY) -c "import socket, sys, time; h, p = '$(BENCH_BIND)'.rsplit(':', 1); \
	    any(socket.socket().connect_ex((h, int(p))) == 0 or time.sleep(0.2) for _ in range(150))"; \
	  $(BENCH_ENV) $(BENCH_PROD_ENV) $(PY) manage.py loadtest http://$(BENCH_BIND) \
	    --clients $(BENCH_LOAD_CLIENTS) --duration $(BENCH_LOAD_SECONDS) $(BENCH_LOAD_ARGS)

## Back up and restore a demo database with pg_dump/pg_restore and compare every table's
## row count (README, "Backups and the restore drill"); DRILL_SOURCE=<db> drills a copy of another.
restore-drill: setup
	.ci/restore-drill

clean:
	rm -rf $(VENV) var staticfiles
