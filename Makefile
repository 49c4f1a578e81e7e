# Two entry points: `make run` (the platform on the embedded default) and `make test`;
# `make serve` runs it in production shape without Docker (docs/production.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# pytest-xdist processes for each test run (tests/parallel_workers.py keeps them apart).
TEST_WORKERS ?= 2

.PHONY: setup run serve test test-unit test-e2e lint demo migrations-check

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# The Persian typeface from the npm registry into our static files (scripts/fetch-fonts), and
# axe-core for the browser suite's accessibility run (scripts/fetch-axe, gitignored).
setup: $(BIN)/.installed
	scripts/fetch-fonts
	scripts/fetch-axe

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Hamandishi: http://$(HOST):$(PORT)/  (demo accounts in README.md; codes print below)"
	$(BIN)/uvicorn backend.asgi:application --host $(HOST) --port $(PORT)

# Production settings (DEBUG off by default): migrate, collectstatic, WORKERS uvicorn workers.
serve: setup
	PYTHON=$(BIN)/python HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) scripts/serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

migrations-check: setup
	$(BIN)/python manage.py makemigrations --check --dry-run

test-unit: setup
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --ignore=tests/e2e

test-e2e: setup
	scripts/ensure-browser
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) tests/e2e

test: lint migrations-check test-unit test-e2e
