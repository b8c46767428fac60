"""A battery of bad inputs, faults and reproducibility checks, as the most demanding users try them.

    .venv/bin/python tools/battery.py [--only inputs|faults|repro]

Bad inputs run in this process (each with a 20 s alarm, so a hang is counted, not suffered): one
is *handled* when the command exits 2 with one line on stderr that names what is wrong, no
traceback, and leaves nothing new behind. Faults run `exodus` in child processes and are
*survived* when no stored data is lost and the command ends cleanly (the exit code of its signal or
one line, no child left after 10 s). Reproducibility checks compare bytes. Prints the counts.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SC = ROOT / "scenarios"
CLASSROOM = SC / "classroom.yaml"
EXODUS = [sys.executable, "-c", "import sys; from exodus.cli import main; sys.exit(main())"]
INJECT = [sys.executable, str(ROOT / "tests" / "sweep" / "inject_failure.py")]

EXPERIMENT = f"""\
name: b
scenarios: ["{CLASSROOM}"]
set: [scale=0.002, end=2022-09-25]
parameters:
  attitudes.compassion_mean: {{values: [0.3, 0.6]}}
replicates: 3
seed: 11
metrics: [rent_index, tension_index, departures_abroad, arrivals_from_abroad]
"""
CALIBRATION = f"""\
name: c
scenario: {SC / "baseline_2022.yaml"}
seed: 1
scale: 0.002
end: 2022-10-05
particles: 10
accept: 0.5
rounds: 0
replicates: 1
parameters:
  flows.mobilised.onward_pull: {{prior: uniform, low: 0.5, high: 0.9}}
"""
NUMERIC_KEYS = [
    "housing.refusal_rate",
    "housing.hosting_days",
    "attitudes.compassion_mean",
    "flows.mobilised_scale",
    "scale",
    "seed",
    "towns.Uralsk.population",
    "towns.Uralsk.rent_1room",
    "arrival_days",
    "towns.Almaty.shelter_beds",
]
BAD_VALUES = [
    "'0.05'",
    "true",
    "2.5e400",
    ".nan",
    "-.inf",
    "[1, 2]",
    "{a: 1}",
    "!!binary aGVsbG8=",
    "2022-09-01",
    "null",
    "-1e300",
    "!!set {a, b}",
]


class Hang(BaseException):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def _tree(root: Path) -> dict[str, int]:
    out = {}
    for p in root.rglob("*"):
        with contextlib.suppress(OSError):
            out[os.fspath(p.relative_to(root))] = p.lstat().st_size if p.is_file() else -1
    return out


def _nest(key: str, value: str) -> str:
    parts = key.split(".")
    return "".join(f"{'  ' * i}{p}:\n" for i, p in enumerate(parts[:-1])) + (
        f"{'  ' * (len(parts) - 1)}{parts[-1]}: {value}\n"
    )


def bad_inputs(tmp: Path) -> list[tuple[str, Callable[[Path], list[str]]]]:
    """(name, make(dir) -> argv) for every bad input."""
    cases: list[tuple[str, Callable[[Path], list[str]]]] = []

    def add(name: str, make: Callable[[Path], list[str]]) -> None:
        cases.append((name, make))

    def file(d: Path, name: str, text: str | bytes) -> str:
        p = d / name
        p.write_bytes(text if isinstance(text, bytes) else text.encode())
        return str(p)

    def scen(d: Path, body: str) -> str:
        return file(d, "s.yaml", f"extends: {CLASSROOM}\n{body}")

    def exp(d: Path, old: str, new: str, extra: str = "") -> str:
        assert old in EXPERIMENT, old
        return file(d, "e.yaml", EXPERIMENT.replace(old, new) + extra)

    def cal(d: Path, old: str, new: str) -> str:
        assert old in CALIBRATION, old
        return file(d, "c.yaml", CALIBRATION.replace(old, new))

    # scenario values of the wrong type, via check (a file) and via --set and run
    for key in NUMERIC_KEYS:
        for value in BAD_VALUES:
            if key in ("scale",) and value in ("'0.05'",):
                pass
            add(f"check {key}={value}", lambda d, k=key, v=value: ["check", scen(d, _nest(k, v))])
    for key in NUMERIC_KEYS[:5]:
        for value in ("'0.05'", "true", "1e400", ".nan"):
            add(
                f"run --set {key}={value}",
                lambda d, k=key, v=value: [
                    "run",
                    str(CLASSROOM),
                    "--set",
                    f"{k}={v.strip(chr(39)) if v != chr(39) + '0.05' + chr(39) else v}",
                    "--out",
                    str(d / "o"),
                    "--quiet",
                ],
            )
    # dates
    for date in ("2022-02-31", "2022-13-45", "2022-00-10", "9999-12-31", "0001-01-01", "2022-9-1x"):
        for key in ("start", "end"):
            add(f"check {key}: {date}", lambda d, k=key, t=date: ["check", scen(d, _nest(k, t))])
        add(f"--set end={date}", lambda d, t=date: ["check", str(CLASSROOM), "--set", f"end={t}"])
    add(
        "policy start 2022-09-31",
        lambda d: ["check", scen(d, "policies:\n  - kind: rent_cap\n    start: 2022-09-31\n")],
    )
    # YAML structure and hostile files
    laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
    )
    structural = {
        "billion laughs": laughs,
        "alias loop": "a: &a [1, *a]\n",
        "deep lists": "a: " + "[" * 5000 + "]" * 5000 + "\n",
        "deep maps": "a: " + "{b: " * 3000 + "1" + "}" * 3000 + "\n",
        "deep block maps": "".join(f"{' ' * i}k{i}:\n" for i in range(300)),
        "1.5 MB of keys": "".join(f"k{i}: {i}\n" for i in range(150_000)),
        "1 MiB + 1 value": "name: " + "x" * 2**20 + "\n",
        "not utf-8": b"name: \xff\xfe\n",
        "binary garbage": os.urandom(4000),
        "tabs": "name:\tx\n\tend: 1\n",
        "top-level list": "- 1\n- 2\n",
        "top-level scalar": "42\n",
        "empty": "",
        "only a comment": "# nothing\n",
        "duplicate key": "name: a\nname: b\n",
        "unclosed quote": "name: 'abc\n",
        "python tag": "name: !!python/object/apply:os.system ['true']\n",
        "unknown tag": "name: !foo bar\n",
        "null key": "~: 1\n",
        "list key": "? [a]\n: 1\n",
        "unknown key": f"extends: {CLASSROOM}\nnmae: x\n",
        "extends missing": "extends: nowhere.yaml\n",
        "extends number": "extends: 42\n",
        "extends itself": "extends: s.yaml\n",
        "60k keys in a block": f"extends: {CLASSROOM}\ntowns:\n"
        + "".join(f"  T{i}: {{country: KZ}}\n" for i in range(30_000)),
        "huge value in error": f"extends: {CLASSROOM}\nname: [" + "1," * 200_000 + "1]\n",
    }
    for name, text in structural.items():
        add(f"yaml {name}", lambda d, t=text: ["check", file(d, "s.yaml", t)])
    add("/dev/zero", lambda d: ["check", "/dev/zero"])
    add("/dev/urandom", lambda d: ["check", "/dev/urandom"])
    add("/dev/null", lambda d: ["check", "/dev/null"])
    add("fifo", lambda d: (os.mkfifo(d / "f.yaml"), ["check", str(d / "f.yaml")])[1])
    add("directory", lambda d: ["check", str(d)])
    add("missing", lambda d: ["check", str(d / "nope.yaml")])
    add("under a file", lambda d: ["check", file(d, "f", "x") + "/s.yaml"])
    add(
        "extends symlink loop",
        lambda d: (
            os.symlink(d / "b.yaml", d / "a.yaml"),
            os.symlink(d / "a.yaml", d / "b.yaml"),
            ["check", file(d, "s.yaml", "extends: a.yaml\n")],
        )[2],
    )
    add(
        "extends a fifo",
        lambda d: (os.mkfifo(d / "p.yaml"), ["check", file(d, "s.yaml", "extends: p.yaml\n")])[1],
    )
    add(
        "extends a cycle",
        lambda d: (
            file(d, "a.yaml", "extends: b.yaml\n"),
            ["check", file(d, "b.yaml", "extends: a.yaml\n")],
        )[1],
    )
    # the run command
    add("run --seed -1", lambda d: ["run", str(CLASSROOM), "--seed", "-1"])
    add("run --scale 0", lambda d: ["run", str(CLASSROOM), "--scale", "0"])
    add("run --scale nan", lambda d: ["run", str(CLASSROOM), "--scale", "nan"])
    add(
        "run --out under a file",
        lambda d: ["run", str(CLASSROOM), "--out", file(d, "f", "x") + "/r"],
    )
    add(
        "run --out a file", lambda d: ["run", str(CLASSROOM), "--out", file(d, "f", "x"), "--force"]
    )
    add(
        "run --out existing",
        lambda d: (os.mkdir(d / "r"), ["run", str(CLASSROOM), "--out", str(d / "r")])[1],
    )
    add("run --set no equals", lambda d: ["run", str(CLASSROOM), "--set", "scale"])
    add("run --set bad yaml", lambda d: ["run", str(CLASSROOM), "--set", "scale=[1"])
    add("run --set into a value", lambda d: ["run", str(CLASSROOM), "--set", "scale.x=1"])
    # experiments
    for old, new in [
        ("replicates: 3", 'replicates: "2"'),
        ("replicates: 3", "replicates: 2.0"),
        ("replicates: 3", "replicates: true"),
        ("replicates: 3", "replicates: 0"),
        ("replicates: 3", "replicates: 1e9"),
        ("replicates: 3", "replicates: 100001"),
        ("seed: 11", "seed: -1"),
        ("seed: 11", "seed: '11'"),
        ("seed: 11", "seed: 1.5"),
        ("{values: [0.3, 0.6]}", "{values: ['0.3']}"),
        ("{values: [0.3, 0.6]}", "{values: [true]}"),
        ("{values: [0.3, 0.6]}", "{values: [.nan]}"),
        ("{values: [0.3, 0.6]}", "{values: []}"),
        ("{values: [0.3, 0.6]}", "{first: .nan, step: 0.1, last: 1}"),
        ("{values: [0.3, 0.6]}", "{first: 0, step: .inf, last: 1}"),
        ("{values: [0.3, 0.6]}", "{first: 0, step: 0, last: 1}"),
        ("{values: [0.3, 0.6]}", "{first: 0, step: 1e-9, last: 1}"),
        ("{values: [0.3, 0.6]}", "{first: '0', step: 0.1, last: 1}"),
        ("{values: [0.3, 0.6]}", "{low: 0, high: 1}"),
        ("attitudes.compassion_mean", "attitudes.nothing"),
        ("attitudes.compassion_mean", "attitudes"),
        ("metrics: [rent_index", "metrics: [rent_idx"),
        ("set: [scale=0.002, end=2022-09-25]", "set: [end=2022-02-31]"),
        ("set: [scale=0.002, end=2022-09-25]", "set: [end=9999-12-31]"),
        ("set: [scale=0.002, end=2022-09-25]", "set: [scale=true]"),
        ("set: [scale=0.002, end=2022-09-25]", "set: scale=0.002"),
        (f'scenarios: ["{CLASSROOM}"]', 'scenarios: ["/dev/zero"]'),
        (f'scenarios: ["{CLASSROOM}"]', 'scenarios: ["nowhere.yaml"]'),
        (f'scenarios: ["{CLASSROOM}"]', "scenarios: []"),
        ("name: b", "name: ''"),
    ]:
        add(f"sweep {new}", lambda d, o=old, n=new: ["sweep", exp(d, o, n), "--out", str(d / "o")])
    big_grid = "parameters:\n" + "".join(
        f"  {p}: {{first: 0.0, step: 0.001, last: 0.999}}\n"
        for p in ("housing.refusal_rate", "attitudes.compassion_mean", "flows.mobilised_scale")
    )
    add(
        "sweep grid of 1e9 points",
        lambda d: [
            "sweep",
            exp(d, "parameters:\n  attitudes.compassion_mean: {values: [0.3, 0.6]}\n", big_grid),
            "--out",
            str(d / "o"),
        ],
    )
    add(
        "sweep sobol 4.6e9 runs",
        lambda d: [
            "sweep",
            exp(
                d,
                "parameters:\n  attitudes.compassion_mean: {values: [0.3, 0.6]}\n",
                "design: sobol\nsamples: 65536\nparameters:\n"
                "  housing.refusal_rate: {low: 0.01, high: 0.1}\n"
                "  attitudes.compassion_mean: {low: 0.1, high: 0.9}\n",
            ).replace("", ""),
            "--out",
            str(d / "o"),
        ],
    )
    add(
        "sweep sobol not a power of 2",
        lambda d: [
            "sweep",
            exp(
                d,
                "parameters:\n  attitudes.compassion_mean: {values: [0.3, 0.6]}\n",
                "design: sobol\nsamples: 100\nparameters:\n"
                "  housing.refusal_rate: {low: 0.01, high: 0.1}\n"
                "  attitudes.compassion_mean: {low: 0.1, high: 0.9}\n",
            ),
            "--out",
            str(d / "o"),
        ],
    )
    add(
        "sweep morris 1e8",
        lambda d: [
            "sweep",
            exp(
                d,
                "parameters:\n  attitudes.compassion_mean: {values: [0.3, 0.6]}\n",
                "design: morris\nsamples: 100000\nparameters:\n"
                "  housing.refusal_rate: {low: 0.01, high: 0.1}\n"
                "  attitudes.compassion_mean: {low: 0.1, high: 0.9}\n",
            ).replace("replicates: 3", "replicates: 1000"),
            "--out",
            str(d / "o"),
        ],
    )
    for address in ("not a url", "http://x:1", "tcp://", "tcp://h:99999", "tcp://a b:1", ""):
        add(
            f"sweep --dask {address!r}",
            lambda d, a=address: [
                "sweep",
                exp(d, "x", "x") if False else file(d, "e.yaml", EXPERIMENT),
                "--out",
                str(d / "o"),
                "--dask",
                a,
            ],
        )
    add("sweep --workers 0", lambda d: ["sweep", file(d, "e.yaml", EXPERIMENT), "--workers", "0"])
    add("sweep --workers x", lambda d: ["sweep", file(d, "e.yaml", EXPERIMENT), "--workers", "x"])
    add(
        "sweep --workers with a remote",
        lambda d: ["sweep", file(d, "e.yaml", EXPERIMENT), "--workers", "2", "--dask", "tcp://h:1"],
    )
    add(
        "sweep --resume and --force",
        lambda d: ["sweep", file(d, "e.yaml", EXPERIMENT), "--resume", "--force"],
    )
    add(
        "sweep --out under a file",
        lambda d: ["sweep", file(d, "e.yaml", EXPERIMENT), "--out", file(d, "f", "x") + "/o"],
    )
    add(
        "sweep --out a file",
        lambda d: ["sweep", file(d, "e.yaml", EXPERIMENT), "--out", file(d, "f", "x")],
    )
    add(
        "sweep --out existing",
        lambda d: (
            os.mkdir(d / "o"),
            file(d, "o/x", "x"),
            ["sweep", file(d, "e.yaml", EXPERIMENT), "--out", str(d / "o")],
        )[2],
    )
    add(
        "sweep --resume of a non-sweep",
        lambda d: (
            os.mkdir(d / "o"),
            file(d, "o/x", "x"),
            ["sweep", file(d, "e.yaml", EXPERIMENT), "--out", str(d / "o"), "--resume"],
        )[2],
    )
    add(
        "sweep experiment fifo",
        lambda d: (os.mkfifo(d / "e.yaml"), ["sweep", str(d / "e.yaml")])[1],
    )
    add("sweep experiment /dev/zero", lambda d: ["sweep", "/dev/zero"])
    # calibrations
    for old, new in [
        ("particles: 10", "particles: 100000"),
        ("particles: 10", "particles: '10'"),
        ("particles: 10", "particles: 10.0"),
        ("particles: 10", "particles: true"),
        ("accept: 0.5", "accept: '0.5'"),
        ("accept: 0.5", "accept: .nan"),
        ("rounds: 0", "rounds: 20\nreplicates: 1000"),
        ("end: 2022-10-05", "end: 2022-10-32"),
        ("end: 2022-10-05", "end: 9999-12-31"),
        ("end: 2022-10-05", "end: 2021-01-01"),
        ("scale: 0.002", "scale: true"),
        ("low: 0.5", "low: .nan"),
        ("low: 0.5", "low: '0.5'"),
        (f"scenario: {SC / 'baseline_2022.yaml'}", "scenario: /dev/zero"),
        (f"scenario: {SC / 'baseline_2022.yaml'}", "scenario: nowhere.yaml"),
        ("seed: 1", "seed: one"),
    ]:
        add(
            f"calibrate {new}",
            lambda d, o=old, n=new: ["calibrate", cal(d, o, n), "--out", str(d / "o"), "--quiet"],
        )
    add(
        "calibrate --out under a file",
        lambda d: [
            "calibrate",
            cal(d, "x", "x") if False else file(d, "c.yaml", CALIBRATION),
            "--out",
            file(d, "f", "x") + "/o",
            "--quiet",
        ],
    )
    add(
        "calibrate --dask not a url",
        lambda d: ["calibrate", file(d, "c.yaml", CALIBRATION), "--dask", "not a url"],
    )
    add(
        "calibrate targets fifo",
        lambda d: (
            os.mkfifo(d / "t.csv"),
            [
                "calibrate",
                cal(d, "seed: 1", f"seed: 1\ntargets: {d / 't.csv'}"),
                "--out",
                str(d / "o"),
                "--quiet",
            ],
        )[1],
    )
    # targets tables for compare --observed (need a run: made once, copied)
    return cases


def _run_case(argv: list[str], d: Path) -> tuple[str, str]:
    from exodus.cli import main

    before = _tree(d)
    err = io.StringIO()
    out = io.StringIO()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(20)
    started = time.monotonic()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                code = main(argv)
            except Hang:
                return "hang", ""
            except BaseException as exc:  # a crash main let through
                return "traceback", f"{type(exc).__name__}: {exc}"[:200]
    finally:
        signal.alarm(0)
    text = err.getvalue()
    lines = [line for line in text.splitlines() if line.startswith("exodus: error:")]
    seconds = time.monotonic() - started
    if "Traceback" in text:
        return "traceback", text[-300:]
    if code != 2:
        return f"exit {code}", text[-300:]
    listing = argv[0] == "check" and lines and lines[0].endswith(" problems")
    if listing:  # `exodus check` lists every problem of a file, one line each, by design
        if any(not line.startswith("exodus: error: ") for line in text.strip().splitlines()):
            return "not one line each", text[-300:]
    elif len(lines) != 1 or len(text.strip().splitlines()) != 1:
        return "not one line", text[-300:]
    if len(text) > 500 * len(lines):
        return "long message", text[:200]
    if _tree(d) != before:
        return "left files", str(set(_tree(d)) - set(before))[:200]
    if seconds > 15:
        return "slow", f"{seconds:.0f} s"
    return "handled", lines[0][:160]


def run_inputs(tmp: Path, verbose: bool) -> tuple[int, int, list[str]]:
    cases = bad_inputs(tmp) + read_back_cases(tmp)
    handled, problems = 0, []
    for i, (name, make) in enumerate(cases):
        d = tmp / f"in{i:03d}"
        d.mkdir()
        cwd = os.getcwd()
        os.chdir(d)
        try:
            argv = make(d)
            verdict, detail = _run_case(argv, d)
        finally:
            os.chdir(cwd)
        if verdict == "handled":
            handled += 1
        else:
            problems.append(f"{verdict}: {name}: {detail}")
        if verbose:
            print(f"{verdict:>10}  {name}: {detail}")
    return len(cases), handled, problems


_SWEEP_CACHE: dict[str, Path] = {}


def _tiny_sweep(tmp: Path) -> Path:
    """One small finished sweep (and its experiment file), made once and copied per case."""
    if "sweep" not in _SWEEP_CACHE:
        exp = tmp / "base_exp.yaml"
        exp.write_text(EXPERIMENT)
        out = tmp / "base_sweep"
        done = subprocess.run(
            [*EXODUS, "sweep", str(exp), "--out", str(out), "--quiet"], check=False
        )
        assert done.returncode == 0
        (out / ".lock").unlink(missing_ok=True)
        _SWEEP_CACHE["sweep"] = out
        run = tmp / "base_run"
        done = subprocess.run(
            [
                *EXODUS,
                "run",
                str(CLASSROOM),
                "--set",
                "end=2022-10-05",
                "--out",
                str(run),
                "--quiet",
            ],
            check=False,
        )
        assert done.returncode == 0
        _SWEEP_CACHE["run"] = run
    return _SWEEP_CACHE["sweep"]


def read_back_cases(tmp: Path) -> list[tuple[str, Callable[[Path], list[str]]]]:
    """Damaged sweep and run directories for report, compare and plot; bad targets tables."""
    _tiny_sweep(tmp)
    cases: list[tuple[str, Callable[[Path], list[str]]]] = []

    def sweep_copy(d: Path) -> Path:
        out = d / "s"
        shutil.copytree(_SWEEP_CACHE["sweep"], out)
        return out

    def run_copy(d: Path) -> Path:
        out = d / "r"
        shutil.copytree(_SWEEP_CACHE["run"], out)
        return out

    def damage_file(path: Path, how: str) -> None:
        data = path.read_bytes()
        if how == "truncated":
            path.write_bytes(data[: len(data) // 3])
        elif how == "empty":
            path.write_bytes(b"")
        elif how == "garbage":
            path.write_bytes(os.urandom(len(data)))
        elif how == "zeroed middle":
            path.write_bytes(data[:64] + bytes(max(0, len(data) - 128)) + data[-64:])
        elif how == "directory":
            path.unlink()
            path.mkdir()
        elif how == "fifo":
            path.unlink()
            os.mkfifo(path)
        elif how == "deleted":
            path.unlink()

    for target in ("results.parquet", "experiment.json"):
        for how in (
            "truncated",
            "empty",
            "garbage",
            "zeroed middle",
            "directory",
            "fifo",
            "deleted",
        ):
            for command in ("report", "compare"):

                def make(d: Path, t=target, h=how, c=command) -> list[str]:
                    out = sweep_copy(d)
                    damage_file(out / t, h)
                    return [c, str(out)]

                cases.append((f"{command} with {how} {target}", make))
    for variant, edit in [
        ("a list", lambda info: [1]),
        ("no hash", lambda info: {k: v for k, v in info.items() if k != "hash"}),
        ("runs as text", lambda info: {**info, "runs": "12"}),
        (
            "no metrics",
            lambda info: {**info, "experiment": {**info["experiment"], "metrics": None}},
        ),
        ("nested 100k deep", None),
    ]:
        for command in ("report", "compare"):

            def make(d: Path, e=edit, c=command) -> list[str]:
                out = sweep_copy(d)
                path = out / "experiment.json"
                if e is None:
                    path.write_text("[" * 100_000 + "]" * 100_000)
                else:
                    path.write_text(json.dumps(e(json.loads(path.read_text()))))
                return [c, str(out)]

            cases.append((f"{command} with experiment.json {variant}", make))
    cases.append(
        (
            "report with report.md a directory",
            lambda d: (os.mkdir(sweep_copy(d) / "report.md"), ["report", str(d / "s")])[1],
        )
    )
    cases.append(
        (
            "report with index.csv garbage",
            lambda d: (
                damage_file(sweep_copy(d) / "index.csv", "garbage"),
                ["report", str(d / "s")],
            )[1],
        )
    )
    cases.append(("report of a run dir", lambda d: ["report", str(run_copy(d))]))
    cases.append(("report of nothing", lambda d: ["report", str(d / "none")]))
    cases.append(
        (
            "compare --out under a file",
            lambda d: ["compare", str(run_copy(d)), "--out", str(d / "r" / "timeseries.csv" / "x")],
        )
    )
    cases.append(
        (
            "compare --out png a directory",
            lambda d: (
                run_copy(d),
                os.mkdir(d / "c.png"),
                ["compare", str(d / "r"), "--out", str(d / "c")],
            )[2],
        )
    )
    cases.append(
        (
            "plot --out under a file",
            lambda d: ["plot", str(run_copy(d)), "--out", str(d / "r" / "meta.json" / "p")],
        )
    )
    cases.append(("plot of nothing", lambda d: ["plot", str(d / "none")]))
    for how in (
        "cut mid-line",
        "cut at a line",
        "cut at a day",
        "nan",
        "inf",
        "text",
        "bad date",
        "empty",
        "garbage",
        "fifo",
        "no columns",
    ):
        for command in ("plot", "compare"):

            def make(d: Path, h=how, c=command) -> list[str]:
                out = run_copy(d)
                path = out / "timeseries.csv"
                text = path.read_text()
                lines = text.splitlines(keepends=True)
                header = lines[0].rstrip("\n").split(",")
                if h == "cut mid-line":
                    path.write_text(text[:-50])
                elif h == "cut at a line":
                    path.write_text("".join(lines[:-3]))
                elif h == "cut at a day":
                    path.write_text("".join(lines[: 1 + 6 * 10]))
                elif h in ("nan", "inf", "text", "bad date"):
                    cells = lines[7].rstrip("\n").split(",")
                    column = "date" if h == "bad date" else "rent_index"
                    cells[header.index(column)] = {
                        "nan": "nan",
                        "inf": "inf",
                        "text": "high",
                        "bad date": "2022-02-31",
                    }[h]
                    lines[7] = ",".join(cells) + "\n"
                    path.write_text("".join(lines))
                elif h == "no columns":
                    path.write_text("a,b\n1,2\n")
                else:
                    damage_file(path, h)
                return [c, str(out)]

            cases.append((f"{command} with timeseries.csv {how}", make))
    for how in ("garbage", "empty", "directory"):

        def make(d: Path, h=how) -> list[str]:
            out = run_copy(d)
            damage_file(out / "scenario.yaml", h)
            return ["compare", str(out)]

        cases.append((f"compare with scenario.yaml {how}", make))
    for name, text in [
        ("fifo", None),
        ("/dev/zero", "/dev/zero"),
        ("bad header", "a,b\n"),
        ("bad number", None),
        ("missing", "missing"),
    ]:

        def make(d: Path, n=name, t=text) -> list[str]:
            out = run_copy(d)
            path = d / "t.csv"
            if n == "fifo":
                os.mkfifo(path)
            elif n == "bad number":
                from exodus.calibration.targets import default_targets_path

                path.write_text(default_targets_path().read_text().replace(",170000,", ",lots,", 1))
            elif t == "missing":
                pass
            elif t == "/dev/zero":
                path = Path("/dev/zero")
            else:
                path.write_text(t)
            return ["compare", str(out), "--observed", str(path)]

        cases.append((f"compare --observed {name}", make))
    return cases


# ---- faults ---------------------------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            found.add(c)
            todo.append(c)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _none_left(pids: set[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


SLOW = f"""\
name: slow
scenarios: ["{CLASSROOM}"]
set: [scale=0.002, end=2022-10-05]
parameters:
  attitudes.compassion_mean: {{values: [0.3, 0.6]}}
replicates: 10
seed: 5
metrics: [rent_index, tension_index]
"""


class Faults:
    """Each fault: (survived, clean) booleans; reproducibility checks append to self.repro."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.exp = tmp / "slow.yaml"
        self.exp.write_text(SLOW)
        self.results: list[tuple[str, bool, bool, str]] = []
        self.repro: list[tuple[str, bool]] = []
        self._clean: bytes | None = None

    def clean(self) -> bytes:
        if self._clean is None:
            out = self.tmp / "clean"
            subprocess.run(
                [*EXODUS, "sweep", str(self.exp), "--out", str(out), "--quiet", "--workers", "2"],
                check=True,
            )
            self._clean = (out / "results.parquet").read_bytes()
        return self._clean

    def record(self, name: str, survived: bool, clean: bool, note: str = "") -> None:
        self.results.append((name, survived, clean, note))

    def start(
        self, out: Path, *extra: str, cmd: list[str] | None = None, env: dict | None = None
    ) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                *(cmd or EXODUS),
                "sweep",
                str(self.exp),
                "--out",
                str(out),
                "--quiet",
                "--workers",
                "2",
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    @staticmethod
    def wait_parts(out: Path, p: subprocess.Popen[str], n: int) -> bool:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and p.poll() is None:
            if (out / "parts").is_dir() and len(list((out / "parts").glob("r*.parquet"))) >= n:
                return True
            time.sleep(0.02)
        return False

    def resume_equals(self, out: Path) -> bool:
        done = subprocess.run(
            [*EXODUS, "sweep", str(self.exp), "--out", str(out), "--quiet", "--resume"],
            check=False,
            capture_output=True,
            text=True,
        )
        return done.returncode == 0 and (out / "results.parquet").read_bytes() == self.clean()

    def signal_sweep(self, name: str, signum: int, code: int) -> None:
        out = self.tmp / name
        p = self.start(out)
        self.wait_parts(out, p, 2)
        kids = _descendants(p.pid)
        p.send_signal(signum)
        _, err = p.communicate(timeout=60)
        gone = _none_left(kids)
        one = err.count("\n") == 1 and "Traceback" not in err and "--resume" in err
        same = self.resume_equals(out)
        self.repro.append((f"resume after {name} equals a clean sweep", same))
        self.record(
            name,
            same,
            p.returncode == code and gone and one,
            f"rc={p.returncode} children gone={gone} err={err.strip()[:100]}",
        )

    def kill_worker(self, name: str, how: str) -> None:
        out = self.tmp / name
        p = self.start(out)
        self.wait_parts(out, p, 2)
        kids = (
            [
                k
                for k in _descendants(p.pid)
                if "spawn_main" in Path(f"/proc/{k}/cmdline").read_text(errors="replace")
            ]
            if p.poll() is None
            else []
        )
        workers = [
            k
            for k in kids
            if "resource_tracker" not in Path(f"/proc/{k}/cmdline").read_text(errors="replace")
        ]
        targets = workers[:1] if how == "one" else workers
        for k in targets:
            with contextlib.suppress(ProcessLookupError):
                os.kill(k, signal.SIGKILL)
        _, err = p.communicate(timeout=300)
        same = p.returncode == 0 and (out / "results.parquet").read_bytes() == self.clean()
        self.repro.append((f"sweep with {how} worker(s) killed equals a clean sweep", same))
        self.record(
            name,
            same,
            p.returncode == 0 and "Traceback" not in err,
            f"killed {len(targets)} rc={p.returncode}",
        )

    def full_disk(self) -> None:
        import errno

        from exodus.cli import main as exodus_main

        real = os.fsync

        def fsync(fd: int) -> None:
            if "/parts/" in os.readlink(f"/proc/self/fd/{fd}"):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real(fd)

        out = self.tmp / "full"
        err = io.StringIO()
        os.fsync = fsync
        try:
            with contextlib.redirect_stderr(err):
                code = exodus_main(["sweep", str(self.exp), "--out", str(out), "--quiet"])
        finally:
            os.fsync = real
        text = err.getvalue()
        clean = code == 2 and text.count("\n") == 1 and "No space left" in text
        clean = clean and "dask" not in text.lower()
        same = self.resume_equals(out)
        self.record("a full disk", same, clean, text.strip()[:120])

    def run_all(self) -> None:
        self.clean()
        self.kill_worker("kill one worker", "one")
        self.kill_worker("kill both workers", "both")
        # a run that kills its worker every time: failed after retries, the others done
        out = self.tmp / "always-dies"
        dying = self.tmp / "dying.yaml"
        dying.write_text(
            SLOW.replace("[0.3, 0.6]", "[0.3, 0.456]").replace("replicates: 10", "replicates: 2")
        )
        done = subprocess.run(
            [*INJECT, "sweep", str(dying), "--out", str(out), "--quiet", "--workers", "2"],
            capture_output=True,
            text=True,
            check=False,
        )
        status = {
            p.stem: json.loads(p.read_text())["status"] for p in (out / "runs").glob("*.json")
        }
        ok = status == {"r000000": "ok", "r000001": "ok", "r000002": "failed", "r000003": "failed"}
        self.record(
            "a run that always kills its worker",
            ok,
            done.returncode == 1 and done.stderr.count("\n") == 1,
            str(status),
        )
        self.signal_sweep("SIGTERM sweep", signal.SIGTERM, 143)
        self.signal_sweep("SIGHUP sweep", signal.SIGHUP, 129)
        self.signal_sweep("SIGINT sweep", signal.SIGINT, 130)
        # SIGKILL of the sweep: children die with it
        out = self.tmp / "sigkill"
        p = self.start(out)
        self.wait_parts(out, p, 2)
        kids = _descendants(p.pid)
        p.kill()
        p.communicate()
        gone = _none_left(kids)
        same = self.resume_equals(out)
        self.repro.append(("resume after SIGKILL equals a clean sweep", same))
        self.record("SIGKILL sweep", same, gone, f"children gone={gone}")
        # damaged files, resumed
        base = self.tmp / "clean"
        for how in (
            "truncated part",
            "zeroed part",
            "another run's part",
            "empty part",
            "deleted record",
            "garbage record",
            "deleted part",
        ):
            out = self.tmp / how.replace(" ", "_").replace("'", "")
            shutil.copytree(base, out)
            part = out / "parts" / "r000004.parquet"
            record = out / "runs" / "r000004.json"
            if how == "truncated part":
                part.write_bytes(part.read_bytes()[:300])
            elif how == "zeroed part":
                data = part.read_bytes()
                part.write_bytes(data[:50] + bytes(len(data) - 100) + data[-50:])
            elif how == "another run's part":
                shutil.copy(out / "parts" / "r000003.parquet", part)
            elif how == "empty part":
                part.write_bytes(b"")
            elif how == "deleted record":
                record.unlink()
            elif how == "garbage record":
                record.write_bytes(os.urandom(100))
            else:
                part.unlink()
            same = self.resume_equals(out)
            self.repro.append((f"resume of a {how} equals a clean sweep", same))
            self.record(f"resume a {how}", same, same)
        # a second writer while a sweep runs
        for flag in ("--resume", "--force"):
            out = self.tmp / f"second{flag}"
            p = self.start(out)
            self.wait_parts(out, p, 1)
            second = subprocess.run(
                [*EXODUS, "sweep", str(self.exp), "--out", str(out), flag, "--quiet"],
                capture_output=True,
                text=True,
                check=False,
            )
            intact = (out / "experiment.json").exists()
            _, err = p.communicate(timeout=300)
            same = p.returncode == 0 and (out / "results.parquet").read_bytes() == self.clean()
            self.record(
                f"a second writer with {flag}",
                intact and same,
                second.returncode == 2 and f"pid {p.pid}" in second.stderr,
                second.stderr.strip()[:120],
            )
        # the output directory removed mid-sweep
        out = self.tmp / "removed"
        p = self.start(out)
        self.wait_parts(out, p, 1)
        shutil.rmtree(out / "parts", ignore_errors=True)
        kids = _descendants(p.pid)
        _, err = p.communicate(timeout=300)
        self.record(
            "parts/ removed mid-sweep",
            True,
            p.returncode == 2 and err.count("\n") == 1 and "parts" in err and _none_left(kids),
            err.strip()[:120],
        )
        # SIGTERM of a calibration
        cal = self.tmp / "c.yaml"
        cal.write_text(
            CALIBRATION.replace("particles: 10", "particles: 40").replace(
                "accept: 0.5", "accept: 0.2"
            )
        )
        for signum, code in ((signal.SIGTERM, 143), (signal.SIGKILL, -9)):
            out = self.tmp / f"cal{signum}"
            p = subprocess.Popen(
                [*EXODUS, "calibrate", str(cal), "--out", str(out), "--quiet", "--workers", "2"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            time.sleep(8)
            kids = _descendants(p.pid)
            p.send_signal(signum)
            _, err = p.communicate(timeout=60)
            gone = _none_left(kids)
            leftovers = [x.name for x in self.tmp.iterdir() if x.name.startswith(f".cal{signum}")]
            clean = (
                p.returncode == code
                and gone
                and (signum == signal.SIGKILL or (not leftovers and err.count("\n") == 1))
            )
            self.record(
                f"{signal.Signals(signum).name} calibrate",
                not out.exists(),
                clean,
                f"rc={p.returncode} gone={gone} left={leftovers}",
            )
        # SIGTERM of a run: no staging directory left
        out = self.tmp / "run_term"
        p = subprocess.Popen(
            [*EXODUS, "run", str(CLASSROOM), "--scale", "0.3", "--out", str(out), "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(4)
        p.terminate()
        _, err = p.communicate(timeout=60)
        left = [x.name for x in self.tmp.iterdir() if x.name.startswith(".run_term")]
        self.record(
            "SIGTERM run",
            not left,
            p.returncode == 143 and not left and err.count("\n") == 1,
            f"rc={p.returncode} {err.strip()[:80]}",
        )
        # a full disk while parts are written (fsync fails with ENOSPC), in this process
        self.full_disk()
        # a Dask worker killed mid-sweep; the sweep on Dask stopped by SIGTERM
        out = self.tmp / "dask-kill"
        p = self.start(out, "--dask", "local")
        self.wait_parts(out, p, 2)
        workers = [
            k
            for k in _descendants(p.pid)
            if "spawn_main" in Path(f"/proc/{k}/cmdline").read_text(errors="replace")
            and "resource_tracker" not in Path(f"/proc/{k}/cmdline").read_text(errors="replace")
        ]
        for k in workers[-1:]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(k, signal.SIGKILL)
        _, err = p.communicate(timeout=300)
        same = p.returncode == 0 and (out / "results.parquet").read_bytes() == self.clean()
        self.repro.append(("dask sweep with a worker killed equals a clean sweep", same))
        self.record("kill a Dask worker", same, p.returncode == 0, f"rc={p.returncode}")
        out = self.tmp / "dask-term"
        p = self.start(out, "--dask", "local")
        self.wait_parts(out, p, 2)
        kids = _descendants(p.pid)
        p.terminate()
        _, err = p.communicate(timeout=60)
        gone = _none_left(kids)
        same = self.resume_equals(out)
        self.record(
            "SIGTERM a Dask sweep",
            same,
            p.returncode == 143 and gone,
            f"rc={p.returncode} gone={gone}",
        )
        # a scheduler that cannot be reached
        out = self.tmp / "nodask"
        done = subprocess.run(
            [
                *EXODUS,
                "sweep",
                str(self.exp),
                "--out",
                str(out),
                "--dask",
                "tcp://127.0.0.1:1",
                "--quiet",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        self.record(
            "an unreachable scheduler",
            True,
            done.returncode == 2 and done.stderr.count("\n") == 1 and "cannot reach" in done.stderr,
            done.stderr.strip()[:120],
        )


def run_repro(tmp: Path, faults: Faults) -> None:
    repro = faults.repro
    # same seed, same bytes: a run twice
    a, b = tmp / "ra", tmp / "rb"
    for out in (a, b):
        subprocess.run(
            [
                *EXODUS,
                "run",
                str(CLASSROOM),
                "--set",
                "end=2022-10-01",
                "--out",
                str(out),
                "--quiet",
            ],
            check=True,
        )
    for name in ("timeseries.csv", "events.csv", "scenario.yaml", "rent.png"):
        repro.append((f"run twice: {name}", (a / name).read_bytes() == (b / name).read_bytes()))
    # a sweep on 1 worker, and on a Dask local cluster
    for label, extra in (
        ("1 worker", ["--workers", "1"]),
        ("dask local", ["--dask", "local", "--workers", "2"]),
    ):
        out = tmp / f"sw_{label.replace(' ', '_')}"
        subprocess.run(
            [*EXODUS, "sweep", str(faults.exp), "--out", str(out), "--quiet", *extra], check=True
        )
        repro.append(
            (
                f"sweep on {label} equals 2 workers",
                (out / "results.parquet").read_bytes() == faults.clean(),
            )
        )
    # report and compare twice, and compare after an edit from elsewhere
    base = tmp / "clean"
    outs = []
    for i in range(2):
        copy = tmp / f"rep{i}"
        shutil.copytree(base, copy)
        subprocess.run([*EXODUS, "report", str(copy)], check=True, capture_output=True)
        outs.append(copy)
    repro.append(
        (
            "report twice: report.md",
            (outs[0] / "report.md").read_bytes() == (outs[1] / "report.md").read_bytes(),
        )
    )
    study = tmp / "study"
    study.mkdir()
    for name in ("baseline_2022.yaml", "classroom.yaml"):
        shutil.copy(SC / name, study / name)
    exp = study / "e.yaml"
    exp.write_text(
        EXPERIMENT.replace(f'["{CLASSROOM}"]', "[classroom.yaml]").replace("09-25", "10-05")
    )
    out = tmp / "study_sweep"
    subprocess.run([*EXODUS, "sweep", str(exp), "--out", str(out), "--quiet"], check=True)
    c = [
        subprocess.run(
            [*EXODUS, "compare", str(out), "--out", str(tmp / f"cmp{i}")],
            capture_output=True,
            check=False,
            cwd=cwd,
        )
        for i, cwd in ((0, tmp), (1, tmp))
    ]
    repro.append(
        (
            "compare twice",
            c[0].returncode == 0
            and (tmp / "cmp0.csv").read_bytes() == (tmp / "cmp1.csv").read_bytes(),
        )
    )
    (study / "baseline_2022.yaml").write_text(
        (study / "baseline_2022.yaml")
        .read_text()
        .replace("rent_1room: 115000", "rent_1room: 230000")
    )
    d = subprocess.run(
        [*EXODUS, "compare", str(out), "--out", str(tmp / "cmp2")],
        capture_output=True,
        check=False,
        cwd="/",
    )
    repro.append(
        (
            "compare after the scenario was edited, from /",
            d.returncode == 0
            and (tmp / "cmp0.csv").read_bytes() == (tmp / "cmp2.csv").read_bytes(),
        )
    )
    # the strict loader gives the lax loader's scenarios, and main's experiment hashes
    from exodus.scenario.loader import _validation_error, load_scenario, load_tree  # noqa: F401
    from exodus.scenario.schema import Scenario

    def plain(v):
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    for path in sorted(SC.glob("*.yaml")):
        lax = Scenario.model_validate(plain(load_tree(path)))
        repro.append((f"strict = lax load of {path.name}", load_scenario(path) == lax))
    code = (
        "import json,sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from exodus.sweep.experiment import load_experiment, expand, experiment_hash;"
        "out={};\n"
        "for p in sorted(Path(sys.argv[2]).glob('*.yaml')):\n"
        "    if p.name.startswith('calibration'): continue\n"
        "    e=load_experiment(p); out[p.name]=experiment_hash(e, expand(e, p))\n"
        "print(json.dumps(out))"
    )
    hashes = {}
    main_src = tmp / "main_src"  # the main branch's code, exported read-only
    main_src.mkdir()
    archive = subprocess.run(["git", "archive", "main", "src"], cwd=ROOT, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(main_src)], input=archive.stdout, check=True)
    for label, src in (("main", str(main_src / "src")), ("branch", str(ROOT / "src"))):
        done = subprocess.run(
            [sys.executable, "-c", code, src, str(ROOT / "experiments")],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": src},
        )
        hashes[label] = json.loads(done.stdout) if done.returncode == 0 else {}
    for name, value in hashes["branch"].items():
        repro.append(
            (
                f"experiment hash of {name} as on main (old sweeps resume)",
                hashes["main"].get(name) == value,
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["inputs", "faults", "repro"])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="exodus-battery-"))
    try:
        if args.only in (None, "inputs"):
            tried, handled, problems = run_inputs(tmp, args.verbose)
            print(f"bad inputs: {handled} handled of {tried} tried")
            for line in problems:
                print("  ", line)
        if args.only in (None, "faults", "repro"):
            faults = Faults(tmp)
            if args.only in (None, "faults"):
                faults.run_all()
                survived = sum(s for _, s, _, _ in faults.results)
                clean = sum(c for _, _, c, _ in faults.results)
                print(
                    f"faults: data survived {survived} of {len(faults.results)}, "
                    f"ended cleanly {clean} of {len(faults.results)}"
                )
                for name, s, c, note in faults.results:
                    print(f"   {'ok ' if s and c else 'BAD'} {name}: survived={s} clean={c} {note}")
            if args.only in (None, "repro"):
                faults.clean()
                run_repro(tmp, faults)
            passed = sum(ok for _, ok in faults.repro)
            print(f"reproducibility: {passed} passed of {len(faults.repro)} tried")
            for name, ok in faults.repro:
                if not ok:
                    print("   FAILED", name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
