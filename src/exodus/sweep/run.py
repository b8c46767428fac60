"""Run a whole sweep: expand the experiment, open its directory, run what is not done, consolidate.

`exodus sweep` and the Python API's `exodus.run_sweep` both call this `run_sweep`; the command only adds
its messages and exit codes.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exodus import limits


class SweepError(Exception):
    """A user mistake on the sweep or report command line, reported in one line (exit 2)."""


@dataclass(frozen=True)
class SweepDone:
    """What a sweep did: where it wrote, how many runs, and how they ended."""

    name: str
    out: Path
    runs: int
    done_before: int
    ok: int
    failed: int
    missing: int
    seconds: float


def default_out_dir(name: str) -> Path:
    return Path("sweeps") / (re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "sweep")


def run_sweep(
    experiment_file: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    workers: int | None = None,
    dask: str | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool = False,
    announce: Callable[[str], None] | None = None,
    experiment: Any = None,
    command: str | None = None,
) -> SweepDone:
    """Every run of an experiment file (or shipped experiment by name) into `out` (default
    sweeps/<name>); `announce` hears the one-line plan before the runs start.

    `experiment`, an `Experiment` built in code (`exodus run --ensemble`), is run in place of the
    file's, whose folder its relative paths then start from; `command` is what a stopped sweep
    tells the user to run again."""
    from exodus.files import UserFileError, check_output_dir
    from exodus.sweep.executor import ExecutorError, execute
    from exodus.sweep.experiment import (
        KeepRows,
        check_design,
        design_points,
        expand,
        experiment_hash,
        load_bases,
        load_experiment,
        parameter_types,
    )
    from exodus.sweep.store import Store

    if resume and force:
        raise SweepError("--resume and --force: choose one")
    if workers is not None and dask not in (None, "local"):
        raise SweepError("--workers sizes the local pool or --dask local, not a remote cluster")
    if experiment is None:
        experiment = load_experiment(experiment_file)
    root = Path(out) if out is not None else default_out_dir(experiment.name)
    try:
        check_output_dir(root)  # before the scenarios are even loaded
    except UserFileError as exc:
        raise SweepError(str(exc)) from None
    check_design(experiment, os.fspath(experiment_file))
    bases = load_bases(experiment, experiment_file)
    specs = expand(experiment, experiment_file, bases)
    names = experiment.parameter_names()
    info = {
        "name": experiment.name,
        "hash": experiment_hash(experiment, specs),
        "experiment": experiment.model_dump(mode="json"),
        "design_points": design_points(experiment),
        "parameter_types": parameter_types(specs, names),
        "runs": len(specs),
        "scenarios": scenario_dates(specs),
        "resolved_scenarios": [base.model_dump(mode="json") for base in bases],
    }
    store = Store.open(
        root,
        info=info,
        parameters=names,
        metrics=experiment.metrics,
        resume=resume,
        force=force,
        command=command or f"exodus sweep {os.fspath(experiment_file)}",
    )
    try:
        done = store.done_ok() if resume else set()
        todo = [spec for spec in specs if spec.run_id not in done]
        by_id = {spec.run_id: spec for spec in specs}
        where = f"dask {dask}" if dask else f"{workers or 'all'} local workers"
        if announce is not None:
            first = specs[0].scenario
            days = (first.end - first.start).days + 1
            kept = len(range(0, days, experiment.days.every))
            guess = limits.estimate(
                len(todo),
                days,
                first.scale,
                len(first.enabled_towns()),
                kept,
                len(experiment.metrics),
            )
            announce(
                f"{experiment.name}: {len(specs)} runs ({len(done)} already done), {where}; {guess}"
            )
        started = time.perf_counter()
        stored = len(done)

        def write(outcome: Any) -> None:
            nonlocal stored
            store.write(outcome, by_id[outcome.run_id])
            stored += outcome.status == "ok"

        try:
            execute(
                todo,
                workers=workers,
                dask=dask,
                keep=KeepRows.of(experiment),
                on_done=write,
                progress=progress,
                retain=False,  # each run's rows go to its part; the parent keeps none
            )
        except ExecutorError as exc:
            raise SweepError(str(exc)) from None
        except KeyboardInterrupt as exc:  # the workers are stopped; say what is stored
            exc.sweep_stored = (stored, len(specs), root)  # type: ignore[attr-defined]
            raise
        ok, failed, missing = store.consolidate([spec.run_id for spec in specs])
    finally:
        store.close()
    return SweepDone(
        experiment.name,
        root,
        len(specs),
        len(done),
        ok,
        failed,
        missing,
        time.perf_counter() - started,
    )


def scenario_dates(specs: list) -> dict[str, dict]:
    """Per scenario, what its report marks: the mobilisation date, policy starts, border towns.

    Taken from each scenario's first run; kept in experiment.json beside (not in) the hash, so
    it changes no sweep's identity.
    """
    out: dict[str, dict] = {}
    for spec in specs:
        scenario = spec.scenario
        if scenario.name in out:
            continue
        out[scenario.name] = {
            "mobilisation_date": scenario.flows.mobilisation_date.isoformat()
            if scenario.flows.mobilised_scale > 0
            else None,
            "policies": [[p.kind, p.start.isoformat(), p.towns] for p in scenario.policies],
            "border_towns": [n for n, t in scenario.enabled_towns().items() if t.border],
        }
    return out
