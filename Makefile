# Two entry points: `make run` (baseline scenario) and `make test` (the whole suite).
# Each does its own set-up: find Python >= 3.12, create .venv, install the package. `make run`
# installs only what running needs; `make test` adds the dev, app and dask extras (pytest,
# playwright, ruff, the classroom page's solara, Dask) on top.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
TEST_EXTRAS := dev,app,dask

.PHONY: run test lint setup clean bench

setup: $(TEST_STAMP)

$(RUN_STAMP): pyproject.toml
	@bash tools/setup-venv.sh $(VENV)
	@touch $(RUN_STAMP)

# The full environment holds the running one: it stamps both.
$(TEST_STAMP): pyproject.toml
	@bash tools/setup-venv.sh $(VENV) $(TEST_EXTRAS)
	@touch $(RUN_STAMP) $(TEST_STAMP)

run: $(RUN_STAMP)
	@$(VENV)/bin/exodus run scenarios/baseline_2022.yaml --out runs/baseline --force
	@echo "Plots: runs/baseline/rent.png and runs/baseline/tension.png"

test: $(TEST_STAMP)
	@$(PY) -m pytest

bench: $(TEST_STAMP)
	@$(PY) -m benchmarks.run

lint: $(TEST_STAMP)
	@$(VENV)/bin/ruff check src tests && $(VENV)/bin/ruff format --check src tests

clean:
	rm -rf $(VENV) runs build *.egg-info
