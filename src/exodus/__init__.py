"""exodus: an agent-based model of the 2022 flight of Russians into Kazakh and Kyrgyz towns.

The Python API (see docs/python.md)::

    import exodus

    run = exodus.run("classroom", {"housing.bid_up_per_rival": 0.05}, seed=1)
    run.timeseries            # pandas: one row per town and day
    run.save("runs/mine")     # what `exodus run` writes

- `load_scenario(source, overrides)`: a scenario by path or shipped name, with overrides.
- `run(scenario, overrides, seed=...)` -> `Run` with `.timeseries` and `.events` DataFrames.
- `run_sweep(experiment, out)`: run an experiment as `exodus sweep` does -> `Sweep` tables.
- `load_run(dir)`, `load_sweep(dir)`: a finished run or sweep, as the same tables.
- `ExodusModel`: the model as a `mesa.Model`, for `mesa.batch_run` and SolaraViz.
- `scenario_names()`, `experiment_names()`: what ships with the package.

Names load on first use, so `import exodus` (and the CLI's start) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from exodus.api import Run, Sweep, load_run, load_scenario, load_sweep, run, run_sweep
    from exodus.mesa_api import ExodusScenario, RunEndedError
    from exodus.model.model import ExodusModel
    from exodus.scenario.loader import ScenarioError
    from exodus.scenario.schema import Scenario
    from exodus.shipped import experiment_names, scenario_names

_WHERE = {
    "Run": "exodus.api",
    "Sweep": "exodus.api",
    "load_run": "exodus.api",
    "load_scenario": "exodus.api",
    "load_sweep": "exodus.api",
    "run": "exodus.api",
    "run_sweep": "exodus.api",
    "ExodusModel": "exodus.model.model",
    "ExodusScenario": "exodus.mesa_api",
    "RunEndedError": "exodus.mesa_api",
    "Scenario": "exodus.scenario.schema",
    "ScenarioError": "exodus.scenario.loader",
    "scenario_names": "exodus.shipped",
    "experiment_names": "exodus.shipped",
}

__all__ = [
    "ExodusModel",
    "ExodusScenario",
    "Run",
    "RunEndedError",
    "Scenario",
    "ScenarioError",
    "Sweep",
    "__version__",
    "experiment_names",
    "load_run",
    "load_scenario",
    "load_sweep",
    "run",
    "run_sweep",
    "scenario_names",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'exodus' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
