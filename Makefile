# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
REGIONS ?= 61.05
HOST ?= 127.0.0.1:8000

.PHONY: run test setup migrate demo messages check bench clean

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
	@# seed_demo prints the login address of the default HOST: show the one served.
	@$(PY) manage.py seed_demo >var/seed_demo.log 2>&1 || { cat var/seed_demo.log; exit 1; }
	@sed 's#http://127\.0\.0\.1:8000/#http://$(HOST)/#' var/seed_demo.log

## Run the app on SQLite (var/koperasi.sqlite3) with Sintang's regions and demo data, and
## the background worker (imports, large exports) beside it; Ctrl-C stops both.
run: demo
	@echo "Koperasi Registry: http://$(HOST)/  (login: http://$(HOST)/accounts/login/; Ctrl-C to stop)"
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
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l en --ignore=.venv

check: setup
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=koperasi_registry.settings.production \
	  SECRET_KEY=check-deploy-only-$(shell date +%s)-0123456789abcdefghijklmnopqrstuvwxyz \
	  ALLOWED_HOSTS=koperasi.example.go.id $(PY) manage.py check --deploy --fail-level WARNING

## Time the pages on PostgreSQL at national scale (README.md, "Benchmarks").
BENCH_DB ?= koperasi_bench
BENCH_PG ?= -h 127.0.0.1 -U postgres
BENCH_COOPERATIVES ?= 100000
BENCH_VISITS ?= 1000000
BENCH_ARGS ?=
BENCH_REGIONS ?= all
BENCH_ENV = DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) OFFICE_REGENCY_CODE=$(BENCH_OFFICE)
BENCH_OFFICE ?=
bench: setup
	psql $(BENCH_PG) -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 \
	  || createdb $(BENCH_PG) $(BENCH_DB)
	$(BENCH_ENV) $(PY) manage.py migrate --noinput
	$(BENCH_ENV) $(PY) manage.py generate_scale_data --regions $(BENCH_REGIONS) --cooperatives $(BENCH_COOPERATIVES) --visits $(BENCH_VISITS) --if-empty
	$(BENCH_ENV) $(PY) manage.py benchmark $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
