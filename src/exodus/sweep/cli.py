"""`exodus sweep` and `exodus report`: run an experiment file, then summarise its directory."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from exodus.cliargs import EXIT_USER_ERROR, add_no_limits, dask_address, whole_number
from exodus.scenario.loader import ScenarioError
from exodus.stopping import exit_code, signal_name
from exodus.sweep.run import SweepError, default_out_dir

__all__ = ["SweepError", "add_parser", "default_out_dir"]

EXIT_RUNS_FAILED = 1


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
        "--resume completes a sweep that was stopped. A run whose worker dies is retried on a "
        "fresh one; SIGTERM, SIGHUP and Ctrl-C stop the workers and leave DIR resumable. "
        "Designs over the stated maxima are refused (--no-limits). Exit 1 if any run failed.",
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
        type=dask_address,
        help="run on a Dask scheduler (tcp://host:8786), or 'local' for a local Dask cluster "
        "of --workers processes",
    )
    sweep.add_argument(
        "--resume",
        action="store_true",
        help="complete a stopped sweep in DIR: run what is missing, failed or damaged",
    )
    sweep.add_argument("--force", action="store_true", help="replace an existing DIR")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    add_no_limits(sweep)
    sweep.set_defaults(func=cmd_sweep)

    report = subparsers.add_parser(
        "report",
        help="bands, peaks and sensitivity indices of a sweep",
        description="Write report.md into the sweep's DIR: for every kept metric a figure of "
        "its curves per town on a shared y-axis (mean of each curve's runs, 95% CI of the mean "
        "and 5-95 percentile range, the mobilisation and policy dates marked) and a table of "
        "peaks with intervals; for a grid design the peak against each parameter's value; for "
        "Morris or Sobol designs the sensitivity indices (SALib) and, for Morris, a mu*-sigma "
        "figure. Warns when a curve has too few runs for its bands.",
    )
    report.add_argument("dir", metavar="DIR", help="a sweep directory written by exodus sweep")
    report.add_argument(
        "--free-y",
        action="store_true",
        help="give each town's panel its own y-axis (default: one shared y-axis per figure)",
    )
    report.set_defaults(func=cmd_report)


@_user_errors
def cmd_sweep(args: argparse.Namespace) -> int:
    """`exodus sweep`: `run_sweep` (as the Python API's `exodus.run_sweep`), with messages and codes."""
    from exodus.sweep.run import run_sweep

    try:
        done = run_sweep(
            args.experiment,
            args.out,
            workers=args.workers,
            dask=args.dask,
            resume=args.resume,
            force=args.force,
            progress=not args.quiet,
            announce=None if args.quiet else lambda line: print(line, file=sys.stderr),
        )
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP: every worker is stopped by now
        stored = getattr(exc, "sweep_stored", None)
        if stored is None:
            raise
        count, runs, out = stored
        print(
            f"exodus: interrupted by {signal_name(exc)}: {count} of {runs} runs are stored in "
            f"{out}; complete them with: exodus sweep {args.experiment} --out {out} --resume",
            file=sys.stderr,
        )
        return exit_code(exc)
    out = done.out
    if not args.quiet:
        print(
            f"{done.ok} ok, {done.failed} failed, {done.missing} missing in {done.seconds:.1f} s"
            f"\n{out / 'results.parquet'}\n{out / 'index.csv'}"
        )
    if done.failed or done.missing:
        print(
            f"exodus: error: {done.failed + done.missing} of {done.runs} runs failed; their "
            f"tracebacks are in {out / 'index.csv'}; rerun them with --resume",
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

    def warn(text: str) -> None:
        print(f"exodus report: warning: {text}", file=sys.stderr)

    for written in write_report(path, free_y=args.free_y, warn=warn):
        print(os.fspath(written))
    return 0
