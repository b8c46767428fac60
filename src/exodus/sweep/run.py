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
) -> SweepDone:
    """Every run of an experiment file (or shipped experiment by name) into `out` (default
    sweeps/<name>); `announce` hears the one-line plan before the runs start."""
    from exodus.sweep.executor import execute
    from exodus.sweep.experiment import (
        KeepRows,
        design_points,
        expand,
        experiment_hash,
        load_experiment,
        parameter_types,
    )
    from exodus.sweep.store import Store

    if resume and force:
        raise SweepError("--resume and --force: choose one")
    if workers is not None and dask not in (None, "local"):
        raise SweepError("--workers sizes the local pool or --dask local, not a remote cluster")
    experiment = load_experiment(experiment_file)
    specs = expand(experiment, experiment_file)
    names = list(experiment.parameters)
    info = {
        "name": experiment.name,
        "hash": experiment_hash(experiment, specs),
        "experiment": experiment.model_dump(mode="json"),
        "design_points": design_points(experiment),
        "parameter_types": parameter_types(specs, names),
        "runs": len(specs),
        "scenarios": scenario_dates(specs),
    }
    root = Path(out) if out is not None else default_out_dir(experiment.name)
    store = Store.open(
        root, info=info, parameters=names, metrics=experiment.metrics, resume=resume, force=force
    )
    done = store.done_ok() if resume else set()
    todo = [spec for spec in specs if spec.run_id not in done]
    by_id = {spec.run_id: spec for spec in specs}
    where = f"dask {dask}" if dask else f"{workers or 'all'} local workers"
    if announce is not None:
        announce(f"{experiment.name}: {len(specs)} runs ({len(done)} already done), {where}")
    started = time.perf_counter()
    try:
        execute(
            todo,
            workers=workers,
            dask=dask,
            keep=KeepRows.of(experiment),
            on_done=lambda outcome: store.write(outcome, by_id[outcome.run_id]),
            progress=progress,
        )
    except OSError as exc:  # a scheduler that cannot be reached
        raise SweepError(f"--dask {dask}: cannot reach the scheduler ({exc})") from None
    ok, failed, missing = store.consolidate([spec.run_id for spec in specs])
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
