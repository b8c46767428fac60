"""The `exodus` command: run, check, schema, plot, explain.

A user's mistake (a bad scenario, an existing output directory, a missing run) ends with exit code 2
and one line on stderr, `exodus: error: <where>: <what>`, never a traceback: the message is the
whole help the user needs. Only a bug in exodus itself shows a traceback. The machine's refusals
(a full disk, a permission) are one line naming the path and the operating system's reason, and
SIGTERM and SIGHUP stop a command as Ctrl-C does (exit 128 + the signal's number).
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import typing
from collections.abc import Sequence
from pathlib import Path

from exodus import __version__, limits
from exodus.cliargs import EXIT_USER_ERROR, add_no_limits, scale, whole_number
from exodus.files import UserFileError, check_output_dir, check_output_file
from exodus.outputs import OutputExistsError, RunDirError, check_target
from exodus.progress import day_progress
from exodus.runner import RunResult
from exodus.scenario.loader import ScenarioError, load_scenario
from exodus.scenario.schema import Scenario
from exodus.shipped import scenario_names
from exodus.stopping import exit_code, signal_name, stop_on_signals

USER_ERRORS = (ScenarioError, OutputExistsError, RunDirError, UserFileError)


_seed = whole_number(0, 2**63 - 1, "2**63 - 1")
_scale = scale


def default_out_dir(scenario: Scenario) -> Path:
    """runs/<scenario name>, with characters unsafe in a file name replaced."""
    return Path("runs") / (re.sub(r"[^A-Za-z0-9._-]+", "_", scenario.name).strip("._") or "run")


def peaks(result: RunResult) -> dict[str, dict[str, tuple[float, str]]]:
    """Per town, the highest rent and tension index and the first date each was reached."""
    out: dict[str, dict[str, tuple[float, str]]] = {}
    for row in result.timeseries:
        town = out.setdefault(str(row["town"]), {})
        for column in ("rent_index", "tension_index"):
            value = float(row[column])
            if column not in town or value > town[column][0]:
                town[column] = (value, str(row["date"]))
    return out


def summary(result: RunResult, paths: Sequence[Path]) -> str:
    """What a person wants to see when a run ends: the peaks, then where the files are."""
    scenario = result.scenario
    lines = [
        f"{scenario.name}: {scenario.start} to {scenario.end}, seed {result.seed}, "
        f"scale {scenario.scale:g} (1 agent = {result.agent_weight:g}), "
        f"{result.wall_seconds:.1f} s",
        "",
        f"{'town':<16}{'peak rent index':>24}{'peak tension index':>28}",
    ]
    for town, peak in peaks(result).items():
        rent, rent_date = peak["rent_index"]
        tension, tension_date = peak["tension_index"]
        lines.append(
            f"{town:<16}{rent:>10.3f} on {rent_date:<10}{tension:>14.3f} on {tension_date:<10}"
        )
    lines += ["", *(str(path) for path in paths)]
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> int:
    """`exodus run`: the Python API's `load_scenario`, `run` and `Run.save`, with a progress bar."""
    from exodus import api

    if args.ensemble is not None:
        return _run_ensemble(args)
    if args.posterior is not None or args.workers is not None:
        raise UserFileError(
            Path(args.posterior or "--workers"), "--posterior and --workers go with --ensemble"
        )
    scenario = api.load_scenario(args.scenario, args.set)
    update = {}
    if args.scale is not None:
        update["scale"] = args.scale
    if args.seed is not None:
        update["seed"] = args.seed
    scenario = Scenario.model_validate({**scenario.model_dump(), **update})
    out_dir = Path(args.out) if args.out else default_out_dir(scenario)
    check_target(out_dir, args.force)  # before the run, not after minutes of work
    check_output_dir(out_dir)
    days = (scenario.end - scenario.start).days + 1
    with day_progress(scenario.name, total=days, enabled=not args.quiet) as progress:
        done = api.run(scenario, progress=progress)
    paths = done.save(out_dir, force=args.force)
    if not args.quiet:
        print(summary(done.result, paths))
    return 0


def _run_ensemble(args: argparse.Namespace) -> int:
    """`exodus run SCENARIO --ensemble N`: N posterior draws, a seed each, run by the sweep code,
    then its report."""
    from exodus import api
    from exodus.calibration.ensemble import run_ensemble
    from exodus.sweep.run import SweepError
    from exodus.sweep.store import StoreError

    scenario = api.load_scenario(args.scenario, args.set)  # its errors before any work
    overrides = list(args.set) + ([f"scale={args.scale}"] if args.scale is not None else [])
    name = default_out_dir(scenario).name
    out = Path(args.out) if args.out else Path("runs") / f"{name}_ensemble"
    try:
        done, written = run_ensemble(
            args.scenario,
            args.ensemble,
            args.seed if args.seed is not None else scenario.seed,
            out,
            posterior=args.posterior,
            overrides=overrides,
            workers=args.workers,
            force=args.force,
            progress=not args.quiet,
            announce=None if args.quiet else lambda line: print(line, file=sys.stderr),
        )
    except (SweepError, StoreError) as exc:
        print(f"exodus: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    if done.failed or done.missing:
        print(
            f"exodus: error: {done.failed + done.missing} of {done.runs} members failed; their "
            f"tracebacks are in {out / 'index.csv'}",
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        print(f"{done.ok} members in {done.seconds:.1f} s")
        for path in written:
            print(path)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    failed = False
    for file in args.files:
        try:
            load_scenario(file, args.set)
        except ScenarioError as exc:
            if len(exc.problems) > 1:
                print(f"exodus: error: {file}: {len(exc.problems)} problems", file=sys.stderr)
            # in the order of the files' lines, as an editor shows them
            for problem in sorted(exc.problems, key=lambda e: (e.file, e.line or 0)):
                print(f"exodus: error: {problem}", file=sys.stderr)
            failed = True
        else:
            print(f"ok {file}")
    return EXIT_USER_ERROR if failed else 0


def schema_json() -> str:
    """The scenario JSON Schema, stable text: editors validate scenario files against it."""
    return json.dumps(Scenario.model_json_schema(), indent=2, sort_keys=True) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_json())
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from exodus.plots import RunData, plot_compare, plot_run

    single = len(args.dirs) == 1 and args.out is None
    prefix = args.out or "compare"
    targets = (
        [Path(args.dirs[0]) / f"{panel}.png" for panel in ("rent", "tension")]
        if single
        else [Path(f"{prefix}_{panel}.png") for panel in ("rent", "tension")]
    )
    for target in targets:  # before any run is read or drawn
        check_output_file(target)
    runs = [RunData.from_dir(run_dir) for run_dir in args.dirs]
    paths = plot_run(runs[0], args.dirs[0]) if single else plot_compare(runs, prefix)
    for path in paths:
        print(path)
    return 0


COMMAND_MODULES: tuple[str, ...] = (
    "exodus.explain",
    "exodus.sweep.cli",
    "exodus.calibration.cli",
    "exodus.app.cli",
)
"""Modules that add a sub-command of their own: each has `add_parser(subparsers)`, which adds the
command and sets `func` to a function of the parsed arguments returning the exit code."""


class Parser(argparse.ArgumentParser):
    """argparse, with usage mistakes in the same one-line form as every other user error."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(EXIT_USER_ERROR, f"exodus: error: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="exodus",
        description="Agent-based model of the 2022 flight of Russians into Kazakh and Kyrgyz "
        "towns.",
    )
    parser.add_argument("--version", action="version", version=f"exodus {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    overrides = argparse.ArgumentParser(add_help=False)
    overrides.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one value, e.g. --set flows.mobilised_scale=0.5 "
        "or --set towns.Uralsk.enabled=false (VALUE is YAML; repeatable)",
    )

    run = commands.add_parser(
        "run",
        parents=[overrides],
        help="run a scenario and write its outputs",
        description="Run a scenario (a file, or a shipped one by name) and write timeseries.csv, "
        "events.csv, meta.json, scenario.yaml, rent.png and tension.png into one directory.",
    )
    run.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="scenario YAML file, or the name of a shipped scenario "
        f"({', '.join(scenario_names())})",
    )
    run.add_argument("--out", metavar="DIR", help="output directory (default: runs/<name>)")
    run.add_argument("--seed", type=_seed, help="seed, instead of the scenario's")
    run.add_argument("--scale", type=_scale, help="agents per real household, in (0, 1]")
    run.add_argument("--force", action="store_true", help="replace an existing output directory")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    run.add_argument(
        "--ensemble",
        type=whole_number(1, 10_000),
        metavar="N",
        help="run N members instead of one run, each with a parameter set drawn by weight from "
        "the calibration's posterior and a seed of its own (both from --seed); writes a sweep "
        "directory with its report (bands over the members) into DIR (default: "
        "runs/<name>_ensemble)",
    )
    run.add_argument(
        "--posterior",
        metavar="CSV",
        help="with --ensemble: a calibration's posterior.csv (default: the shipped "
        "calibration_2022's)",
    )
    run.add_argument(
        "--workers",
        type=whole_number(1, 4096),
        metavar="N",
        help="with --ensemble: local processes (default: all cores)",
    )
    add_no_limits(run)
    run.set_defaults(func=cmd_run)

    check = commands.add_parser(
        "check", parents=[overrides], help="validate scenario files without running them"
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="scenario files or shipped names")
    add_no_limits(check)
    check.set_defaults(func=cmd_check)

    schema = commands.add_parser("schema", help="print the scenario JSON Schema")
    schema.set_defaults(func=cmd_schema)

    plot = commands.add_parser(
        "plot",
        help="redraw a run's plots, or overlay several runs",
        description="With one run directory: redraw its rent.png and tension.png. With several "
        "(or --out): overlay them into PREFIX_rent.png and PREFIX_tension.png.",
    )
    plot.add_argument("dirs", nargs="+", metavar="DIR", help="run directories")
    plot.add_argument(
        "--out", metavar="PREFIX", help="file prefix of the overlay (default: ./compare)"
    )
    plot.set_defaults(func=cmd_plot)

    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `exodus` console script; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse's own usage errors (code 2) and --help (code 0)
        return exc.code if isinstance(exc.code, int) else EXIT_USER_ERROR
    try:
        with stop_on_signals(), limits.lift(getattr(args, "no_limits", False)):
            return args.func(args)
    except USER_ERRORS as exc:
        print(f"exodus: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP
        print(f"exodus: interrupted by {signal_name(exc)}", file=sys.stderr)
        return exit_code(exc)
    except OSError as exc:  # the machine said no: a full disk, a lost permission
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"exodus: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER_ERROR
