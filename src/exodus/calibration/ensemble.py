"""`exodus run SCENARIO --ensemble N`: a scenario as draws from the posterior, not as one run.

A single run of the calibrated baseline shows one seed at the posterior median. An ensemble runs
the scenario N times, each run with a parameter set drawn by weight from a calibration's posterior
(by default the shipped calibration_2022's) and a seed of its own, both spawned from one master
seed. It is an experiment of the `posterior` design run by the sweep code (same executor, store,
resume and report), so the same seed gives the same runs, byte for byte, on any number of workers
or on Dask; its report draws each metric's bands over the N runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from exodus.shipped import PACKAGE_DIR, scenario_file
from exodus.sweep.experiment import Experiment

SHIPPED_POSTERIOR = PACKAGE_DIR / "data" / "calibration_2022_posterior.csv"
"""The posterior of the shipped calibration (a copy of docs/calibration/calibration_2022's)."""

METRICS = ["rent_index", "tension_index", "migrants_present", "hostile_share", "displaced_locals"]


def ensemble_experiment(
    scenario: str | os.PathLike[str],
    members: int,
    seed: int,
    *,
    posterior: str | os.PathLike[str] | None = None,
    overrides: Sequence[str] = (),
) -> tuple[Experiment, Path]:
    """The experiment of an ensemble, and the file its relative paths start from (the scenario)."""
    from exodus.sweep.experiment import load_posterior_draws

    path = Path(scenario_file(scenario)).resolve()
    source = Path(posterior).resolve() if posterior is not None else SHIPPED_POSTERIOR
    experiment = Experiment.model_validate(
        {
            "name": f"{path.stem}_ensemble",
            "description": f"{path.stem}: {members} draws from the posterior {source.name}, "
            "one seed each",
            "scenarios": [os.fspath(path)],
            "set": list(overrides),
            "design": "posterior",
            "posterior": os.fspath(source),
            "samples": members,
            "replicates": 1,
            "common_seeds": False,
            "seed": seed,
            "metrics": METRICS,
        }
    )
    load_posterior_draws(experiment, os.fspath(path))
    return experiment, path


def run_ensemble(
    scenario: str | os.PathLike[str],
    members: int,
    seed: int,
    out: Path,
    *,
    posterior: str | os.PathLike[str] | None = None,
    overrides: Sequence[str] = (),
    workers: int | None = None,
    force: bool = False,
    progress: bool = False,
    announce: Callable[[str], None] | None = None,
) -> tuple[Any, list[Path]]:
    """Run the ensemble into `out` and write its report; the sweep's summary and the files."""
    from exodus.sweep.report import write_report
    from exodus.sweep.run import run_sweep

    experiment, path = ensemble_experiment(
        scenario, members, seed, posterior=posterior, overrides=overrides
    )
    done = run_sweep(
        path,
        out,
        workers=workers,
        force=force,
        progress=progress,
        announce=announce,
        experiment=experiment,
        command=f"exodus run {os.fspath(scenario)} --ensemble {members}",
    )
    written = write_report(out) if not (done.failed or done.missing) else []
    return done, written
