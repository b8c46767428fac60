"""`exodus calibrate`: a bad calibration file is one line naming the file and key, before any run."""

from __future__ import annotations

import pytest

from exodus.cli import main
from tests.conftest import SCENARIOS

GOOD = f"""name: c
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


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("rounds: 0", "rounds: 0\npartciles: 3"), "partciles: unknown key 'partciles'"),
        (("rounds: 0", "rounds: -1"), "rounds: Input should be greater than or equal to 0"),
        (("accept: 0.5", "accept: 0.1"), "accept: 0.1 of 20 particles keeps fewer than 5"),
        (
            ("flows.mobilised.onward_pull", "flows.mobilised.transit_shar"),
            "parameters.flows.mobilised.transit_shar: not a parameter of scenario baseline_2022",
        ),
        (("high: 0.9", "high: 1.5"), "prior end 1.5 is out of bounds"),
        (("high: 0.9", "high: 0.4"), "high (0.4) must be above low (0.5)"),
        (("{prior: uniform,", "{prior: loguniform,"), None),
        (("scenario: ", "scenario: missing_"), "no such file"),
        (
            (
                "flows.mobilised.onward_pull: {prior: uniform, low: 0.5, high: 0.9}",
                "flows.arrival_days: {prior: uniform, low: 1.5, high: 4}",
            ),
            "is a whole number: give whole low and high",
        ),
        (("seed: 1", "seed: one"), "seed: Input should be a valid integer"),
    ],
)
def test_bad_calibration_file_is_one_line(tmp_path, capsys, change, message):
    old, new = change
    text = GOOD.replace(old, new)
    if message is None:  # a log-uniform prior that starts at zero
        text = GOOD.replace("{prior: uniform, low: 0.5", "{prior: loguniform, low: 0")
        message = "a loguniform prior needs low > 0"
    path = tmp_path / "cal.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"exodus: error: {path}") and message in err, err
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_an_earlier_calibration_is_not_replaced_without_force(tmp_path, capsys):
    path = tmp_path / "cal.yaml"
    path.write_text(GOOD, encoding="utf-8")
    (tmp_path / "out").mkdir()
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "already exists (use --force to replace it)" in capsys.readouterr().err


def test_workers_are_for_the_local_pool_only(tmp_path, capsys):
    path = tmp_path / "cal.yaml"
    path.write_text(GOOD, encoding="utf-8")
    code = main(["calibrate", str(path), "--workers", "2", "--dask", "tcp://host:8786"])
    assert code == 2
    assert "--workers sizes the local pool" in capsys.readouterr().err


def test_help_names_the_hold_out(capsys):
    assert main(["calibrate", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Validation targets are never used in fitting" in out
    assert "is completed by the same command with --resume" in out


def test_a_calibration_stopped_by_sigterm_resumes_to_the_same_outputs(tmp_path, capsys):
    """The real model, stopped in its second round: --resume reruns only the runs not stored and
    writes the files an uninterrupted calibration writes (summary.json bar its wall times)."""
    import json
    import re
    import signal
    import subprocess
    import time

    from exodus.calibration.resume import state_dir
    from tests.sweep.conftest import EXODUS

    path = tmp_path / "cal.yaml"
    path.write_text(
        GOOD.replace("particles: 20", "particles: 12").replace("rounds: 0", "rounds: 1")
    )
    out, whole = tmp_path / "out", tmp_path / "whole"
    runs = state_dir(out) / "runs"
    command = [*EXODUS, "calibrate", str(path), "--out", str(out), "--workers", "1", "--quiet"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if runs.is_dir() and len(list(runs.glob("c01*.json"))) >= 2:  # into round 1
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 128 + signal.SIGTERM, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    stop = re.fullmatch(
        r"exodus: interrupted by SIGTERM: (\d+) of 24 runs are stored in (.*); complete them "
        r"with: exodus calibrate (.*) --out (.*) --resume\n",
        err,
    )
    assert stop, err
    stored = int(stop[1])
    assert stop.groups()[1:] == (str(state_dir(out)), str(path), str(out))
    assert 14 <= stored < 24 and len(list(runs.iterdir())) == stored
    assert not out.exists()

    capsys.readouterr()
    assert main(["calibrate", str(path), "--out", str(out), "--resume", "--workers", "2"]) == 0
    err = capsys.readouterr().err
    assert f"resumed: {stored} stored runs reused, {24 - stored} run now" in err, err[-3000:]
    assert main(["calibrate", str(path), "--out", str(whole), "--workers", "2", "--quiet"]) == 0
    for name in ("particles.csv", "posterior.csv", "calibrated.yaml", "compare.csv", "report.txt"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name

    def without_wall(summary):
        summary = json.loads(summary.read_text(encoding="utf-8"))
        del summary["wall_seconds"]
        for r in summary["rounds"]:
            del r["wall_seconds"]
        return summary

    assert without_wall(out / "summary.json") == without_wall(whole / "summary.json")
    assert not state_dir(out).exists()
