# Essaim — everyday commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.DEFAULT_GOAL := help
.PHONY: help install run test test-e2e screenshots lint format bench bench-conversations bench-search messages translations clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) translations ## Create .venv and install the project with its tools

translations: $(STAMP) ## Compile the message catalogs
	@$(BIN)/pybabel compile -d translations -f >/dev/null

run: install ## Create the database, load demo data on first run, serve http://127.0.0.1:5000 with the mail worker
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@# The background worker (`flask jobs run`: e-mail) runs beside the server and stops with it.
	$(FLASK) jobs run & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto

# The API's schemathesis client runs in a process of its own after the parallel run: inside an
# xdist worker that also runs other files, its generated cases are silently not run.
# API_CLIENT_TESTS= (empty) leaves it out, e.g. with PYTEST_ARGS=tests/tenders.
API_CLIENT_TESTS ?= tests/api/test_api_schemathesis.py

test: install ## Run the test suite (SQLite; PostgreSQL when MARKETPLACE_TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(if $(API_CLIENT_TESTS),--ignore=$(API_CLIENT_TESTS)) $(PYTEST_ARGS)
	$(if $(API_CLIENT_TESTS),$(BIN)/python -m pytest -p no:xdist $(API_CLIENT_TESTS))

test-e2e: install ## Run the browser tests only (needs /usr/bin/chromium and `npm ci`)
	$(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

screenshots: install ## Refresh docs/screenshots/ (desktop and phone PNGs of the main pages)
	E2E_SCREENSHOTS=1 $(BIN)/python -m pytest -q -m e2e tests/e2e/test_screenshots.py

lint: install ## Check style, common mistakes and complexity (ruff) and types (mypy)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install ## Benchmark the product over HTTP, every room (12,000 profiles; BENCH_ARGS="--profiles 100000")
	$(BIN)/python -m bench.federation_bench $(BENCH_ARGS)

bench-conversations: install ## Benchmark the inbox and a thread of 200 messages among 1,000,000
	$(BIN)/python -m bench.conversations_bench $(BENCH_ARGS)

bench-search: install ## Benchmark search alone and its relevance (BENCH_ARGS as above)
	$(BIN)/python -m bench.search_bench $(BENCH_ARGS)

messages: install ## Extract messages and update the catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _lp:1c,2 --ignore-dirs '.* node_modules' -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

clean: ## Remove the virtualenv and caches (keeps instance/)
	rm -rf $(VENV) .pytest_cache .ruff_cache
