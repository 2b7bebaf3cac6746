# The two commands a newcomer needs: `make run` (demo on embedded servers) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run serve test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

## Translations are compiled here (locale/*/LC_MESSAGES/django.po -> .mo; needs gettext's msgfmt).
install: $(STAMP)
	$(BIN)/python manage.py compilemessages --locale de --locale en --ignore .venv -v 0

## Run the app with demo data on the embedded default (or on DATABASE_URL / REDIS_URL if set):
## development settings, the first free port from PORT (printed), DEBUG=true for debug pages.
run: install
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m config.devserver

## Run the whole test suite (on DATABASE_URL / REDIS_URL when set, else on embedded servers):
## the tests in TEST_WORKERS processes (pytest-xdist, a test database each), then the browser's
## and the real Celery workers' tests in one process; both parts run, and it fails if either does.
## `make test PYTEST_ARGS=tests/money` runs just those tests, in one process.
TEST_WORKERS ?= 2
SERIAL_TESTS := tests/e2e tests/integration
test: install
ifeq ($(strip $(PYTEST_ARGS)),)
	CLAIMS_TESTING=1 EMBEDDED_REDIS=1 $(BIN)/python -m config.embedded sh -c '\
	  $(BIN)/python -m pytest -n $(TEST_WORKERS) $(SERIAL_TESTS:%=--ignore=%); parallel=$$?; \
	  $(BIN)/python -m pytest $(SERIAL_TESTS); serial=$$?; \
	  [ $$parallel -eq 0 ] && [ $$serial -eq 0 ]'
else
	CLAIMS_TESTING=1 EMBEDDED_REDIS=1 $(BIN)/python -m config.embedded \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)
endif

lint: install
	$(BIN)/ruff check .

## Benchmarks: pages and API under gunicorn on a seeded book (SIZE claims, default 2000), then
## settlement approvals in-process, in raw SQL and through Celery. `SIZE=1000000 make bench`.
bench: install
	CLAIMS_TESTING=1 EMBEDDED_REDIS=1 $(BIN)/python -m config.embedded sh -c '\
	  $(BIN)/python bench/http.py && $(BIN)/python bench/settlement.py'
	$(BIN)/python bench/faults.py
	CLAIMS_TESTING=1 EMBEDDED_REDIS=1 SIZE=$${SIZE:-100000} $(BIN)/python -m config.embedded $(BIN)/python bench/exports.py

clean:
	rm -rf $(VENV) .data .pytest_cache .ruff_cache
