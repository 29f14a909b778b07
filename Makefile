# The two commands: `make run` (install, load data, serve) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
PG_URL ?= postgres://postgres@127.0.0.1:5432/microcred

.PHONY: run test install install-dev translations speedups data serve lint test-sqlite test-postgres test-browser browser-deps interop-deps bench clean

$(VENV)/.installed-base: requirements/base.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt requirements/base.txt $(VENV)/.installed-base
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed-base translations speedups

install-dev: $(VENV)/.installed-dev translations
	@command -v cc >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc >/dev/null)
	$(PY) tools/build_speedups.py --require

# The signing core's per-quad loops in C (a compiler and the Python headers; without them the Python ones are used).
speedups: $(VENV)/.installed-base
	$(PY) tools/build_speedups.py

translations: $(VENV)/.installed-base
	$(PY) -m microcred.core.compile_translations

# Links in e-mails, credentials and the API name the address the demo is served on (unless set).
data run: export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

data: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	# The ESCO skills' vectors for skill suggestions and the occupations' multilingual vectors for the occupation
	# look-up, when missing or stale (about 3-4 + 2 minutes the first time on idle cores, far longer on busy ones).
	# The skills' multilingual vectors (outcomes in es/fr/nl/hu) are computed by `run`, in the background.
	$(PY) manage.py build_skill_vectors
	$(PY) manage.py load_demo_data

# Suggestions for outcomes in es/fr/nl/hu need the skills' multilingual vectors: 6-10 minutes on two idle cores the
# first time (nothing when they are current), so they are computed in the background, at low priority, while the
# site is served; the site takes them up when they are written (es/fr lexical and nl/hu none until then). Stopping
# the server stops that computation too (the next `make run` starts it again).
RUN_LOG := $(if $(VAR_DIR),$(VAR_DIR),var)/build_skill_vectors.log

## run: install everything, migrate, load reference and demo data, serve on http://$(HOST):$(PORT)/
run: data
	@echo "Serving on http://$(HOST):$(PORT)/ (demo log-ins are listed in README.md)"
	@echo "The skills' multilingual vectors are computed in the background if needed (log: $(RUN_LOG))"
	nice -n 10 $(PY) manage.py build_skill_vectors --only-multilingual > $(RUN_LOG) 2>&1 & vectors=$$!; \
	trap 'kill $$vectors 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: lint, migrations check, the suite on SQLite and on PostgreSQL, and the browser tests.
## PostgreSQL (PG_URL) and Redis (TEST_REDIS_URL) are used if they answer; otherwise throwaway servers are
## started for the run in var/test-services/ and removed afterwards (tools/with_test_services.py).
test: install-dev browser-deps interop-deps lint test-sqlite test-postgres

# The checks read an empty database, not the demo one `make run` fills (whose keys need the local KEK).
LINT_ENV := DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=sqlite://:memory:

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(LINT_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(LINT_ENV) $(PY) manage.py check_migration_locks
	$(LINT_ENV) $(PY) manage.py check

test-sqlite: $(VENV)/.installed-dev
	PG_URL=$(PG_URL) $(PY) tools/with_test_services.py --redis -- \
		env DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(PY) -m pytest

test-postgres: $(VENV)/.installed-dev
	PG_URL=$(PG_URL) $(PY) tools/with_test_services.py --postgres --redis -- $(PY) -m pytest -m "not browser"

browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Digital Bazaar's Node stack, the independent verifier the interoperability tests use (pinned by package-lock).
interop-deps:
	@command -v npm >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null)
	@test tests/interop/node_modules/.package-lock.json -nt tests/interop/package-lock.json || \
		(cd tests/interop && npm ci --no-audit --no-fund --silent)

## bench: the benchmarks in bench/, each printing a table
bench: $(VENV)/.installed-dev
	$(PY) bench/bench_reference.py
	cd tests/interop && npm ci --silent
	$(PY) bench/bench_signing.py

clean:
	rm -rf $(VENV) var staticfiles
