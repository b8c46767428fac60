"""Run one scenario to completion and hand back its records: the one entry point for every front end
(the CLI, sweeps, the classroom page, benchmarks)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from exodus.scenario.schema import Scenario


@dataclass
class RunResult:
    """The records of a finished run, ready to be written out."""

    scenario: Scenario
    seed: int
    timeseries: list[dict] = field(default_factory=list)
    """Rows keyed by `exodus.model.record.TIMESERIES_COLUMNS`, in that order, town by town per day."""
    events: list[dict] = field(default_factory=list)
    """Rows keyed by `exodus.model.record.EVENTS_COLUMNS`."""
    agent_weight: float = 1.0
    agent_steps: int = 0
    wall_seconds: float = 0.0


def run_scenario(
    scenario: Scenario,
    *,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Run `scenario` from its start to its end date.

    `seed` overrides the scenario's seed; `progress(done_days, total_days)` is called after each day.
    The same scenario and seed give the same records, byte for byte once written.
    """
    from exodus.model.model import ExodusModel

    run_seed = scenario.seed if seed is None else seed
    started = time.perf_counter()
    model = ExodusModel(scenario, rng=run_seed)
    total = model.n_days
    for done in range(1, total + 1):
        model.step()
        if progress is not None:
            progress(done, total)
    return RunResult(
        scenario=scenario,
        seed=run_seed,
        timeseries=model.recorder.timeseries,
        events=model.recorder.events,
        agent_weight=model.agent_weight,
        agent_steps=model.agent_steps,
        wall_seconds=time.perf_counter() - started,
    )
