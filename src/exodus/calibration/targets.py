"""Observed targets: which published figure is held against which model output.

`data/targets.csv` ties each row of `observed_2022.csv` that the model can reproduce to one number
computed from a run: a timeseries column (or the derived `market_rent`), in a town or a whole
country, summed or averaged over a date range. Each target has a role: `calibration` (fitted),
`validation` (held out, never fitted) or `input` (a figure the scenario is built from, shown as a
check but never scored). The table is strict: a bad row is an error naming the file, line and
column, so a typo cannot silently drop a target.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from exodus import limits
from exodus.evidence import load_observed
from exodus.files import UserFileError, read_user_text
from exodus.model.record import COUNT_COLUMNS, TIMESERIES_COLUMNS
from exodus.scenario.schema import COUNTRIES, Scenario

ROLES = ("calibration", "validation", "input")
SCORED_ROLES = ("calibration", "validation")

DERIVED = {
    "market_rent": "a town's one-room market rent in local currency: rent_index x towns.<town>."
    "rent_1room (the centre of asking rents, free of the sampling noise of mean_asking_rent)"
}

METRICS = tuple(c for c in TIMESERIES_COLUMNS if c not in ("date", "day", "town", "country")) + (
    tuple(DERIVED)
)

COLUMNS = (
    "id",
    "figure",
    "role",
    "metric",
    "place",
    "start",
    "end",
    "aggregate",
    "observed",
    "unit",
    "note",
)


class TargetsError(Exception):
    """A targets table, or a run, that cannot be compared: where, and what is wrong."""


class Target(BaseModel):
    """One observed figure and the model output it is compared with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,19}$")
    figure: str = Field(pattern=r"^F\d\d$", description="Row id of observed_2022.csv.")
    role: Literal["calibration", "validation", "input"]
    metric: str
    place: str = Field(min_length=1, description="A town name, or a country code (KZ, KG).")
    start: dt.date
    end: dt.date
    aggregate: Literal["sum", "mean"] = Field(
        description="sum: the total over the dates (cumulative); mean: the daily average."
    )
    observed: float = Field(gt=0, allow_inf_nan=False)
    unit: str = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        if self.metric not in METRICS:
            raise ValueError(
                f"metric '{self.metric}' is not a timeseries column nor one of {', '.join(DERIVED)}"
            )
        if self.place in COUNTRIES and self.metric not in COUNT_COLUMNS:
            raise ValueError(
                f"metric '{self.metric}' is not a count, so it cannot add up over the towns of "
                f"{self.place}: name a town"
            )
        return self

    @property
    def scored(self) -> bool:
        return self.role in SCORED_ROLES

    def describe(self) -> str:
        """`departures_abroad KZ 2022-09-21..2022-09-27 (sum)`: what the model value is."""
        dates = self.start.isoformat()
        if self.end != self.start:
            dates += f"..{self.end.isoformat()}"
        return f"{self.metric} {self.place} {dates} ({self.aggregate})"


def default_targets_path() -> Path:
    """The shipped table, `exodus/data/targets.csv`."""
    return Path(str(resources.files("exodus.data").joinpath("targets.csv")))


def load_targets(path: str | os.PathLike[str] | None = None) -> list[Target]:
    """Read and check a targets table; every problem is a TargetsError with file and line."""
    path = default_targets_path() if path is None else Path(path)
    shown = os.fspath(path)
    try:
        text = read_user_text(path, what="targets table", limit=limits.MAX_CSV_BYTES)
    except UserFileError as exc:
        raise TargetsError(str(exc)) from None
    reader = csv.DictReader(text.splitlines())
    header = tuple(reader.fieldnames or ())
    if header != COLUMNS:
        raise TargetsError(f"{shown}: line 1: the header must be {','.join(COLUMNS)}")
    observed = load_observed()
    targets: list[Target] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        if None in row or any(value is None for value in row.values()):
            raise TargetsError(f"{shown}: line {line}: expected {len(COLUMNS)} columns")
        try:
            target = Target.model_validate({k: v.strip() for k, v in row.items()})
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in error["loc"]) or "row"
            message = error["msg"].removeprefix("Value error, ")
            raise TargetsError(f"{shown}: line {line}: {where}: {message}") from None
        if target.id in seen:
            raise TargetsError(f"{shown}: line {line}: id: '{target.id}' is used twice")
        if target.figure not in observed:
            raise TargetsError(
                f"{shown}: line {line}: figure: '{target.figure}' is not a row of observed_2022.csv"
            )
        seen.add(target.id)
        targets.append(target)
    if not targets:
        raise TargetsError(f"{shown}: no targets")
    return targets


def check_places(targets: Iterable[Target], scenario: Scenario, shown: str) -> None:
    """Every target's place is an enabled town of the run or one of its countries."""
    towns = scenario.enabled_towns()
    countries = {t.country for t in towns.values()}
    for target in targets:
        if target.place in COUNTRIES:
            if target.place not in countries:
                raise TargetsError(f"{shown}: target {target.id}: no town of {target.place} ran")
        elif target.place not in towns:
            raise TargetsError(
                f"{shown}: target {target.id}: '{target.place}' is not a town of the run "
                f"(towns: {', '.join(towns)})"
            )
        if target.metric == "market_rent" and target.place in COUNTRIES:
            raise TargetsError(f"{shown}: target {target.id}: market_rent needs a town")
        if target.start < scenario.start or target.end > scenario.end:
            raise TargetsError(
                f"{shown}: target {target.id}: {target.start}..{target.end} is outside the run "
                f"({scenario.start}..{scenario.end})"
            )


def model_value(target: Target, rows: Sequence[dict], scenario: Scenario) -> float:
    """The run's value for one target: its metric over its place, summed or averaged over dates.

    Rows are timeseries rows (values may be strings, as read from a CSV); dates compare as ISO text.
    """
    first, last = target.start.isoformat(), target.end.isoformat()
    is_country = target.place in COUNTRIES
    column = "rent_index" if target.metric == "market_rent" else target.metric
    per_day: dict[str, float] = {}
    for row in rows:
        date = str(row["date"])
        if not first <= date <= last:
            continue
        if (row["country"] if is_country else row["town"]) != target.place:
            continue
        per_day[date] = per_day.get(date, 0.0) + float(row[column])
    days = (target.end - target.start).days + 1
    if len(per_day) != days:
        return math.nan
    values = list(per_day.values())
    if target.metric == "market_rent":
        rent0 = scenario.towns[target.place].rent_1room
        values = [v * rent0 for v in values]
    total = math.fsum(values)
    return total if target.aggregate == "sum" else total / days


def model_values(
    targets: Iterable[Target], rows: Sequence[dict], scenario: Scenario
) -> list[float]:
    """`model_value` for each target, in order."""
    return [model_value(target, rows, scenario) for target in targets]
