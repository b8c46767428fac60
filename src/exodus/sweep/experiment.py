"""Experiment files: which scenarios, which parameters and how to vary them, how many replicates.

An experiment is strict like a scenario (unknown keys are errors, every problem names the file and
key). Expanding it gives the run list: scenarios x design points x replicates, each run with a seed
spawned from the master seed by its replicate (and, without common seeds, its design point), so
adding replicates or resuming a sweep never changes the seed of a run that already exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from exodus import limits
from exodus.model.record import TIMESERIES_COLUMNS
from exodus.scenario.loader import ScenarioError, load_scenario, read_yaml_mapping
from exodus.scenario.schema import Scenario
from exodus.shipped import experiment_file
from exodus.sweep.executor import RunSpec

METRICS = tuple(c for c in TIMESERIES_COLUMNS if c not in ("date", "day", "town", "country"))
"""Columns of the run's timeseries that an experiment may keep."""

DESIGNS = ("grid", "latin", "sobol", "morris", "posterior")


class ExperimentError(ScenarioError):
    """An experiment file the user must fix: reported like a scenario error (file, key, message)."""


class _Strict(BaseModel):
    """Unknown keys are errors, and so is a number written as text or as true/false, or a whole
    number written as 2.0 (strict types)."""

    model_config = ConfigDict(extra="forbid", strict=True)


Scalar = bool | int | float | str


class Values(_Strict):
    """An enumerated list of values, run as given."""

    values: list[Scalar] = Field(min_length=1, description="The values, in order.")


class Steps(_Strict):
    """first, first+step, ... up to last (inclusive, within a rounding tolerance)."""

    first: float = Field(allow_inf_nan=False)
    step: float = Field(gt=0, allow_inf_nan=False)
    last: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _order(self) -> Steps:
        if self.last < self.first:
            raise ValueError(f"last ({self.last}) must not be below first ({self.first})")
        if (self.last - self.first) / self.step > 10_000:
            raise ValueError("more than 10,000 values: is step too small?")
        return self

    def expand(self) -> list[float]:
        count = math.floor((self.last - self.first) / self.step + 1e-9) + 1
        return [round(self.first + i * self.step, 12) for i in range(count)]


class Range(_Strict):
    """A range for a sampled design (latin, sobol, morris): values drawn in [low, high]."""

    low: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _order(self) -> Range:
        if not self.high > self.low:
            raise ValueError(f"high ({self.high}) must be above low ({self.low})")
        return self


class Days(_Strict):
    """Which days of each run to keep: every n-th day from the first, between optional dates."""

    every: int = Field(1, ge=1, le=366, description="Keep every n-th day, counting from the first.")
    first: dt.date | None = Field(None, strict=False, description="Keep no day before this one.")
    last: dt.date | None = Field(None, strict=False, description="Keep no day after this one.")


class Experiment(_Strict):
    """A sweep: scenarios compared over parameter values and replicates."""

    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=4000)
    scenarios: list[str] = Field(min_length=1, description="Scenario files, relative to this file.")
    set: list[str] = Field(
        default_factory=list, description="`--set`-style overrides applied to every scenario."
    )
    design: Literal["grid", "latin", "sobol", "morris", "posterior"] = Field(
        "grid",
        description="grid: every combination of values; latin/sobol/morris: sampled from ranges; "
        "posterior: parameter sets drawn by weight from a calibration's posterior.",
    )
    posterior: str | None = Field(
        None,
        description="posterior design: a calibration's posterior.csv (relative to this file); "
        "`samples` sets are drawn from its accepted sets by weight, with replacement.",
    )
    parameters: dict[str, Values | Steps | Range] = Field(
        default_factory=dict, description="Parameter path -> values, first/step/last or low/high."
    )
    samples: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="latin: points; sobol: base samples N (a power of 2), N*(D+2) points; "
        "morris: trajectories N, N*(D+1) points; posterior: draws.",
    )
    levels: int = Field(4, ge=2, le=20, description="morris: grid levels of each factor.")
    replicates: int = Field(1, ge=1, le=10_000, description="Runs per scenario and design point.")
    seed: int = Field(
        ge=0, le=2**63 - 1, description="Master seed; every run's seed derives from it."
    )
    common_seeds: bool = Field(
        True,
        description="true: replicate r of every scenario and design point has the same seed "
        "(common random numbers: differences come from the inputs, not from luck); false: each "
        "design point has seeds of its own.",
    )
    metrics: list[str] = Field(
        default_factory=lambda: ["rent_index", "tension_index"],
        min_length=1,
        description="Timeseries columns to keep.",
    )
    days: Days = Field(default_factory=Days)
    _draws: list[dict[str, Any]] | None = PrivateAttr(None)
    """A posterior design's drawn sets, read by `load_experiment` from the posterior file."""

    @model_validator(mode="after")
    def _consistent(self) -> Experiment:
        for metric in self.metrics:
            if metric not in METRICS:
                raise ValueError(f"metrics: '{metric}' is not a timeseries column")
        if len(set(self.metrics)) != len(self.metrics):
            raise ValueError("metrics: a metric is listed twice")
        kinds = {type(spec) for spec in self.parameters.values()}
        if (self.posterior is None) != (self.design != "posterior"):
            raise ValueError("posterior: the posterior design needs a posterior file, and only it")
        if self.design == "posterior":
            if self.parameters:
                raise ValueError("parameters: the posterior design takes them from its posterior")
            if self.samples is None:
                raise ValueError("samples: the posterior design needs a number of draws")
        elif self.design == "grid":
            if Range in kinds:
                raise ValueError("parameters: low/high ranges need design latin, sobol or morris")
            if self.samples is not None:
                raise ValueError("samples: only for design latin, sobol or morris")
        else:
            if kinds - {Range} or not self.parameters:
                raise ValueError(f"parameters: design {self.design} needs low/high ranges only")
            if self.samples is None:
                raise ValueError(f"samples: design {self.design} needs a number of samples")
            if self.design in ("sobol", "morris") and len(self.parameters) < 2:
                raise ValueError(f"parameters: design {self.design} needs at least 2 parameters")
            if self.design == "sobol" and self.samples & (self.samples - 1):
                raise ValueError(f"samples: sobol needs a power of 2, got {self.samples}")
        return self

    def parameter_names(self) -> list[str]:
        """The parameters a run is labelled with: the file's, or a posterior's."""
        if self.design == "posterior":
            return list(self._draws[0]) if self._draws else []
        return list(self.parameters)

    def problem(self) -> dict[str, Any]:
        """The SALib problem of a sampled design: names and bounds in file order."""
        names = list(self.parameters)
        bounds = [[spec.low, spec.high] for spec in self.parameters.values()]  # type: ignore[union-attr]
        return {"num_vars": len(names), "names": names, "bounds": bounds}


def design_points(experiment: Experiment) -> list[dict[str, Any]]:
    """The parameter values of every design point, in a fixed order (the master seed fixes samples).

    Sobol and Morris points come in SALib's order, which its analysis relies on.
    """
    if experiment.design == "posterior":
        if experiment._draws is None:
            raise ValueError("a posterior design's draws are read by load_experiment")
        return [dict(point) for point in experiment._draws]
    names = list(experiment.parameters)
    if not names:
        return [{}]
    if experiment.design == "grid":
        axes = [
            spec.values if isinstance(spec, Values) else spec.expand()  # type: ignore[union-attr]
            for spec in experiment.parameters.values()
        ]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
    problem = experiment.problem()
    n = int(experiment.samples or 1)
    if experiment.design == "latin":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(experiment.seed)).random(
            n
        )
        low = np.array([b[0] for b in problem["bounds"]])
        high = np.array([b[1] for b in problem["bounds"]])
        matrix = qmc.scale(unit, low, high)
    elif experiment.design == "sobol":
        from SALib.sample import sobol

        matrix = sobol.sample(problem, n, calc_second_order=False, seed=experiment.seed % 2**32)
    else:
        from SALib.sample import morris

        matrix = morris.sample(
            problem, n, num_levels=experiment.levels, seed=experiment.seed % 2**32
        )
    return [
        {name: float(value) for name, value in zip(names, row, strict=True)}
        for row in np.asarray(matrix)
    ]


def run_seed(master: int, point: int | None, replicate: int) -> int:
    """The seed of one run, from its design point and replicate only (never from the run count).

    `point=None` gives the common seed of replicate `replicate` shared by all design points.
    """
    key = (replicate,) if point is None else (point, replicate)
    sequence = np.random.SeedSequence(master, spawn_key=key)
    return int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))


def _set_path(tree: dict[str, Any], path: str, value: Any) -> None:
    """Set `a.b.c` (list items by index) in a plain scenario dict; KeyError when absent."""
    parts = path.split(".")
    node: Any = tree
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif last in node:
        node[last] = value
    else:
        raise KeyError(path)


def _get_path(tree: dict[str, Any], path: str) -> Any:
    node: Any = tree
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def apply_point(
    base: Scenario, point: dict[str, Any], file: str
) -> tuple[Scenario, dict[str, Any]]:
    """The scenario with a design point's values, and the values as applied (an integer parameter
    takes the nearest whole number of a sampled value); a bad value names its key."""
    tree = base.model_dump(mode="json")
    applied: dict[str, Any] = {}
    for path, value in point.items():
        try:
            current = _get_path(tree, path)
        except (KeyError, IndexError, ValueError, TypeError):
            raise ExperimentError(
                file, f"not a parameter of scenario {base.name}", key=f"parameters.{path}"
            ) from None
        if isinstance(current, dict | list):
            raise ExperimentError(
                file, "is a block, not a single value", key=f"parameters.{path}"
            ) from None
        if isinstance(current, int) and not isinstance(current, bool) and isinstance(value, float):
            value = round(value)
        _set_path(tree, path, value)
        applied[path] = value
    try:  # strict, as a scenario file: "0.05" or true is not a number, 2.5 not a whole number
        return Scenario.model_validate_json(json.dumps(tree), strict=True), applied
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        shown = ", ".join(f"{k}={v}" for k, v in point.items())
        raise ExperimentError(
            file, f"{where}: {first['msg']} (with {shown})", key="parameters"
        ) from None


def load_experiment(path: str | os.PathLike[str]) -> Experiment:
    """Read and validate an experiment file (or a shipped one by name); every problem is an
    ExperimentError."""
    path = experiment_file(path)
    shown = os.fspath(path)
    data = read_yaml_mapping(path, error=ExperimentError, what="experiment file")
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as exc:
        raise _experiment_error(exc, shown, data) from None
    load_posterior_draws(experiment, shown)
    return experiment


def load_posterior_draws(experiment: Experiment, file: str) -> None:
    """Draw a posterior design's sets from its posterior file (relative to `file`)."""
    if experiment.posterior is None:
        return
    from exodus.sweep.posterior import draw, read_posterior

    sets = read_posterior(Path(file).parent / experiment.posterior, file)
    experiment._draws = draw(sets, int(experiment.samples or 1), experiment.seed)


def _member(value: Any) -> str | None:
    """Which form of a parameter the user meant, by its keys: Values, Steps or Range."""
    if not isinstance(value, dict):
        return None
    for key, member in (("values", "Values"), ("first", "Steps"), ("low", "Range")):
        if key in value:
            return member
    return None


def _label(segment: Any) -> str | None:
    """The union member a pydantic location segment names ("Steps", or
    "function-after[_order(), Steps]"), or None for a key."""
    text = str(segment)
    for member in ("Values", "Steps", "Range"):
        if text == member or text.endswith(f", {member}]"):
            return member
    return None


def _experiment_error(exc: ValidationError, file: str, data: Any = None) -> ExperimentError:
    errors = exc.errors(include_url=False)
    error = errors[0]
    loc = error["loc"]
    if len(loc) >= 3 and loc[0] == "parameters" and isinstance(data, dict):
        # A parameter's union reports each form; report the form the user wrote.
        params = data.get("parameters")
        meant = _member(params.get(loc[1])) if isinstance(params, dict) else None
        error = next(
            (e for e in errors if e["loc"][:2] == loc[:2] and _label(e["loc"][2]) == meant),
            error,
        )
    # Drop pydantic's union member labels (Values, Steps, Range) from the key path.
    loc = [str(p) for p in error["loc"] if _label(p) is None]
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = f"unknown key '{loc[-1]}'"
    elif error["type"] == "missing":
        message = "missing (this key is required)"
    elif not isinstance(error.get("input"), dict | list) and error["type"] != "value_error":
        message += f", got {error.get('input')!r}"
    if len(error["loc"]) >= 2 and error["loc"][0] == "parameters":
        message += " (a parameter takes values: [...], first/step/last, or low/high)"
    return ExperimentError(file, message, key=".".join(loc) or None)


def count_points(experiment: Experiment) -> int:
    """The number of design points, counted without drawing them (a typo may mean 1e9)."""
    if experiment.design == "posterior":
        return int(experiment.samples or 1)
    specs = list(experiment.parameters.values())
    if not specs:
        return 1
    if experiment.design == "grid":
        return math.prod(
            len(spec.values) if isinstance(spec, Values) else len(spec.expand())  # type: ignore[union-attr]
            for spec in specs
        )
    n = int(experiment.samples or 1)
    if experiment.design == "sobol":
        return n * (len(specs) + 2)
    if experiment.design == "morris":
        return n * (len(specs) + 1)
    return n


def check_design(experiment: Experiment, file: str) -> int:
    """The number of runs, refused above the stated maxima before anything is allocated."""
    points = count_points(experiment)
    runs = points * len(experiment.scenarios) * experiment.replicates
    if limits.over(points, limits.MAX_POINTS):
        raise ExperimentError(
            file,
            f"{points:,} design points, more than the {limits.MAX_POINTS:,} an experiment may "
            f"have ({limits.HOW_TO_LIFT})",
            key="parameters",
        )
    if limits.over(runs, limits.MAX_RUNS):
        raise ExperimentError(
            file,
            f"{runs:,} runs ({len(experiment.scenarios)} scenarios x {points:,} points x "
            f"{experiment.replicates} replicates), more than the {limits.MAX_RUNS:,} a sweep may "
            f"have ({limits.HOW_TO_LIFT})",
            key="replicates",
        )
    return runs


def load_bases(experiment: Experiment, file: str | os.PathLike[str]) -> list[Scenario]:
    """The experiment's scenarios with its `set` applied, before any design point."""
    shown = os.fspath(experiment_file(file))
    here = Path(shown).parent
    bases = []
    for scenario_file in experiment.scenarios:
        try:
            bases.append(load_scenario(here / scenario_file, experiment.set))
        except ScenarioError as exc:
            raise ExperimentError(shown, f"{exc}", key="scenarios") from None
    return bases


def expand(
    experiment: Experiment,
    file: str | os.PathLike[str],
    bases: list[Scenario] | None = None,
) -> list[RunSpec]:
    """Every run of the experiment: scenarios x design points x replicates, in run-id order."""
    shown = os.fspath(experiment_file(file))
    check_design(experiment, shown)
    points = design_points(experiment)
    specs: list[RunSpec] = []
    for base in load_bases(experiment, file) if bases is None else bases:
        for p, point in enumerate(points):
            scenario, applied = apply_point(base, point, shown)
            for r in range(experiment.replicates):
                seed = run_seed(experiment.seed, None if experiment.common_seeds else p, r)
                run_id = f"r{len(specs):06d}"
                labels = {
                    "run_id": run_id,
                    "scenario": scenario.name,
                    **applied,
                    "point": p,
                    "replicate": r,
                    "seed": seed,
                }
                specs.append(RunSpec(run_id, scenario, seed, labels))
    return specs


def experiment_hash(experiment: Experiment, specs: list[RunSpec]) -> str:
    """A digest of what the sweep will run: the experiment and every resolved scenario and seed.

    A changed scenario file, design or seed gives another hash, so --resume refuses to mix them.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps(experiment.model_dump(mode="json"), sort_keys=True).encode())
    dumps: dict[int, str] = {}  # replicates share their point's scenario: dump it once
    for spec in specs:
        key = id(spec.scenario)
        if key not in dumps:
            dumps[key] = json.dumps(spec.scenario.model_dump(mode="json"), sort_keys=True)
        digest.update(f"{spec.run_id}|{spec.seed}|{dumps[key]}".encode())
    return digest.hexdigest()


def schema_json() -> str:
    """The experiment JSON Schema, stable text, published as experiments/schema.json."""
    return json.dumps(Experiment.model_json_schema(), indent=2, sort_keys=True) + "\n"


def parameter_types(specs: list[RunSpec], names: list[str]) -> dict[str, str]:
    """The column type of each parameter over all runs: bool, int, float or str."""
    types = {}
    for name in names:
        values = [spec.labels[name] for spec in specs]
        if all(isinstance(v, bool) for v in values):
            types[name] = "bool"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            types[name] = "int"
        elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            types[name] = "float"
        else:
            types[name] = "str"
    return types


@dataclass(frozen=True)
class KeepRows:
    """Which rows and columns of a run to keep; a picklable callable, it runs in the workers."""

    metrics: tuple[str, ...]
    every: int = 1
    first: dt.date | None = None
    last: dt.date | None = None

    def __call__(self, rows: list[dict]) -> list[dict]:
        kept = []
        for row in rows:
            date = row["date"]
            date = dt.date.fromisoformat(date) if isinstance(date, str) else date
            if row["day"] % self.every or (self.first and date < self.first):
                continue
            if self.last and date > self.last:
                continue
            kept.append(
                {"date": date, "day": row["day"], "town": row["town"]}
                | {metric: row[metric] for metric in self.metrics}
            )
        return kept

    @classmethod
    def of(cls, experiment: Experiment) -> KeepRows:
        days = experiment.days
        return cls(tuple(experiment.metrics), days.every, days.first, days.last)
