"""A stopped calibration resumes: only what is not stored runs again, and the outputs are those of
an uninterrupted calibration. The toy simulator of test_abc stands in for the model here; the real
model, stopped by SIGTERM, is in test_calibrate_cli."""

from __future__ import annotations

import json

import pytest

import exodus.calibration.calibrate as calibrate_module
from exodus.calibration.resume import state_dir
from exodus.cli import main
from tests.calibration.test_abc import CAL, VAL, ToyExecutor, _write_table
from tests.conftest import SCENARIOS

OUTPUTS = ("particles.csv", "posterior.csv", "calibrated.yaml", "compare.csv", "report.txt")


def _file(tmp_path, seed: int = 7):
    experiment = tmp_path / "cal.yaml"
    experiment.write_text(
        f"name: toy\nscenario: {SCENARIOS / 'baseline_2022.yaml'}\ntargets: targets.csv\n"
        f"seed: {seed}\nscale: 0.01\nend: 2022-10-10\nparticles: 40\naccept: 0.25\nrounds: 2\n"
        "replicates: 2\nparameters:\n"
        "  flows.mobilised.onward_pull: {prior: uniform, low: 0.3, high: 0.95}\n"
        "  housing.bid_up_per_rival: {prior: loguniform, low: 0.005, high: 0.2}\n",
        encoding="utf-8",
    )
    _write_table(tmp_path / "targets.csv", CAL + VAL)
    return experiment


class StopAfter(ToyExecutor):
    """The toy executor, stopped (as by Ctrl-C) once `after` runs have finished."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    def __call__(self, specs, keep=None, on_done=None):
        def done(outcome):
            on_done(outcome)
            self.after -= 1
            if self.after == 0:
                raise KeyboardInterrupt

        return super().__call__(specs, keep, done if on_done is not None else None)


def _without_wall(path):
    summary = json.loads(path.read_text(encoding="utf-8"))
    summary.pop("wall_seconds")
    for r in summary["rounds"]:
        r.pop("wall_seconds")
    return summary


def _calibrate(monkeypatch, executor, *args) -> int:
    monkeypatch.setattr(calibrate_module, "execute_with", lambda *a: executor)
    return main(["calibrate", *map(str, args), "--quiet"])


def test_a_stopped_calibration_resumes_to_the_same_outputs(tmp_path, monkeypatch, capsys):
    experiment = _file(tmp_path)
    whole, out = tmp_path / "whole", tmp_path / "out"
    assert _calibrate(monkeypatch, ToyExecutor(), experiment, "--out", whole) == 0
    capsys.readouterr()
    assert _calibrate(monkeypatch, StopAfter(55), experiment, "--out", out) == 130  # in round 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"exodus: interrupted by Ctrl-C: 55 of 120 runs are stored in {state_dir(out)}; "
        f"complete them with: exodus calibrate {experiment} --out {out} --resume"
    )
    assert not out.exists()
    # without --resume, the stored runs are neither run over nor lost
    assert _calibrate(monkeypatch, ToyExecutor(), experiment, "--out", out) == 2
    err = capsys.readouterr().err
    assert "a stopped calibration is stored in" in err and "use --resume" in err
    assert "--force" in err and err.count("\n") == 1
    assert len(list((state_dir(out) / "runs").iterdir())) == 55

    resumed = ToyExecutor()
    assert _calibrate(monkeypatch, resumed, experiment, "--out", out, "--resume") == 0
    fitting = [c for c in resumed.calls if not c[0].run_id.startswith("check")]
    assert [len(c) for c in fitting] == [25, 40]  # round 0 was whole; round 1 had 15 of 40
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name
    assert _without_wall(out / "summary.json") == _without_wall(whole / "summary.json")
    assert not state_dir(out).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_damaged_stored_run_is_run_again(tmp_path, monkeypatch, capsys):
    experiment = _file(tmp_path)
    out = tmp_path / "out"
    assert _calibrate(monkeypatch, StopAfter(30), experiment, "--out", out) == 130
    runs = state_dir(out) / "runs"
    (runs / "c00p000003.json").write_bytes(b'{"run_id": "c00p000003", "rows": [')  # cut short
    record = json.loads((runs / "c00p000004.json").read_text(encoding="utf-8"))
    del record["rows"][0]["rent_index"]
    (runs / "c00p000004.json").write_text(json.dumps(record), encoding="utf-8")
    resumed = ToyExecutor()
    assert _calibrate(monkeypatch, resumed, experiment, "--out", out, "--resume") == 0
    first = [s.run_id for s in resumed.calls[0]]
    assert first[:2] == ["c00p000003", "c00p000004"] and len(first) == 12
    whole = tmp_path / "whole"
    assert _calibrate(monkeypatch, ToyExecutor(), experiment, "--out", whole) == 0
    assert (out / "particles.csv").read_bytes() == (whole / "particles.csv").read_bytes()


@pytest.mark.parametrize("change", ["seed", "targets"])
def test_resume_of_another_calibration_is_refused(tmp_path, monkeypatch, capsys, change):
    experiment = _file(tmp_path)
    out = tmp_path / "out"
    assert _calibrate(monkeypatch, StopAfter(10), experiment, "--out", out) == 130
    capsys.readouterr()
    if change == "seed":
        _file(tmp_path, seed=8)
    else:
        _write_table(tmp_path / "targets.csv", CAL)
    assert _calibrate(monkeypatch, ToyExecutor(), experiment, "--out", out, "--resume") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"exodus: error: {out}: the stopped calibration in {state_dir(out)}")
    assert "made by another calibration ('toy', or this one since changed)" in err
    assert err.count("\n") == 1
    assert len(list((state_dir(out) / "runs").iterdir())) == 10  # kept for the right file


def test_resume_and_force_together_are_refused(tmp_path, capsys):
    experiment = _file(tmp_path)
    assert main(["calibrate", str(experiment), "--resume", "--force"]) == 2
    assert "--resume and --force: choose one" in capsys.readouterr().err


def test_force_starts_again_over_a_stopped_calibration(tmp_path, monkeypatch):
    experiment = _file(tmp_path)
    out = tmp_path / "out"
    assert _calibrate(monkeypatch, StopAfter(10), experiment, "--out", out) == 130
    again = ToyExecutor()
    assert _calibrate(monkeypatch, again, experiment, "--out", out, "--force") == 0
    assert len(again.calls[0]) == 40
    assert not state_dir(out).exists()
