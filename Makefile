# Partnerpay: `make run` serves the API with demo data; `make test` runs every gate and test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-deep install lint typecheck importlint pytest openapi screenshots serve-prod worker bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo_data
	PORT=$(PORT) $(BIN)/python scripts/run_dev.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

importlint: install
	PYTHONPATH=src $(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy src/domain src/application

pytest: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint importlint typecheck pytest

# The unit tests with every property test at 3,000 examples (tests/properties.py): about 3 minutes, on
# SQLite, not part of `make test`. Run it after changing the earnings ledger, refunds or card rules.
test-deep: install
	HYPOTHESIS_PROFILE=deep DATABASE_URL= $(BIN)/python -m pytest -q -p no:randomly tests/unit

openapi: install
	$(BIN)/python manage.py export_openapi --output openapi.json

# Browser tests with a PNG of every portal page into docs/screenshots/ (committed, shown in README).
screenshots: install
	PARTNERPAY_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser -q -p no:randomly

serve-prod: install
	$(BIN)/python scripts/serve_prod.py

# QUEUES="ingest" (or several) runs only those queues' consumers; empty = every queue.
worker: install
	$(BIN)/python manage.py run_queues $(QUEUES)

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
