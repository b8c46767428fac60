"""The Python API: load a scenario, run it, read a finished run or sweep, all as pandas tables.

The `exodus` command is built on these functions (`exodus run` is `load_scenario`, `run` and
`Run.save`), so a notebook and the command line give the same numbers for the same scenario and
seed. Tables have one dtype per column whatever their source: `date` as `datetime64[ns]`, `town`,
`country`, `scenario` and an event's `kind` as categoricals (towns in the scenario's order), `day`
as an integer, every figure as a float.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from exodus import runner
from exodus.model.record import EVENTS_COLUMNS, TIMESERIES_COLUMNS
from exodus.outputs import RunDirError, read_rows, write_run
from exodus.runner import RunResult
from exodus.scenario import loader
from exodus.scenario.loader import Overrides
from exodus.scenario.schema import Scenario

ScenarioSource = Scenario | str | os.PathLike[str]
"""A loaded scenario, a scenario file, or the name of a shipped scenario (`baseline_2022`)."""


def load_scenario(source: ScenarioSource, overrides: Overrides | None = None) -> Scenario:
    """A scenario by path or shipped name, with overrides by dotted name.

    `overrides` is a mapping of Python values (`{"housing.bid_up_per_rival": 0.05, "seed": 1}`)
    or `--set`-style texts (`["housing.bid_up_per_rival=0.05"]`). A mistake raises
    `ScenarioError`, whose message names the file, key and line as the CLI prints it.
    """
    if isinstance(source, Scenario):
        return loader.with_overrides(source, overrides) if overrides else source
    return loader.load_scenario(source, overrides or ())


@dataclass(frozen=True)
class Run:
    """A finished run: its scenario, seed and records, the records as pandas tables."""

    result: RunResult
    """The records as the model wrote them (rows of dicts), for `save` and the sweep code."""
    meta: dict[str, Any] = field(default_factory=dict)
    """A loaded run's meta.json (provenance: versions, commit, wall time); empty for a new run."""

    @property
    def scenario(self) -> Scenario:
        return self.result.scenario

    @property
    def seed(self) -> int:
        return self.result.seed

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """One row per town and day: `exodus.model.record.TIMESERIES_COLUMNS`."""
        return table(self.result.timeseries, TIMESERIES_COLUMNS, self.towns)

    @cached_property
    def events(self) -> pd.DataFrame:
        """Dated notable moments per town: `exodus.model.record.EVENTS_COLUMNS`."""
        return table(self.result.events, EVENTS_COLUMNS, self.towns)

    @property
    def towns(self) -> list[str]:
        """The run's towns, in the scenario's order (the order of the categoricals)."""
        return list(self.scenario.enabled_towns())

    def save(self, out_dir: str | os.PathLike[str], *, force: bool = False) -> list[Path]:
        """Write the run as `exodus run` does (timeseries.csv, events.csv, meta.json,
        scenario.yaml, plots), all at once; an existing directory is replaced only with `force`."""
        return write_run(self.result, Path(out_dir), force=force)


def run(
    scenario: ScenarioSource = "baseline_2022",
    overrides: Overrides | None = None,
    *,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Run:
    """Run a scenario (loaded, by path or by shipped name, with `overrides`) from start to end.

    `seed` replaces the scenario's seed; `progress(done_days, total_days)` is called after each
    day. The same scenario and seed give the same tables, and `save` the same files byte for byte.
    """
    settings = load_scenario(scenario, overrides)
    return Run(runner.run_scenario(settings, seed=seed, progress=progress))


def load_run(run_dir: str | os.PathLike[str]) -> Run:
    """A run directory written by `exodus run` or `Run.save`, read back as a `Run`.

    Figures come back as written (eight significant digits). A missing or broken file raises
    `RunDirError` naming it.
    """
    run_dir = Path(run_dir)
    scenario_file = run_dir / "scenario.yaml"
    if not scenario_file.is_file():
        raise RunDirError(f"{scenario_file}: no such file (is {run_dir} a run directory?)")
    scenario = loader.load_scenario(scenario_file)
    series = read_rows(run_dir / "timeseries.csv", run_dir, TIMESERIES_COLUMNS)
    events = read_rows(run_dir / "events.csv", run_dir, EVENTS_COLUMNS)
    meta_file = run_dir / "meta.json"
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        meta = {}
    except (OSError, ValueError) as exc:
        raise RunDirError(f"{meta_file}: cannot be read ({exc})") from None
    result = RunResult(
        scenario=scenario,
        seed=int(meta.get("seed", scenario.seed)),
        timeseries=[_typed(row) for row in series],
        events=[_typed(row) for row in events],
        agent_weight=float(meta.get("agent_weight", 1.0 / scenario.scale)),
        agent_steps=int(meta.get("agent_steps", 0)),
        wall_seconds=float(meta.get("wall_seconds", 0.0)),
    )
    return Run(result, meta)


TEXT_COLUMNS = frozenset({"date", "town", "country", "kind", "detail"})


def _typed(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row with the types the recorder gives: `day` an int, figures floats."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in TEXT_COLUMNS:
            out[key] = value
        elif key == "day":
            out[key] = int(value)
        else:
            out[key] = float(value) if value != "" else float("nan")
    return out


CATEGORICAL = ("town", "country", "scenario", "kind")


def table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], towns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Rows as a DataFrame with exodus's dtypes: `date` datetime64, names categorical (towns in
    the order given), `day` int64."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns))
    return typed(frame, towns)


def typed(frame: pd.DataFrame, towns: Sequence[str] | None = None) -> pd.DataFrame:
    """`frame` with exodus's dtypes (see `table`); columns it lacks are left alone."""
    if "date" in frame:
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    if "day" in frame:
        frame["day"] = frame["day"].astype("int64")
    for column in CATEGORICAL:
        if column not in frame:
            continue
        if column == "town" and towns is not None:
            categories = list(towns) + sorted(set(frame["town"]) - set(towns))
        else:
            categories = list(dict.fromkeys(frame[column]))
        frame[column] = pd.Categorical(frame[column], categories=categories)
    return frame


@dataclass(frozen=True)
class Sweep:
    """A finished sweep: what it ran and the rows of every run."""

    root: Path
    info: dict[str, Any]
    """experiment.json: the experiment as resolved, its design points, its hash."""
    results: pd.DataFrame
    """results.parquet: one row per run, town and kept day, with the run's labels."""
    runs: pd.DataFrame
    """index.csv: one row per run (labels, status, wall_seconds, error)."""


def load_sweep(sweep_dir: str | os.PathLike[str]) -> Sweep:
    """A sweep directory written by `exodus sweep`, its tables with the dtypes of `table`.

    A directory that is not a finished sweep raises `StoreError` saying what is missing.
    """
    from exodus.sweep.store import INDEX_FILE, Store, read_results

    root = Path(sweep_dir)
    info = Store.read_info(root)
    runs = pd.read_csv(root / INDEX_FILE, dtype={"error": "string"})
    return Sweep(root, info, typed(read_results(root)), typed(runs))


def run_sweep(
    experiment: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    workers: int | None = None,
    dask: str | None = None,
    resume: bool = False,
    force: bool = False,
) -> Sweep:
    """Run an experiment file (or a shipped experiment by name) as `exodus sweep` does, into `out`
    (default sweeps/<name>), and return it as `load_sweep` reads it. Runs that failed are rows of
    `Sweep.runs` with status "failed" and their traceback; `resume=True` runs them again.

    The local pool starts its workers with `spawn`, so this works from a notebook; in a script,
    call it under `if __name__ == "__main__":`.
    """
    from exodus.sweep import run as sweep_run

    done = sweep_run.run_sweep(
        experiment, out, workers=workers, dask=dask, resume=resume, force=force
    )
    return load_sweep(done.out)
