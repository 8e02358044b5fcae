# Clearway — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `make demo` installs what the platform runs with; `make test` adds the test tools, the browser-test driver
# and the Spark extra (the scale-out path is tested in CI).
DEMO_EXTRAS ?= analytics,ledger,evm,documents
TEST_EXTRAS ?= dev,analytics,ledger,evm,e2e,spark,documents,hs-dense

.PHONY: i18n demo test lint typecheck contracts unit integration e2e bench install clean serve

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-demo: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e ".[$(DEMO_EXTRAS)]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e ".[$(TEST_EXTRAS)]"
	touch $@ $(VENV)/.installed-demo

install: $(VENV)/.installed-test

demo: $(VENV)/.installed-demo  ## Create the venv, install, seed demo data, serve on http://127.0.0.1:8000
	$(BIN)/clearway demo

serve: $(VENV)/.installed-demo
	$(BIN)/clearway serve

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

contracts: $(VENV)/.installed-test
	$(BIN)/lint-imports

unit: $(VENV)/.installed-test
	$(BIN)/pytest tests/unit -q

integration: $(VENV)/.installed-test
	$(BIN)/pytest tests/integration -q

e2e: $(VENV)/.installed-test
	$(BIN)/pytest tests/e2e -q

test: lint typecheck contracts  ## Lint, type-check, check layering, run every test
	$(BIN)/pytest -q

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/lodge.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

i18n: $(VENV)/.installed-test  ## Extract translatable strings (babel.cfg) into the console's es/pt/fr catalogues
	$(BIN)/python -m clearway.console.catalog
