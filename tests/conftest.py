"""Shared fixtures: paths of the shipped scenarios, and a synthetic run result for output tests."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from exodus.model.record import EVENTS_COLUMNS, TIMESERIES_COLUMNS
from exodus.runner import RunResult
from exodus.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def synthetic_result(scenario_file: Path | None = None, days: int = 30) -> RunResult:
    """A RunResult with made-up but well-formed records: tests of writing and plotting need rows,
    not a simulation."""
    scenario = load_scenario(scenario_file or SCENARIOS / "classroom.yaml")
    # A whole run of `days` days: its scenario ends on the last day it has rows for.
    last = scenario.start + dt.timedelta(days=days - 1)
    scenario = scenario.model_copy(update={"end": last})
    timeseries, events = [], []
    for day in range(days):
        date = scenario.start + dt.timedelta(days=day)
        for k, (name, town) in enumerate(scenario.enabled_towns().items()):
            row = {column: 0.0 for column in TIMESERIES_COLUMNS}
            row.update(
                date=date,
                day=day,
                town=name,
                country=town.country,
                migrants_present=100.0 * day * (k + 1) / 3.0,
                rent_index=1.0 + 0.5 * math.sin(day / 9.0) ** 2 / (k + 1),
                tension_index=min(1.0, day / (days + k)),
                pickets=day % 3,
            )
            timeseries.append(row)
        if day == 20:
            event = (date, day, "Uralsk", "beds_full", "a, b")
            events.append(dict(zip(EVENTS_COLUMNS, event, strict=True)))
    return RunResult(
        scenario=scenario,
        seed=scenario.seed,
        timeseries=timeseries,
        events=events,
        agent_weight=1.0 / scenario.scale,
        agent_steps=1234,
        wall_seconds=0.5,
    )


@pytest.fixture
def scenarios() -> Path:
    """The shipped scenarios directory."""
    return SCENARIOS


@pytest.fixture
def make_result():
    """make_result(scenario_file=None, days=30) -> a synthetic RunResult."""
    return synthetic_result


@pytest.fixture
def result() -> RunResult:
    return synthetic_result()


@pytest.fixture
def write(tmp_path: Path):
    """write(name, text) -> path of a file in tmp_path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
