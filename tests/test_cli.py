"""The `exodus` command as a user meets it: exit codes, one-line errors, safe output directories."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from exodus.cli import main, schema_json
from exodus.model.record import EVENTS_COLUMNS, TIMESERIES_COLUMNS
from exodus.outputs import RUN_FILES
from exodus.progress import day_progress

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"

GOOD = "extends: {base}\nname: tiny\n"


@pytest.fixture
def good(write):
    return write("good.yaml", GOOD.format(base=SCENARIOS / "classroom.yaml"))


@pytest.fixture
def fake_runner(monkeypatch, make_result):
    """Stand in for the simulation: these tests are about the command, not the model."""
    calls = []

    def run(scenario, *, seed=None, progress=None):
        calls.append(scenario)
        result = make_result(days=10)
        result.scenario = scenario
        result.seed = scenario.seed if seed is None else seed
        if progress:
            progress(10, 10)
        return result

    monkeypatch.setattr("exodus.runner.run_scenario", run)
    return calls


def user_error(capsys) -> str:
    """The stderr of a user error: one `exodus: error:` line, no traceback."""
    err = capsys.readouterr().err
    assert err.startswith("exodus: error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    return err


BAD_FILES = [
    ("flow: {mobilised_scale: 1}\n", "flow (line 3)", "did you mean 'flows'"),
    ("flows: {mobilised_scale: 9}\n", "flows.mobilised_scale (line 3)", "less than or equal"),
    ("start: soon\n", "start (line 3)", "valid date"),
    ("end: 2022-08-01\n", "end (line 3)", "must be after start"),
    (
        "policies: [{kind: rent_cap, start: 2022-09-26, towns: [Nowhere]}]\n",
        "policies.0.towns (line 3)",
        "not a town",
    ),
    ("  bad: [\n", "(line 3)", "invalid YAML"),
    ("extends: missing.yaml\n", "extends (line 3)", "does not exist"),
]


@pytest.mark.parametrize(("extra", "where", "what"), BAD_FILES)
@pytest.mark.parametrize("command", ["check", "run"])
def test_bad_scenario_is_one_line_exit_2(
    write, tmp_path, capsys, fake_runner, command, extra, where, what
):
    text = GOOD.format(base=SCENARIOS / "classroom.yaml") + extra
    if extra.startswith("extends"):
        text = "name: tiny\n\n" + extra
    bad = write("bad.yaml", text)
    argv = [command, str(bad)] + (["--out", str(tmp_path / "out")] if command == "run" else [])
    assert main(argv) == 2
    err = user_error(capsys)
    assert f"error: {bad}" in err and where in err and what in err
    assert not (tmp_path / "out").exists() and not fake_runner


@pytest.mark.parametrize(
    ("setting", "where"),
    [
        ("towns.Uralsk.population=-5", "towns.Uralsk.population (from --set towns.Uralsk"),
        ("towns.Uralsk.populaton=5", "did you mean 'population'"),
        ("flows.mobilised_scale", "no '='"),
        ("=1", "empty key"),
    ],
)
def test_bad_set_is_one_line_exit_2(good, tmp_path, capsys, fake_runner, setting, where):
    assert main(["run", str(good), "--set", setting, "--out", str(tmp_path / "o")]) == 2
    err = user_error(capsys)
    assert str(good) in err and where in err
    assert not fake_runner


def test_missing_file(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml: no such file" in user_error(capsys)


def test_check_reports_each_file(good, write, capsys):
    bad = write("bad.yaml", "- not a mapping\n")
    assert main(["check", str(good), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == f"ok {good}\n"
    assert err.startswith(f"exodus: error: {bad} (line 1): ")
    assert main(["check", str(good)]) == 0


def test_check_lists_every_problem_with_its_key_and_line(write, capsys):
    bad = write(
        "three.yaml",
        f"extends: {SCENARIOS / 'classroom.yaml'}\n"
        "name: three\n"
        "housing:\n"
        "  bid_up_per_rivall: 0.04\n"  # line 4: misspelt key
        "  hosting_days: -3\n"  # line 5: out of bounds
        "attitudes:\n"
        "  compassion_mean: lots\n",  # line 7: not a number
    )
    assert main(["check", str(bad)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"exodus: error: {bad}: 3 problems"
    problems = lines[1:]  # in line order
    assert len(problems) == 3, lines
    assert problems[0].startswith(f"exodus: error: {bad}: housing.bid_up_per_rivall (line 4): ")
    assert "unknown key 'bid_up_per_rivall' (did you mean 'bid_up_per_rival'?)" in problems[0]
    assert problems[1].startswith(f"exodus: error: {bad}: housing.hosting_days (line 5): ")
    assert problems[2].startswith(f"exodus: error: {bad}: attitudes.compassion_mean (line 7): ")
    assert not any("more problem" in line for line in lines)


@pytest.mark.parametrize(
    ("argv", "what"),
    [
        (["--scale", "0"], "argument --scale: must be in (0, 1]"),
        (["--scale", "x"], "argument --scale: not a number"),
        (["--seed", "-1"], "argument --seed: must be between 0"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_argument_errors_exit_2(good, capsys, argv, what):
    assert main(["run", str(good), *argv]) == 2
    assert what in user_error(capsys)


@pytest.mark.parametrize("argv", [[], ["run"], ["frob"]])
def test_usage_errors_exit_2(capsys, argv):
    assert main(argv) == 2
    assert "--help" in user_error(capsys)


def test_progress_bar_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    with day_progress("x", enabled=True, stream=io.StringIO()) as progress:
        assert progress is None
    with day_progress("x", enabled=False, stream=Tty()) as progress:
        assert progress is None
    stream = Tty()
    with day_progress("x", enabled=True, stream=stream) as progress:
        for done in range(1, 11):
            progress(done, 10)
    assert "/10 [" in stream.getvalue()  # a bar of 10 days was drawn


def test_run_writes_outputs_and_summary(good, tmp_path, capsys, fake_runner):
    out = tmp_path / "run"
    assert main(["run", str(good), "--out", str(out), "--seed", "7", "--scale", "0.002"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(RUN_FILES)
    assert (fake_runner[0].seed, fake_runner[0].scale) == (7, 0.002)
    assert "seed: 7\n" in (out / "scenario.yaml").read_text()
    assert "scale: 0.002\n" in (out / "scenario.yaml").read_text()
    stdout = capsys.readouterr().out
    assert "peak rent index" in stdout and "Uralsk" in stdout
    assert str(out / "timeseries.csv") in stdout


def test_run_default_out_dir_and_quiet(good, tmp_path, monkeypatch, capsys, fake_runner):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(good), "--quiet"]) == 0
    assert (tmp_path / "runs" / "tiny" / "timeseries.csv").exists()
    assert capsys.readouterr() == ("", "")


def test_existing_out_dir_needs_force(good, tmp_path, capsys, fake_runner):
    out = tmp_path / "run"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    assert main(["run", str(good), "--out", str(out), "--quiet"]) == 2
    assert "--force" in user_error(capsys)
    assert not fake_runner  # refused before spending time on a run
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    assert main(["run", str(good), "--out", str(out), "--quiet", "--force"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(RUN_FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.yaml", "run"]


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_failure_while_writing_leaves_nothing(
    good, tmp_path, monkeypatch, capsys, make_result, failure
):
    def broken(*args, **kwargs):
        raise failure("boom")

    monkeypatch.setattr("exodus.runner.run_scenario", lambda s, **k: make_result(days=3))
    monkeypatch.setattr("exodus.plots.plot_run", broken)
    argv = ["run", str(good), "--out", str(tmp_path / "run"), "--quiet"]
    if failure is KeyboardInterrupt:
        assert main(argv) == 130
        assert "interrupted" in capsys.readouterr().err
    else:
        with pytest.raises(RuntimeError):  # a bug shows its traceback
            main(argv)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.yaml"]


def test_schema_json_is_in_sync(capsys):
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert out == schema_json()
    assert json.loads(out)["title"] == "Scenario"
    committed = (SCENARIOS / "schema.json").read_text(encoding="utf-8")
    stale = "scenarios/schema.json is stale: run `exodus schema > scenarios/schema.json`"
    assert committed == out, stale


# ---- with the real model --------------------------------------------------------------------


def read_csv(path):
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_classroom_run_writes_every_output(tmp_path):
    out = tmp_path / "classroom"
    assert main(["run", str(SCENARIOS / "classroom.yaml"), "--out", str(out), "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(RUN_FILES)
    rows = read_csv(out / "timeseries.csv")
    assert tuple(rows[0]) == TIMESERIES_COLUMNS
    assert len(rows) == 1 + 91 * 6
    assert all(len(row) == len(TIMESERIES_COLUMNS) and all(row) for row in rows[1:])
    assert tuple(read_csv(out / "events.csv")[0]) == EVENTS_COLUMNS
    meta = json.loads((out / "meta.json").read_text())
    assert meta["seed"] == 20220921 and meta["agent_steps"] > 0


def test_scenario_yaml_reproduces_the_run(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    argv = ["run", str(SCENARIOS / "classroom.yaml"), "--seed", "5", "--scale", "0.002"]
    assert main([*argv, "--out", str(first), "--quiet"]) == 0
    again = ["run", str(first / "scenario.yaml"), "--out", str(second), "--quiet"]
    assert main(again) == 0
    for name in ("timeseries.csv", "events.csv", "scenario.yaml"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
