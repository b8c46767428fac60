"""Nothing a user types can hang or crash a command: every bad input of issue 15, by kind.

Each case is refused with exit code 2 and one line naming the file (or option) and the problem,
no traceback, and nothing new left behind, before any run starts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from exodus import limits
from exodus.cli import main
from tests.conftest import ROOT, SCENARIOS

CLASSROOM = SCENARIOS / "classroom.yaml"
EXPERIMENT = f"""\
name: t
scenarios: ["{CLASSROOM}"]
set: [scale=0.002, end=2022-09-20]
replicates: 1
seed: 1
"""
CALIBRATION = f"""\
name: c
scenario: {SCENARIOS / "baseline_2022.yaml"}
seed: 1
scale: 0.01
end: 2022-10-10
particles: 20
accept: 0.5
rounds: 0
replicates: 1
parameters:
  flows.mobilised.onward_pull: {{prior: uniform, low: 0.5, high: 0.9}}
"""

Case = Callable[[Path], tuple[list[str], list[str]]]
"""tmp_path -> (argv, texts the one-line message must contain)."""


def _file(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _scenario(tmp: Path, body: str, name: str = "s.yaml") -> Path:
    return _file(tmp, name, f"extends: {CLASSROOM}\n{body}")


def _experiment(tmp: Path, body: str, base: str = EXPERIMENT) -> Path:
    return _file(tmp, "e.yaml", base + body)


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


LAUGHS = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
)

CASES: dict[str, Case] = {
    # 4. YAML files: size, nesting, alias expansion, only regular files, huge values
    "billion laughs": lambda t: (
        ["check", str(_file(t, "l.yaml", LAUGHS))],
        ["l.yaml", "expands to more than"],
    ),
    "alias loop": lambda t: (
        ["check", str(_file(t, "loop.yaml", "a: &a [1, *a]\n"))],
        ["loop.yaml", "alias refers to a node that contains it"],
    ),
    "deep nesting": lambda t: (
        ["check", str(_file(t, "d.yaml", "a: " + "[" * 3000 + "]" * 3000 + "\n"))],
        ["d.yaml", "nested more than"],
    ),
    "deep mapping": lambda t: (
        ["check", str(_file(t, "m.yaml", "".join(f"{' ' * i}k{i}:\n" for i in range(200))))],
        ["m.yaml", "nested more than"],
    ),
    "/dev/zero": lambda t: (["check", "/dev/zero"], ["/dev/zero", "not a regular file"]),
    "fifo": lambda t: (
        (os.mkfifo(t / "f.yaml"), ["check", str(t / "f.yaml")])[1],
        ["f.yaml", "not a regular file"],
    ),
    "fifo experiment": lambda t: (
        (os.mkfifo(t / "f.yaml"), ["sweep", str(t / "f.yaml"), "--out", str(t / "o")])[1],
        ["f.yaml", "not a regular file"],
    ),
    "too large": lambda t: (
        ["check", str(_file(t, "big.yaml", "name: x\n" + "# pad\n" * 200_000))],
        ["big.yaml", "more than the 1 MiB", "--no-limits"],
    ),
    "huge value echoed": lambda t: (
        ["check", str(_scenario(t, "name: [" + "1," * 10_000 + "1]\n"))],
        ["s.yaml: name (line 2)", "must be text", "(30,003 characters)"],
    ),
    "directory as scenario": lambda t: (["check", str(t)], [str(t), "is a directory"]),
    "too many values": lambda t: (
        ["check", str(_scenario(t, "name: [" + "1," * 300_000 + "1]\n"))],
        ["s.yaml", "holds more than 50,000 values"],
    ),
    # 8. ordinary mistakes: impossible dates, extends loops, NaN steps, a bad --dask
    "impossible date in a file": lambda t: (
        ["check", str(_scenario(t, "end: 2022-02-31\n"))],
        ["s.yaml (line 2)", "'2022-02-31' is not a date"],
    ),
    "impossible month in a file": lambda t: (
        ["check", str(_scenario(t, "start: 2022-13-45\n"))],
        ["s.yaml (line 2)", "'2022-13-45' is not a date"],
    ),
    "impossible date in a policy": lambda t: (
        [
            "check",
            str(_scenario(t, "policies:\n  - kind: rent_cap\n    start: 2022-09-31\n")),
        ],
        ["s.yaml (line 4)", "is not a date"],
    ),
    "impossible date in --set": lambda t: (
        ["check", str(CLASSROOM), "--set", "end=2022-13-45"],
        ["--set end=2022-13-45", "is not a date"],
    ),
    "impossible date in an experiment": lambda t: (
        ["sweep", str(_experiment(t, "days: {first: 2022-02-30}\n")), "--out", str(t / "o")],
        ["e.yaml", "is not a date"],
    ),
    "impossible date in a calibration": lambda t: (
        ["calibrate", str(_file(t, "c.yaml", _replace(CALIBRATION, "2022-10-10", "2022-10-32")))],
        ["c.yaml", "is not a date"],
    ),
    "extends symlink loop": lambda t: (
        (
            os.symlink(t / "b.yaml", t / "a.yaml"),
            os.symlink(t / "a.yaml", t / "b.yaml"),
            ["check", str(_file(t, "s.yaml", "extends: a.yaml\n"))],
        )[2],
        ["s.yaml: extends (line 1)", "loop of symbolic links"],
    ),
    "nan first in a step range": lambda t: (
        [
            "sweep",
            str(
                _experiment(
                    t,
                    "parameters:\n  housing.refusal_rate: {first: .nan, step: 0.1, last: 1}\n",
                )
            ),
            "--out",
            str(t / "o"),
        ],
        ["e.yaml", "parameters.housing.refusal_rate.first", "finite"],
    ),
    "infinite high in a range": lambda t: (
        [
            "sweep",
            str(
                _experiment(
                    t,
                    "design: latin\nsamples: 4\nparameters:\n"
                    "  housing.refusal_rate: {low: 0.01, high: .inf}\n",
                )
            ),
            "--out",
            str(t / "o"),
        ],
        ["e.yaml", "high", "finite"],
    ),
    "dask not a url": lambda t: (
        ["sweep", str(_experiment(t, "")), "--out", str(t / "o"), "--dask", "not a url"],
        ["--dask", "not a scheduler address"],
    ),
    "calibrate dask not a url": lambda t: (
        ["calibrate", str(_file(t, "c.yaml", CALIBRATION)), "--dask", "http://x y"],
        ["--dask", "not a scheduler address"],
    ),
    # 11. lax validation: text, booleans and 2.0 where a number or whole number is meant
    "number as text": lambda t: (
        ["check", str(_scenario(t, "housing:\n  refusal_rate: '0.05'\n"))],
        ["s.yaml: housing.refusal_rate (line 3)", "must be a number", "'0.05'"],
    ),
    "boolean as number": lambda t: (
        ["check", str(_scenario(t, "housing:\n  refusal_rate: true\n"))],
        ["housing.refusal_rate (line 3)", "must be a number", "True"],
    ),
    "2.0 as whole number": lambda t: (
        ["check", str(_scenario(t, "housing:\n  hosting_days: 2.0\n"))],
        ["housing.hosting_days (line 3)", "must be a whole number", "2.0"],
    ),
    "binary as number": lambda t: (
        ["check", str(_scenario(t, "housing:\n  refusal_rate: !!binary aGVsbG8=\n"))],
        ["housing.refusal_rate (line 3)", "bytes"],
    ),
    "boolean in --set": lambda t: (
        ["check", str(CLASSROOM), "--set", "towns.Uralsk.population=true"],
        ["--set towns.Uralsk.population=true", "must be a whole number"],
    ),
    "replicates as text": lambda t: (
        [
            "sweep",
            str(_experiment(t, "", _replace(EXPERIMENT, "replicates: 1", 'replicates: "2"'))),
            "--out",
            str(t / "o"),
        ],
        ["e.yaml", "replicates", "'2'"],
    ),
    "replicates as 2.0": lambda t: (
        [
            "sweep",
            str(_experiment(t, "", _replace(EXPERIMENT, "replicates: 1", "replicates: 2.0"))),
            "--out",
            str(t / "o"),
        ],
        ["e.yaml", "replicates", "2.0"],
    ),
    "particles as boolean": lambda t: (
        [
            "calibrate",
            str(_file(t, "c.yaml", _replace(CALIBRATION, "particles: 20", "particles: true"))),
        ],
        ["c.yaml", "particles"],
    ),
    "design value as text": lambda t: (
        [
            "sweep",
            str(_experiment(t, "parameters:\n  housing.refusal_rate: {values: ['0.05']}\n")),
            "--out",
            str(t / "o"),
        ],
        ["e.yaml", "parameters", "housing.refusal_rate"],
    ),
    # 3 and 11. bounds on designs and runs
    "run to 9999": lambda t: (
        ["check", str(_scenario(t, "end: 9999-12-31\n"))],
        ["s.yaml: end (line 2)", "more than the 1,098 a run may have", "--no-limits"],
    ),
    "run to 9999 by --set": lambda t: (
        ["run", str(CLASSROOM), "--set", "end=9999-12-31", "--out", str(t / "o")],
        ["--set end=9999-12-31", "a run may have"],
    ),
    "grid of 1e9 points": lambda t: (
        [
            "sweep",
            str(
                _experiment(
                    t,
                    "parameters:\n"
                    + "".join(
                        f"  {p}: {{first: 0.0, step: 0.001, last: 0.999}}\n"
                        for p in (
                            "housing.refusal_rate",
                            "attitudes.compassion_mean",
                            "flows.mobilised_scale",
                        )
                    ),
                )
            ),
            "--out",
            str(t / "o"),
        ],
        ["e.yaml: parameters", "1,000,000,000 design points", "--no-limits"],
    ),
    "1e8 runs": lambda t: (
        [
            "sweep",
            str(
                _experiment(
                    t,
                    "parameters:\n  housing.refusal_rate: {first: 0.0, step: 0.0001, last: 0.9999}\n",
                    _replace(EXPERIMENT, "replicates: 1", "replicates: 10000"),
                )
            ),
            "--out",
            str(t / "o"),
        ],
        ["e.yaml: replicates", "100,000,000 runs", "--no-limits"],
    ),
    "sobol of 4.6e9 runs": lambda t: (
        [
            "sweep",
            str(
                _experiment(
                    t,
                    "design: sobol\nsamples: 65536\nparameters:\n"
                    "  housing.refusal_rate: {low: 0.01, high: 0.1}\n"
                    "  attitudes.compassion_mean: {low: 0.1, high: 0.9}\n",
                    _replace(EXPERIMENT, "replicates: 1", "replicates: 10000"),
                )
            ),
            "--out",
            str(t / "o"),
        ],
        ["e.yaml", "design points", "--no-limits"],
    ),
    "100,000 particles": lambda t: (
        [
            "calibrate",
            str(_file(t, "c.yaml", _replace(CALIBRATION, "particles: 20", "particles: 100000"))),
        ],
        ["c.yaml: particles", "100,000 particles", "--no-limits"],
    ),
    # 7. output paths, checked before any work
    "run --out under a file": lambda t: (
        ["run", str(CLASSROOM), "--out", str(_file(t, "f", "x") / "run")],
        [str(t / "f" / "run"), "is a file, not a directory"],
    ),
    "run --out is a file": lambda t: (
        ["run", str(CLASSROOM), "--out", str(_file(t, "f", "x")), "--force"],
        [str(t / "f"), "not a directory"],
    ),
    "sweep --out under a file": lambda t: (
        ["sweep", str(_experiment(t, "")), "--out", str(_file(t, "f", "x") / "s")],
        [str(t / "f" / "s"), "is a file, not a directory"],
    ),
    "calibrate --out under a file": lambda t: (
        ["calibrate", str(_file(t, "c.yaml", CALIBRATION)), "--out", str(_file(t, "f", "x") / "c")],
        [str(t / "f" / "c"), "is a file, not a directory"],
    ),
    "plot --out under a file": lambda t: (
        ["plot", str(t), "--out", str(_file(t, "f", "x") / "p")],
        [str(t / "f" / "p_rent.png"), "is a file, not a directory"],
    ),
    "read-only --out": lambda t: (
        (
            os.mkdir(t / "ro"),
            os.chmod(t / "ro", 0o555),
            ["run", str(CLASSROOM), "--out", str(t / "ro" / "r")],
        )[2],
        [str(t / "ro" / "r"), "permission denied"],
    ),
}


def _tree(root: Path) -> dict[str, int]:
    return {
        os.fspath(p.relative_to(root)): (p.stat().st_size if p.is_file() else -1)
        for p in root.rglob("*")
    }


@pytest.mark.parametrize("kind", list(CASES))
def test_a_bad_input_is_one_line_exit_2_and_leaves_nothing(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if kind == "read-only --out" and os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    monkeypatch.chdir(tmp_path)
    argv, needles = CASES[kind](tmp_path)
    before = _tree(tmp_path)
    code = main([*argv, *(["--quiet"] if argv[0] in ("run", "sweep", "calibrate") else [])])
    _, err = capsys.readouterr()
    assert code == 2, err
    assert err.startswith("exodus: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and len(err) < 400, err
    for needle in needles:
        assert needle in err, err
    assert _tree(tmp_path) == before


def test_no_limits_lifts_a_design_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(limits, "MAX_RUNS", 1)
    path = _experiment(tmp_path, "", _replace(EXPERIMENT, "replicates: 1", "replicates: 2"))
    out = tmp_path / "o"
    assert main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    assert "more than the 1 a sweep may have" in capsys.readouterr().err
    assert main(["sweep", str(path), "--out", str(out), "--quiet", "--no-limits"]) == 0
    assert json.loads((out / "experiment.json").read_text())["runs"] == 2


def test_shipped_files_pass_the_strict_reader() -> None:
    from exodus.calibration.spec import load_spec
    from exodus.scenario.loader import load_scenario
    from exodus.sweep.experiment import load_experiment

    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        load_scenario(path)
    for path in sorted((ROOT / "experiments").glob("*.yaml")):
        if path.name.startswith("calibration"):
            load_spec(path)
        else:
            load_experiment(path)


@pytest.fixture
def written_run(result, tmp_path: Path) -> Path:
    """A whole run directory, as `exodus run` writes it (synthetic rows, real writer)."""
    from exodus.outputs import write_run

    write_run(result, tmp_path / "run")
    return tmp_path / "run"


def _damage_timeseries(path: Path, damage: str) -> str:
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    if damage == "cut mid-line":
        path.write_text(text[: len(text) - 40])
        return "columns (truncated?)"
    if damage == "cut at a line":
        path.write_text("".join(lines[:-2]))
        return "different numbers of days"
    if damage == "cut at a day":
        path.write_text("".join(lines[: 1 + 6 * 20]))
        return "meta.json says the run ended on"
    if damage in ("nan", "text"):
        header = lines[0].rstrip("\n").split(",")
        cells = lines[5].rstrip("\n").split(",")
        cells[header.index("rent_index")] = damage if damage == "nan" else "one"
        lines[5] = ",".join(cells) + "\n"
        path.write_text("".join(lines))
        return f"line 6: rent_index is '{cells[header.index('rent_index')]}', not a finite number"
    path.write_text("")
    return "no rows"


@pytest.mark.parametrize(
    "damage", ["cut mid-line", "cut at a line", "cut at a day", "nan", "text", "empty"]
)
@pytest.mark.parametrize("command", ["plot", "compare"])
def test_a_damaged_run_csv_is_one_line_in_plot_and_compare(
    command: str, damage: str, written_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    series = written_run / "timeseries.csv"
    needle = _damage_timeseries(series, damage)
    before = _tree(written_run)
    code = main([command, str(written_run)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert f"{series}:" in err and needle in err, err
    assert _tree(written_run) == before


def test_compare_refuses_outputs_it_cannot_write_before_reading(
    written_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c.png").mkdir()
    assert main(["compare", str(written_run), "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'c.png'}: is a directory" in err and err.count("\n") == 1
    assert not (tmp_path / "c.csv").exists()


def test_a_run_directory_follows_the_umask(result, tmp_path: Path) -> None:
    import stat

    from exodus.outputs import write_run

    old = os.umask(0o027)
    try:
        write_run(result, tmp_path / "run")
    finally:
        os.umask(old)
    for path in [tmp_path / "run", *(tmp_path / "run").iterdir()]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o750 if path.is_dir() else 0o640), (path, oct(mode))
