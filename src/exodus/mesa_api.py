"""What Mesa's own tools expect of a model, for `ExodusModel`: keyword construction (with a Mesa
`Scenario` as SolaraViz passes one on Reset), a `datacollector` as `mesa.batch_run` and SolaraViz's
plot components read it, and an end.

Nothing here computes a figure: the collector copies the rows the model's `Recorder` wrote, so
`batch_run`, SolaraViz, `exodus run` and the Python API see the same numbers.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
from mesa.datacollection import DataCollector
from mesa.experimental.scenarios import Scenario as MesaScenario

from exodus.model.record import TIMESERIES_COLUMNS
from exodus.scenario.schema import Scenario

if TYPE_CHECKING:
    from exodus.model.model import ExodusModel

DEFAULT_SCENARIO = "baseline_2022"
"""The shipped scenario an `ExodusModel()` built without one runs."""

TOWN_COLUMNS: tuple[str, ...] = ("country", *TIMESERIES_COLUMNS[4:])
"""What the collector records per town and day (Mesa's agent-level records, one per town)."""

PLOTTED: tuple[str, ...] = ("rent_index", "tension_index")
"""Town series also kept model-level, one column per town (`rent_index[Uralsk]`), for SolaraViz's
plot components, which draw model-level columns only."""

SourceLike = Scenario | str | os.PathLike[str]
"""A loaded scenario, a scenario file, or the name of a shipped scenario."""


class RunEndedError(RuntimeError):
    """The model was stepped past its scenario's last day."""


class ExodusScenario(MesaScenario):
    """A run of exodus as Mesa's experimental `Scenario`: `extends` names the exodus scenario (a
    shipped name, a file or a loaded `Scenario`), `rng` the seed, and every other attribute is an
    override by dotted name: `ExodusScenario(rng=1, extends="classroom",
    **{"housing.bid_up_per_rival": 0.05})`."""

    extends: Any = DEFAULT_SCENARIO

    @classmethod
    def based_on(cls, source: str | os.PathLike[str]) -> type[ExodusScenario]:
        """A subclass whose default `extends` is `source`, one per name or path: SolaraViz's Reset
        builds the model's next scenario as `type(model.scenario)(**values of its inputs)`, and the
        class keeps the scenario the page shows."""
        key = os.fspath(source)
        if key not in _BASED_ON:
            namespace = {"__annotations__": {"extends": Any}, "extends": key}
            _BASED_ON[key] = type(f"ExodusScenario[{key}]", (cls,), namespace)
        return _BASED_ON[key]


_BASED_ON: dict[str, type[ExodusScenario]] = {}
"""Subclasses made by `ExodusScenario.based_on`, so that building many models from one scenario
name makes one class (Mesa's `Scenario` keeps a counter per class for ever)."""


def resolve(
    scenario: SourceLike | MesaScenario | None, rng: Any, overrides: Mapping[str, Any]
) -> tuple[Scenario, int, ExodusScenario | MesaScenario]:
    """The resolved exodus scenario, the run's seed and the Mesa scenario the model reports, from
    what a caller (a script, `mesa.batch_run`, SolaraViz's Reset) passed to `ExodusModel`."""
    from exodus.scenario.loader import load_scenario, with_overrides

    if isinstance(scenario, MesaScenario):
        mesa_scenario = scenario
        given = {k: v for k, v in scenario.__dict__.items() if k not in ("rng", "model")}
        source = given.pop("extends", DEFAULT_SCENARIO)
        if rng is not None and scenario.rng is not None and rng != scenario.rng:
            raise ValueError("rng and scenario.rng must be the same")
        rng = scenario.rng if rng is None else rng
        overrides = {**given, **overrides}
    else:
        source = DEFAULT_SCENARIO if scenario is None else scenario
        mesa_scenario = None
    if isinstance(source, Scenario):
        settings = with_overrides(source, overrides) if overrides else source
    else:
        settings = load_scenario(source, dict(overrides))
    seed = settings.seed if rng is None else int(rng)
    if mesa_scenario is None and isinstance(source, Scenario):
        mesa_scenario = ExodusScenario(rng=seed, extends=source, **overrides)
    elif mesa_scenario is None:
        mesa_scenario = ExodusScenario.based_on(source)(rng=seed, **overrides)
    return settings, seed, mesa_scenario


def _date(model: ExodusModel) -> np.datetime64:
    return np.datetime64(model.date, "D")


def _town_value(column: str, index: int, model: ExodusModel) -> float:
    return model.recorder.timeseries[index - model.towns.n][column]


class TownCollector(DataCollector):
    """Mesa's `DataCollector` over the town-level series the model records each day.

    Towns are not Mesa agents (exodus keeps agents in numpy columns), but they stand where agents
    stand in Mesa's records: `get_agent_vars_dataframe()` and `mesa.batch_run` give one row per
    town and day, with the town's name as `AgentID` and every column of `TOWN_COLUMNS`. Model-level
    reporters give the date and, per town, the plotted series (`rent_index[Uralsk]`), which
    SolaraViz's `make_plot_component` draws.
    """

    def __init__(self, towns: list[str]) -> None:
        model_reporters: dict[str, Any] = {"date": partial(_date)}
        for column in PLOTTED:
            for index, town in enumerate(towns):
                model_reporters[f"{column}[{town}]"] = partial(_town_value, column, index)
        super().__init__(
            model_reporters=model_reporters,
            agent_reporters={column: column for column in TOWN_COLUMNS},
        )

    def _record_agents(self, model: ExodusModel) -> Iterator[tuple]:  # type: ignore[override]
        """Today's row of each town, as Mesa's (time, agent id, values...) records."""
        for row in model.recorder.timeseries[-model.towns.n :]:
            yield (model.time, row["town"], *(row[column] for column in TOWN_COLUMNS))


def end_message(model: ExodusModel) -> str:
    last = model.start_date + dt.timedelta(days=model.n_days - 1)
    return (
        f"the run of {model.settings.name} ended on {last} (day {model.n_days} of "
        f"{model.n_days}); build a new ExodusModel to run again"
    )
