# Clearway — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS ?= dev,analytics,ledger,evm,e2e

.PHONY: demo test lint typecheck contracts unit integration e2e bench install clean serve

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## Create the venv, install, seed demo data, serve on http://127.0.0.1:8000
	$(BIN)/clearway demo

serve: $(STAMP)
	$(BIN)/clearway serve

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest tests/unit -q

integration: $(STAMP)
	$(BIN)/pytest tests/integration -q

e2e: $(STAMP)
	$(BIN)/pytest tests/e2e -q

test: $(STAMP) lint typecheck contracts  ## Lint, type-check, check layering, run every test
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/lodge.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
