"""`exodus sweep` and `exodus report`: run an experiment file, then summarise its directory."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from exodus.cliargs import EXIT_USER_ERROR, whole_number
from exodus.scenario.loader import ScenarioError

EXIT_RUNS_FAILED = 1


class SweepError(Exception):
    """A user mistake on the sweep or report command line, reported in one line (exit 2)."""


def _user_errors(command: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """Report a user's mistake as one line and exit 2, like every other exodus command."""

    @wraps(command)
    def run(args: argparse.Namespace) -> int:
        from exodus.sweep.store import StoreError

        try:
            return command(args)
        except (SweepError, StoreError, ScenarioError) as exc:
            print(f"exodus: error: {exc}", file=sys.stderr)
            return EXIT_USER_ERROR

    return run


_workers = whole_number(1, 4096)


def add_parser(subparsers: Any) -> None:
    """Add the `sweep` and `report` sub-commands."""
    sweep = subparsers.add_parser(
        "sweep",
        help="run an experiment: scenarios x parameter values x replicates",
        description="Run every run of an experiment file on all local cores (or a Dask cluster) "
        "and write results.parquet and index.csv into DIR. Each run is stored as it finishes; "
        "--resume completes a sweep that was stopped. Exit 1 if any run failed.",
    )
    sweep.add_argument(
        "experiment",
        metavar="EXPERIMENT",
        help="experiment YAML file, or the name of a shipped one (e.g. classroom_spread)",
    )
    sweep.add_argument("--out", metavar="DIR", help="output directory (default: sweeps/<name>)")
    sweep.add_argument(
        "--workers", type=_workers, metavar="N", help="local processes (default: all cores)"
    )
    sweep.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask scheduler (tcp://host:8786), or 'local' for a local Dask cluster "
        "of --workers processes",
    )
    sweep.add_argument(
        "--resume",
        action="store_true",
        help="complete a stopped sweep in DIR: run what is missing or failed",
    )
    sweep.add_argument("--force", action="store_true", help="replace an existing DIR")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    sweep.set_defaults(func=cmd_sweep)

    report = subparsers.add_parser(
        "report",
        help="bands, peaks and sensitivity indices of a sweep",
        description="Write report.md with banded rent and tension curves per scenario and town "
        "(95% CI of the mean and 5-95 percentile range), a table of peaks with intervals, and "
        "for Morris or Sobol designs the sensitivity indices (SALib), into the sweep's DIR.",
    )
    report.add_argument("dir", metavar="DIR", help="a sweep directory written by exodus sweep")
    report.set_defaults(func=cmd_report)


def default_out_dir(name: str) -> Path:
    return Path("sweeps") / (re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "sweep")


@_user_errors
def cmd_sweep(args: argparse.Namespace) -> int:
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

    if args.resume and args.force:
        raise SweepError("--resume and --force: choose one")
    if args.workers is not None and args.dask not in (None, "local"):
        raise SweepError("--workers sizes the local pool or --dask local, not a remote cluster")
    experiment = load_experiment(args.experiment)
    specs = expand(experiment, args.experiment)
    names = list(experiment.parameters)
    info = {
        "name": experiment.name,
        "hash": experiment_hash(experiment, specs),
        "experiment": experiment.model_dump(mode="json"),
        "design_points": design_points(experiment),
        "parameter_types": parameter_types(specs, names),
        "runs": len(specs),
    }
    out = Path(args.out) if args.out else default_out_dir(experiment.name)
    store = Store.open(
        out,
        info=info,
        parameters=names,
        metrics=experiment.metrics,
        resume=args.resume,
        force=args.force,
    )
    done = store.done_ok() if args.resume else set()
    todo = [spec for spec in specs if spec.run_id not in done]
    by_id = {spec.run_id: spec for spec in specs}
    where = f"dask {args.dask}" if args.dask else f"{args.workers or 'all'} local workers"
    if not args.quiet:
        print(
            f"{experiment.name}: {len(specs)} runs ({len(done)} already done), {where}",
            file=sys.stderr,
        )
    started = time.perf_counter()
    try:
        execute(
            todo,
            workers=args.workers,
            dask=args.dask,
            keep=KeepRows.of(experiment),
            on_done=lambda outcome: store.write(outcome, by_id[outcome.run_id]),
            progress=not args.quiet,
        )
    except OSError as exc:  # a scheduler that cannot be reached
        raise SweepError(f"--dask {args.dask}: cannot reach the scheduler ({exc})") from None
    ok, failed, missing = store.consolidate([spec.run_id for spec in specs])
    if not args.quiet:
        print(
            f"{ok} ok, {failed} failed, {missing} missing in {time.perf_counter() - started:.1f} s"
            f"\n{out / 'results.parquet'}\n{out / 'index.csv'}"
        )
    if failed or missing:
        print(
            f"exodus: error: {failed + missing} of {len(specs)} runs failed; their tracebacks are "
            f"in {out / 'index.csv'}; rerun them with --resume",
            file=sys.stderr,
        )
        return EXIT_RUNS_FAILED
    return 0


@_user_errors
def cmd_report(args: argparse.Namespace) -> int:
    from exodus.sweep.report import write_report

    path = Path(args.dir)
    if not path.is_dir():
        raise SweepError(f"{path}: no such sweep directory")
    for written in write_report(path):
        print(os.fspath(written))
    return 0
