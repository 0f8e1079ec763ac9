# The two commands: `make run` (set up, seed the demo, start web + worker + beat) and `make test`.
# Both need only Python 3.11+, Node/npm and make; `make test` also PostgreSQL and Redis.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

# make test talks to real services; CI sets these to its own PostgreSQL and Redis.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/tkpk)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)

.PHONY: setup run dev test lint format bench bench-import bench-coverage bench-validate bench-pages bench-embedded bench-rollup messages messages-update clean

$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.built: node_modules/.installed scripts/build-assets.mjs
	npm run --silent build
	touch $@

messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext)"; exit 1; }
	DEBUG=1 $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

# After changing UI strings: extract them, then translate the new entries. The core and the
# shared templates keep their catalogue in locale/; each app keeps its own in <app>/locale/.
APPS_WITH_CATALOGUES := households meetings programs
MAKEMESSAGES := makemessages -l id --ignore=.venv --ignore=node_modules --ignore=static/vendor --ignore=tests --ignore=staticfiles --ignore=bench
messages-update: $(VENV)/.installed
	DEBUG=1 $(MANAGE) $(MAKEMESSAGES) $(foreach app,$(APPS_WITH_CATALOGUES),--ignore=$(app))
	@for app in $(APPS_WITH_CATALOGUES); do \
		if [ -d $$app/locale ]; then (cd $$app && DEBUG=1 ../$(BIN)/python ../manage.py $(MAKEMESSAGES)); fi; \
	done

setup: $(VENV)/.installed static/vendor/.built messages

# `make run` is the app as in production (DEBUG off: the real Indonesian error pages, static
# files by whitenoise), on this machine over plain HTTP, with a secret key generated once into
# var/ and e-mail printed to the console. `make dev` is the same with DEBUG on, for developers.
RUN_ENV = DEBUG=0 SECRET_KEY="$$(cat var/secret_key)" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 \
	EMAIL_BACKEND="$${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}"
define START
	export TIME_ZONE=$${TIME_ZONE:-Asia/Makassar} HOME_REGION_CODE=$${HOME_REGION_CODE:-63.08} \
		SITE_NAME="$${SITE_NAME:-TKPK Kabupaten Hulu Sungai Utara}" WEB_PORT=$${WEB_PORT:-8000}; \
	$(MANAGE) check_services && \
	$(MANAGE) migrate --no-input -v0 && \
	$(MANAGE) collectstatic --no-input -v0 && \
	$(MANAGE) seed_demo --allow-production && \
	echo "" && echo "TKPK runs at http://127.0.0.1:$$WEB_PORT/  (Ctrl+C stops web, worker and beat)" && echo "" && \
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f $(1) start
endef

var/secret_key:
	@mkdir -p var
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: setup var/secret_key
	@export $(RUN_ENV); $(call START,Procfile.run)

dev: setup
	@export DEBUG=1; $(call START,Procfile.dev)

test: setup
	@export DEBUG=1 DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)"; \
	$(MANAGE) check_services --for-tests && \
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks (bench/README.md): every bench/bench_*.py, each with its own database.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tkpk_bench

bench: setup
	@set -e; found=0; for script in bench/bench_*.py; do \
		[ -e "$$script" ] || continue; found=1; \
		echo "== $$script"; DEBUG=1 DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python "$$script"; \
	done; [ $$found = 1 ] || echo "no benchmarks in bench/ yet"

bench-import: setup
	DEBUG=1 BENCH_DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python bench/bench_import.py $(BENCH_ARGS)

# Every coverage figure (issue 11) of 1M people and 300,000 beneficiaries, against one COPY, on
# a database of its own that bench/bench_coverage.py drops (never tkpk_bench: bench-pages reads it).
BENCH_COVERAGE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tkpk_bench_coverage

bench-coverage: setup
	DEBUG=1 BENCH_DATABASE_URL="$(BENCH_COVERAGE_DATABASE_URL)" $(BIN)/python bench/bench_coverage.py $(BENCH_ARGS)

# Validation of the whole registry at a million people against COPY, on a database of its own
# (bench/bench_validate.py; never tkpk_bench, which bench-pages reads).
BENCH_VALIDATE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tkpk_bench_validate

bench-validate: setup
	DEBUG=1 BENCH_DATABASE_URL="$(BENCH_VALIDATE_DATABASE_URL)" $(BIN)/python bench/bench_validate.py $(BENCH_ARGS)

# The indicator rollup (issue 13) at a million people against one COPY, and the dashboard page
# at that size against the demo's (bench/bench_rollup.py), on databases of its own.
BENCH_ROLLUP_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tkpk_bench_rollup

bench-rollup: setup
	DEBUG=1 BENCH_DATABASE_URL="$(BENCH_ROLLUP_DATABASE_URL)" $(BIN)/python bench/bench_rollup.py $(BENCH_ARGS)

# The daily pages, one user at a time, on the data bench-import left (bench/bench_pages.py).
bench-pages: setup
	DEBUG=1 BENCH_DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python bench/bench_pages.py $(BENCH_ARGS)

# The embedded default (SQLite) while a big import runs: other users' saves and pages.
bench-embedded: setup
	$(BIN)/python bench/bench_embedded.py $(BENCH_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
