# Two entry points: `make run` (baseline scenario) and `make test` (the whole suite).
# Each does its own set-up: find Python >= 3.12, create .venv, install the package.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint setup clean bench

setup: $(STAMP)

$(STAMP): pyproject.toml
	@bash tools/setup-venv.sh $(VENV)
	@touch $(STAMP)

run: $(STAMP)
	@$(VENV)/bin/exodus run scenarios/baseline_2022.yaml --out runs/baseline --force
	@echo "Plots: runs/baseline/rent.png and runs/baseline/tension.png"

test: $(STAMP)
	@$(PY) -m pytest

bench: $(STAMP)
	@$(PY) -m benchmarks.run

lint: $(STAMP)
	@$(VENV)/bin/ruff check src tests && $(VENV)/bin/ruff format --check src tests

clean:
	rm -rf $(VENV) runs build *.egg-info
