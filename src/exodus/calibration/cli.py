"""`exodus compare` and `exodus calibrate`: hold runs against observed figures, and fit to them."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from exodus.calibration.targets import TargetsError
from exodus.cliargs import EXIT_USER_ERROR, add_no_limits, dask_address, whole_number
from exodus.stopping import exit_code, signal_name

_workers = whole_number(1, 4096)


def add_parser(subparsers: Any) -> None:
    """Add the `compare` and `calibrate` sub-commands."""
    compare = subparsers.add_parser(
        "compare",
        help="hold a run or a sweep against the observed figures and score it",
        description="For each target of the observed-targets table: the model value (the median "
        "over replicates, with a 5-95% interval, for a sweep), the observed value and the "
        "error; then ARD, the mean absolute log ratio and, for a sweep, the CRPS of the replicates "
        "over the observed value, for calibration and validation targets apart. Writes "
        "compare.csv and compare.png into the run directory (or --out PREFIX).",
    )
    compare.add_argument("run_dir", metavar="RUN_DIR", help="a run directory or a sweep directory")
    compare.add_argument(
        "--observed",
        metavar="FILE",
        help="targets table (default: the shipped data/targets.csv); see docs/calibration.md",
    )
    compare.add_argument(
        "--scenario",
        metavar="FILE",
        help="for a sweep directory: the scenario file it ran, if it cannot be found",
    )
    compare.add_argument("--out", metavar="PREFIX", help="write PREFIX.csv and PREFIX.png instead")
    compare.set_defaults(func=cmd_compare)

    calibrate = subparsers.add_parser(
        "calibrate",
        help="fit parameters to the calibration targets by ABC",
        description="Fit the parameters of a calibration file to the calibration targets by "
        "approximate Bayesian computation (rejection, then ABC-SMC rounds) on all local cores or "
        "a Dask cluster. Validation targets are never used in fitting. Writes the accepted "
        "parameter sets, their distributions (posterior.png), a calibrated scenario that extends "
        "the fitted one, and scores before and after into DIR. Each finished run is stored "
        "beside DIR (in .<DIR name>.partial) until DIR is written: a calibration stopped by "
        "Ctrl-C, SIGTERM or SIGHUP is completed by the same command with --resume, which runs "
        "only what is not stored and writes what an uninterrupted calibration would have.",
    )
    calibrate.add_argument(
        "experiment",
        metavar="EXPERIMENT",
        help="calibration YAML file, or the name of a shipped one (calibration_2022, "
        "calibration_2022_recovery)",
    )
    calibrate.add_argument(
        "--out", metavar="DIR", help="output directory (default: calibrations/<name>)"
    )
    calibrate.add_argument(
        "--workers", type=_workers, metavar="N", help="local processes (default: all cores)"
    )
    calibrate.add_argument(
        "--dask",
        metavar="ADDRESS",
        type=dask_address,
        help="run on a Dask scheduler (tcp://host:8786), or 'local' for a local Dask cluster",
    )
    calibrate.add_argument(
        "--resume",
        action="store_true",
        help="complete a stopped calibration into DIR, reusing its stored runs (the same "
        "calibration file only)",
    )
    calibrate.add_argument(
        "--force",
        action="store_true",
        help="replace an existing DIR, and any stopped calibration stored for it",
    )
    calibrate.add_argument(
        "--recovery",
        type=whole_number(1, 100),
        metavar="N",
        help="instead of fitting the data, test the fit: at N known points of the priors make "
        "synthetic observations with the model and fit them with the file's settings; writes "
        "recovery.md and recovery.csv (coverage of the 90%% interval and bias per parameter) into "
        "DIR (default: calibrations/<name>_recovery)",
    )
    calibrate.add_argument("--quiet", action="store_true", help="no progress and no report")
    add_no_limits(calibrate)
    calibrate.set_defaults(func=cmd_calibrate)


def _fail(message: str) -> int:
    print(f"exodus: error: {message}", file=sys.stderr)
    return EXIT_USER_ERROR


def cmd_compare(args: argparse.Namespace) -> int:
    from exodus.calibration.compare import (
        compare_run,
        comparison_csv,
        report,
        write_atomic,
    )
    from exodus.calibration.figures import comparison_figure
    from exodus.calibration.load import (
        check_sweep_info,
        is_sweep,
        kept_targets,
        load_run_dir,
        load_sweep_dir,
        sweep_columns,
    )
    from exodus.calibration.targets import load_targets
    from exodus.files import UserFileError, check_output_file

    path = Path(args.run_dir)
    prefix = Path(args.out) if args.out else path / "compare"
    csv_path = prefix.with_name(prefix.name + ".csv")
    png_path = prefix.with_name(prefix.name + ".png")
    try:
        if not path.is_dir():
            raise TargetsError(f"{path}: no such run or sweep directory")
        if not prefix.parent.is_dir():
            raise TargetsError(f"--out {args.out}: the directory {prefix.parent} does not exist")
        for output in (csv_path, png_path):  # before anything is read or computed
            check_output_file(output)
        targets = load_targets(args.observed)
        if is_sweep(path):
            check_sweep_info(path)  # a damaged experiment.json before any note about metrics
            targets, skipped = kept_targets(targets, sweep_columns(path))
            if not targets:
                raise TargetsError(
                    f"{path}: the sweep kept none of the metrics the targets read; add "
                    "departures_abroad, arrivals_from_abroad and rent_index to its metrics"
                )
            if skipped:
                print(
                    f"exodus compare: the sweep did not keep the metric of {', '.join(skipped)}; "
                    "those targets are left out",
                    file=sys.stderr,
                )
            scenario = Path(args.scenario) if args.scenario else None
            groups = load_sweep_dir(path, targets, scenario)
        else:
            groups = [load_run_dir(path)]
        results = [(g, compare_run(targets, g.runs, str(path))) for g in groups]
    except (TargetsError, UserFileError) as exc:
        return _fail(str(exc))
    csv_lines: list[str] = []
    for group, rows in results:
        body = comparison_csv(rows).splitlines()
        if not csv_lines:
            csv_lines.append(f"group,{body[0]}")
        csv_lines += [f'"{group.label}",{line}' for line in body[1:]]
        print(f"== {group.label} ({len(group.runs)} run{'s' if len(group.runs) > 1 else ''}) ==")
        print(report(rows))
    write_atomic(csv_path, "\n".join(csv_lines) + "\n")
    first, _ = results[0]
    scenario = first.runs[0][0]
    png = comparison_figure(
        [t for t in targets], first.runs, f"{first.label}: observed figures over the model"
    )
    write_atomic(png_path, png)
    print(csv_path)
    print(png_path)
    if len(results) > 1:
        print(f"(the figure shows the first group, {first.label}, of scenario {scenario.name})")
    return 0


def _recovery(args: argparse.Namespace, loaded: Any, out: Path) -> int:
    """`exodus calibrate FILE --recovery N`: fit synthetic observations at N known points."""
    from exodus.calibration.calibrate import execute_with
    from exodus.calibration.recovery import by_parameter, run_recovery
    from exodus.sweep.executor import ExecutorError

    if args.resume:
        return _fail("--recovery cannot --resume: run it again (its runs are not stored)")
    spec = loaded.spec

    def log(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr)

    runs = args.recovery * (spec.particles * (spec.rounds + 1) + 1)
    log(f"{spec.name}: parameter recovery at {args.recovery} known points, {runs} runs")
    try:
        rows = run_recovery(
            loaded,
            out,
            execute_with(args.workers, args.dask, not args.quiet),
            args.recovery,
            force=args.force,
            log=log,
        )
    except (TargetsError, ExecutorError) as exc:
        return _fail(str(exc))
    if not args.quiet:
        for p in by_parameter(rows):
            print(
                f"{p.parameter}: known value inside the 90% interval at {p.covered} of "
                f"{p.points} points, mean bias {p.mean_bias_share:+.3f} of the prior's width"
            )
        print(out / "recovery.md")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from exodus.calibration.calibrate import calibrate, execute_with
    from exodus.calibration.spec import load_spec
    from exodus.sweep.cli import default_out_dir
    from exodus.sweep.executor import ExecutorError

    if args.workers is not None and args.dask not in (None, "local"):
        return _fail("--workers sizes the local pool or --dask local, not a remote cluster")
    if args.resume and args.force:
        return _fail("--resume and --force: choose one")
    loaded = load_spec(args.experiment)
    suffix = "_recovery" if args.recovery and not loaded.spec.name.endswith("_recovery") else ""
    out = (
        Path(args.out)
        if args.out
        else Path("calibrations") / (default_out_dir(loaded.spec.name).name + suffix)
    )
    quiet = args.quiet
    if args.recovery:
        return _recovery(args, loaded, out)

    def log(text: str) -> None:
        if not quiet:
            print(text, file=sys.stderr)

    spec = loaded.spec
    log(
        f"{spec.name}: {len(spec.parameters)} parameters, {spec.particles} runs per round, "
        f"{spec.rounds + 1} round(s), {args.dask or (args.workers or 'all')} "
        f"{'' if args.dask else 'local workers'}".rstrip()
    )
    try:
        summary = calibrate(
            loaded,
            out,
            execute_with(args.workers, args.dask, not quiet),
            force=args.force,
            resume=args.resume,
            log=log,
        )
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP: every worker is stopped by now
        stored = getattr(exc, "calibration_stored", None)
        if stored is None:
            raise
        count, runs, where = stored
        print(
            f"exodus: interrupted by {signal_name(exc)}: {count} of {runs} runs are stored in "
            f"{where}; complete them with: exodus calibrate {shlex.quote(args.experiment)} "
            f"--out {shlex.quote(str(out))} --resume",
            file=sys.stderr,
        )
        return exit_code(exc)
    except (TargetsError, ExecutorError) as exc:
        stored = getattr(exc, "calibration_stored", None)
        if stored is not None:
            return _fail(f"{exc}; {stored[0]} runs are stored: complete them with --resume")
        return _fail(str(exc))
    if not quiet:
        report = (out / "report.txt").read_text(encoding="utf-8")
        print(report[report.index("== before ==") :])  # its warnings are printed last, below
        before, after = summary["scores"]["before"], summary["scores"]["after"]
        for role in ("calibration", "validation"):
            b, a = before[role], after[role]
            line = (
                f"{role:<12} mean abs log ratio {b['mean_abs_log_ratio']:.3f} -> "
                f"{a['mean_abs_log_ratio']:.3f}, ARD {b['ard']:.3f} -> {a['ard']:.3f}"
            )
            if b["crps_over_observed"] is not None and a["crps_over_observed"] is not None:
                line += (
                    f", CRPS/observed {b['crps_over_observed']:.3f} -> "
                    f"{a['crps_over_observed']:.3f}"
                )
            print(line)
        print(f"{summary['runs']} runs in {summary['wall_seconds']:.0f} s; {out}")
    for warning in summary["warnings"]:  # last, where they are seen; --quiet does not hide them
        print(f"exodus calibrate: warning: {warning}", file=sys.stderr)
    return 0
