"""Read what `exodus compare` compares: a run directory, or a sweep directory's replicates.

A run directory gives one run (timeseries.csv and the scenario.yaml it ran). A sweep directory
gives, for each scenario and design point, the rows of all its replicates; each group's scenario is
the scenario the sweep stored in experiment.json as it ran it (a sweep made before exodus stored
them: rebuilt from the experiment's scenario file) with the point's parameter values, because the
towns' countries and one-room rents live there, not in results.parquet. Every file is checked as
it is read back: a damaged one is an error naming it, never a traceback or a silent gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from exodus.calibration.targets import Target, TargetsError
from exodus.outputs import RunDirError, read_timeseries
from exodus.scenario.loader import ScenarioError, load_scenario
from exodus.scenario.schema import Scenario
from exodus.shipped import EXPERIMENTS_DIR


@dataclass
class Group:
    """Runs of one scenario at one design point: a label and (scenario, rows) per replicate."""

    label: str
    runs: list[tuple[Scenario, list[dict]]]


def is_sweep(path: Path) -> bool:
    return (path / "experiment.json").is_file()


def load_run_dir(path: Path) -> Group:
    """One written run: its rows (values as text), checked whole, and its resolved scenario."""
    series = path / "timeseries.csv"
    scenario_file = path / "scenario.yaml"
    if not series.is_file() and not series.exists():
        raise TargetsError(
            f"{path}: not a run directory (no timeseries.csv) nor a sweep "
            "directory (no experiment.json)"
        )
    if not scenario_file.is_file():
        raise TargetsError(f"{scenario_file}: no such file (the run's scenario is needed)")
    try:
        rows = read_timeseries(path, ["rent_index"])
    except RunDirError as exc:
        raise TargetsError(str(exc)) from None
    if "country" not in rows[0]:
        raise TargetsError(f"{series}: missing column 'country'")
    try:
        scenario = load_scenario(scenario_file)
    except ScenarioError as exc:
        raise TargetsError(str(exc)) from None
    return Group(path.name, [(scenario, rows)])


def _resolve_scenarios(info: dict, path: Path, scenario_file: Path | None) -> dict[str, Scenario]:
    """Scenario name -> resolved scenario (with the experiment's `set`), for a sweep's runs."""
    experiment = info.get("experiment", {})
    overrides = experiment.get("set", [])
    stored = info.get("resolved_scenarios")
    if scenario_file is None and isinstance(stored, list):
        # The scenarios as the sweep ran them: an edit of a file since, or another directory,
        # cannot change what the runs are compared as.
        try:
            resolved = [Scenario.model_validate(tree) for tree in stored]
        except (ValidationError, TypeError) as exc:
            raise TargetsError(
                f"{path / 'experiment.json'}: damaged (a stored scenario does not load: "
                f"{str(exc).splitlines()[0]})"
            ) from None
        return {scenario.name: scenario for scenario in resolved}
    if scenario_file is not None:
        files = [scenario_file]
    else:
        here = Path(info["experiment_file"]).parent if info.get("experiment_file") else None
        files = []
        for name in experiment.get("scenarios", []):
            roots = [
                r for r in (here, Path("experiments"), Path("."), EXPERIMENTS_DIR) if r is not None
            ]
            found = next((r / name for r in roots if (r / name).is_file()), None)
            if found is None:
                raise TargetsError(
                    f"{path}: cannot find the sweep's scenario file '{name}'; name it with "
                    "--scenario FILE"
                )
            files.append(found)
    scenarios = {}
    for file in files:
        try:
            scenario = load_scenario(file, overrides)
        except ScenarioError as exc:
            raise TargetsError(str(exc)) from None
        scenarios[scenario.name] = scenario
    return scenarios


def check_sweep_info(path: Path) -> dict:
    """A sweep directory's experiment.json, checked; a TargetsError if it is damaged."""
    from exodus.sweep.store import Store, StoreError

    try:
        return Store.read_info(path)
    except StoreError as exc:
        raise TargetsError(str(exc)) from None


def sweep_columns(path: Path) -> set[str]:
    """The columns a sweep's results.parquet holds."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from exodus import limits
    from exodus.files import UserFileError, check_user_file

    results = path / "results.parquet"
    if not results.exists():
        raise TargetsError(f"{results}: no such file (has the sweep finished?)")
    try:
        check_user_file(results, what="sweep's results.parquet", limit=limits.MAX_SWEEP_FILE_BYTES)
        return set(pq.read_schema(results).names)
    except UserFileError as exc:
        raise TargetsError(str(exc)) from None
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise TargetsError(f"{results}: damaged ({str(exc).strip()[:200]})") from None


def kept_targets(targets: Sequence[Target], columns: set[str]) -> tuple[list[Target], list[str]]:
    """The targets a sweep can answer (their metric was kept), and a note on those it cannot."""
    usable, notes = [], []
    for target in targets:
        column = "rent_index" if target.metric == "market_rent" else target.metric
        if column in columns:
            usable.append(target)
        else:
            notes.append(f"{target.id} ({column})")
    return usable, notes


def load_sweep_dir(
    path: Path, targets: Sequence[Target], scenario_file: Path | None = None
) -> list[Group]:
    """A sweep's runs grouped by scenario and design point, rows limited to the targets' dates."""
    import pyarrow.compute as pc

    from exodus.sweep.experiment import ExperimentError, apply_point
    from exodus.sweep.store import StoreError, read_parquet

    info = check_sweep_info(path)
    results = path / "results.parquet"
    if not results.exists():
        raise TargetsError(f"{results}: no such file (has the sweep finished?)")
    try:
        whole = read_parquet(results, what="sweep's results.parquet")
    except StoreError as exc:
        raise TargetsError(str(exc)) from None
    columns = set(whole.column_names)
    needed = {"rent_index" if t.metric == "market_rent" else t.metric for t in targets}
    absent = sorted(needed - columns)
    if absent:
        raise TargetsError(
            f"{path}: the sweep kept no {', '.join(absent)}: add them to the experiment's metrics"
        )
    labels = ["scenario", "point", "replicate", "date", "town"]
    absent = [c for c in labels if c not in columns]
    if absent:
        raise TargetsError(f"{results}: damaged (no column {', '.join(absent)})")
    table = whole.select([*labels, *sorted(needed)])
    first = min(t.start for t in targets)
    last = max(t.end for t in targets)
    date = table["date"]
    table = table.filter(pc.and_(pc.greater_equal(date, first), pc.less_equal(date, last)))
    scenarios = _resolve_scenarios(info, path, scenario_file)
    points = info.get("design_points", [{}])
    if pc.max(table["point"]).as_py() is not None and pc.max(table["point"]).as_py() >= len(points):
        raise TargetsError(f"{results}: damaged (a design point not in experiment.json)")
    grouped: dict[tuple[str, int], dict[int, list[dict]]] = {}
    for row in table.to_pylist():
        runs = grouped.setdefault((row["scenario"], row["point"]), {})
        row["date"] = row["date"].isoformat()
        runs.setdefault(row["replicate"], []).append(row)
    groups = []
    for (name, point), runs in sorted(grouped.items()):
        if name not in scenarios:
            raise TargetsError(f"{path}: runs of scenario '{name}' but no such scenario file")
        try:
            scenario, _ = apply_point(scenarios[name], points[point], str(path))
        except ExperimentError as exc:
            raise TargetsError(str(exc)) from None
        country = {town: spec.country for town, spec in scenario.towns.items()}
        for rows in runs.values():
            for row in rows:
                row["country"] = country.get(row["town"], "")
        shown = ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in points[point].items()
        )
        label = f"{name} point {point}" + (f" ({shown})" if shown else "")
        groups.append(Group(label, [(scenario, rows) for _, rows in sorted(runs.items())]))
    if not groups:
        raise TargetsError(f"{results}: no rows between {first} and {last}")
    return groups
