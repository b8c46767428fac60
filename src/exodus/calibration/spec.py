"""Calibration experiment files: what to fit, against which targets, with which budget.

Strict like a scenario: unknown keys are errors, every problem names the file and key. Paths in the
file (the scenario to fit, the scenario to beat, the targets table) are relative to the file.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from exodus import limits
from exodus.scenario.loader import (
    ScenarioError,
    check_run_length,
    load_scenario,
    read_yaml_mapping,
)
from exodus.scenario.schema import Scenario
from exodus.shipped import experiment_file


class CalibrationError(ScenarioError):
    """A calibration file the user must fix: reported like a scenario error (file, key, what)."""


class _Strict(BaseModel):
    """Unknown keys are errors, and so is a number written as text or as true/false, or a whole
    number written as 2.0 (strict types)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Prior(_Strict):
    """A parameter's prior: uniform or log-uniform between low and high (inclusive).

    An integer parameter (one whose scenario value is a whole number) takes each whole number in
    [low, high] with equal chance under `uniform`.
    """

    prior: Literal["uniform", "loguniform"]
    low: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _order(self) -> Prior:
        if not self.high > self.low:
            raise ValueError(f"high ({self.high}) must be above low ({self.low})")
        if self.prior == "loguniform" and self.low <= 0:
            raise ValueError(f"a loguniform prior needs low > 0, got {self.low}")
        return self


class CalibrationSpec(_Strict):
    """A calibration by approximate Bayesian computation: rejection, then sequential rounds."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")
    description: str = Field("", max_length=4000)
    scenario: str = Field(description="Scenario to fit, relative to this file.")
    before: str | None = Field(
        None,
        description="Uncalibrated scenario the fit must beat (default: `scenario` as it is).",
    )
    targets: str | None = Field(
        None, description="Targets table, relative to this file (default: the shipped one)."
    )
    parameters: dict[str, Prior] = Field(min_length=1, description="Parameter path -> prior.")
    particles: int = Field(ge=10, le=100_000, description="Runs per round.")
    accept: float = Field(
        gt=0.0, lt=1.0, description="Share of each round's runs accepted (closest to targets)."
    )
    rounds: int = Field(
        ge=0, le=20, description="Sequential (ABC-SMC) rounds after the rejection round."
    )
    replicates: int = Field(
        5,
        ge=1,
        le=1000,
        description="Seeds of the closing check of the before and after scenarios.",
    )
    seed: int = Field(ge=0, le=2**63 - 1, description="Master seed: proposals and run seeds.")
    scale: float = Field(gt=0.0, le=1.0, description="Agents per real household in every run.")
    end: dt.date = Field(
        strict=False, description="Last simulated day of every run (the data stop on 4 Oct)."
    )
    distance: Literal["log", "ard"] = Field(
        "log", description="log: mean |ln(model/observed)|; ard: mean relative difference."
    )

    @model_validator(mode="after")
    def _enough(self) -> CalibrationSpec:
        if math.floor(self.particles * self.accept) < 5:
            raise ValueError(
                f"accept: {self.accept} of {self.particles} particles keeps fewer than 5"
            )
        return self


@dataclass(frozen=True)
class Loaded:
    """A checked calibration file with its scenarios loaded."""

    spec: CalibrationSpec
    file: str
    base: Scenario
    before: Scenario
    scenario_path: Path
    targets_path: Path | None


def _error(exc: ValidationError, file: str) -> CalibrationError:
    error = exc.errors(include_url=False)[0]
    loc = [str(p) for p in error["loc"]]
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = f"unknown key '{loc[-1]}'"
    elif error["type"] == "missing":
        message = "missing (this key is required)"
    elif not isinstance(error.get("input"), dict | list) and error["type"] != "value_error":
        message += f", got {error.get('input')!r}"
    return CalibrationError(file, message, key=".".join(loc) or None)


def _scenario(here: Path, name: str, file: str, key: str, spec: CalibrationSpec) -> Scenario:
    try:
        scenario = load_scenario(here / name)
    except ScenarioError as exc:
        raise CalibrationError(file, str(exc), key=key) from None
    return scenario.model_copy(update={"scale": spec.scale, "end": spec.end}, deep=True)


def check_budget(spec: CalibrationSpec, file: str) -> int:
    """The runs of a calibration, refused above the stated maxima before any is made."""
    runs = spec.particles * (spec.rounds + 1) + 2 * spec.replicates
    if limits.over(spec.particles, limits.MAX_PARTICLES):
        raise CalibrationError(
            file,
            f"{spec.particles:,} particles, more than the {limits.MAX_PARTICLES:,} a round may "
            f"have ({limits.HOW_TO_LIFT})",
            key="particles",
        )
    if limits.over(runs, limits.MAX_RUNS):
        raise CalibrationError(
            file,
            f"{runs:,} runs, more than the {limits.MAX_RUNS:,} a calibration may have "
            f"({limits.HOW_TO_LIFT})",
            key="rounds",
        )
    return runs


def load_spec(path: str | os.PathLike[str]) -> Loaded:
    """Read and check a calibration file (or a shipped one by name) and the scenarios it names."""
    path = experiment_file(path)
    shown = os.fspath(path)
    data = read_yaml_mapping(path, error=CalibrationError, what="calibration file")
    try:
        spec = CalibrationSpec.model_validate(data)
    except ValidationError as exc:
        raise _error(exc, shown) from None
    check_budget(spec, shown)
    here = Path(shown).parent
    base = _scenario(here, spec.scenario, shown, "scenario", spec)
    before = base if spec.before is None else _scenario(here, spec.before, shown, "before", spec)
    if spec.end <= base.start:
        raise CalibrationError(shown, f"{spec.end} is not after the scenario's start", key="end")
    try:
        check_run_length(base, None, shown)
    except ScenarioError as exc:
        raise CalibrationError(shown, exc.message, key="end") from None
    from exodus.calibration.abc import check_parameters

    check_parameters(spec, base, shown)
    targets = None if spec.targets is None else here / spec.targets
    return Loaded(spec, shown, base, before, here / spec.scenario, targets)
