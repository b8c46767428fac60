"""Fixtures for model tests: the baseline scenario, one shared baseline run, and series helpers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from exodus.model.model import ExodusModel
from exodus.runner import RunResult, run_scenario
from exodus.scenario.loader import load_scenario
from exodus.scenario.schema import Scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline_2022.yaml"


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return load_scenario(BASELINE)


@pytest.fixture(scope="session")
def baseline_run(baseline: Scenario) -> RunResult:
    """The baseline at its default scale, run once for all pattern and calibration tests."""
    return run_scenario(baseline)


def column(rows: list[dict], town: str, name: str) -> dict[str, float]:
    """A town's daily values of one column, keyed by ISO date."""
    return {r["date"]: r[name] for r in rows if r["town"] == town}


def total(rows: list[dict], name: str, first: str, last: str, country: str | None = None) -> float:
    """Sum of a column over towns (optionally of one country) and dates first..last inclusive."""
    return sum(
        r[name]
        for r in rows
        if first <= r["date"] <= last and (country is None or r["country"] == country)
    )


def run_model(scenario: Scenario, days: int | None = None, seed: int | None = None) -> ExodusModel:
    """A model stepped `days` days (all by default), for tests that inspect agents."""
    model = ExodusModel(scenario, rng=seed)
    for _ in range(model.n_days if days is None else days):
        model.step()
    return model


def paired_runs(
    overrides: list[str], change: str, seeds: tuple[int | None, ...] = (None, 1, 2, 3)
) -> list[tuple[list[dict], list[dict]]]:
    """Per seed (None: the scenario's own), the baseline's timeseries under `overrides` without and
    with one `change`: the same seed on both sides, so a pair differs by the change alone."""
    base = load_scenario(BASELINE, overrides)
    changed = load_scenario(BASELINE, [*overrides, change])
    return [
        (run_scenario(base, seed=seed).timeseries, run_scenario(changed, seed=seed).timeseries)
        for seed in seeds
    ]


def small(scenario: Scenario, **changes) -> Scenario:
    """A copy of a scenario with top-level fields changed (scale, start, end...)."""
    return scenario.model_copy(update=changes, deep=True)


def day(date: str) -> dt.date:
    return dt.date.fromisoformat(date)


def values(rows: list[dict], name: str) -> np.ndarray:
    return np.asarray([r[name] for r in rows], dtype=float)
