"""`exodus sweep` from the command line: results, user errors, identical results on 1 or 2 workers,
failed runs recorded while the others go on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from exodus.cli import main
from tests.sweep.conftest import TINY_RUNS, sweep, write_experiment

HERE = Path(__file__).resolve().parent


def test_results_are_a_tidy_table_with_labels(tiny_sweep: Path) -> None:
    table = pq.read_table(tiny_sweep / "results.parquet")
    columns = table.column_names
    assert columns[:3] == ["run_id", "scenario", "attitudes.compassion_mean"]
    assert {"replicate", "seed", "date", "town", "rent_index", "tension_index"} <= set(columns)
    frame = table.to_pandas()
    assert frame["run_id"].nunique() == TINY_RUNS
    assert list(frame["run_id"]) == sorted(frame["run_id"])  # run-id order, whatever finished first
    # every town on every kept day
    days = (45 + 1) // 2  # 1 Sep to 15 Oct, every second day
    per_run = frame.groupby("run_id").size()
    assert (per_run == days * frame.groupby("run_id")["town"].nunique()).all()
    assert frame["rent_index"].between(0.3, 5).all() and frame["tension_index"].between(0, 1).all()
    assert (frame.loc[frame["day"] == 0, "rent_index"] == 1.0).all()
    index = (tiny_sweep / "index.csv").read_text().splitlines()
    assert index[0].startswith("run_id,scenario,attitudes.compassion_mean,point,replicate,seed")
    assert len(index) == 1 + TINY_RUNS and all(",ok," in line for line in index[1:])


def test_one_and_two_workers_give_identical_bytes(
    tiny_file: Path, tiny_sweep: Path, tmp_path: Path
) -> None:
    assert sweep(str(tiny_file), "--out", str(tmp_path / "one"), "--workers", "1") == 0
    ours = (tmp_path / "one" / "results.parquet").read_bytes()
    assert ours == (tiny_sweep / "results.parquet").read_bytes()


def test_existing_directory_needs_resume_or_force(
    tiny_file: Path, tiny_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", str(tiny_file), "--out", str(tiny_sweep)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists (use --resume" in err
    # a finished sweep resumed runs nothing and rebuilds the same table
    copy = tmp_path / "copy"
    shutil.copytree(tiny_sweep, copy)
    (copy / "results.parquet").unlink()
    assert sweep(str(tiny_file), "--out", str(copy), "--resume") == 0
    assert (copy / "results.parquet").read_bytes() == (tiny_sweep / "results.parquet").read_bytes()


def test_resume_refuses_a_directory_of_another_experiment(
    tiny_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = write_experiment(
        tmp_path / "other.yaml", 'name: other\nscenarios: ["{classroom}"]\nseed: 1\n'
    )
    assert main(["sweep", str(other), "--out", str(tiny_sweep), "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("exodus: error: ") and "different experiment" in err


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('name: x\nscenarios: ["{classroom}"]\nseed: 1\nreplicats: 3\n', "replicats: unknown key"),
        ('name: x\nscenarios: ["nowhere.yaml"]\nseed: 1\n', "nowhere.yaml: no such file"),
        (
            'name: x\nscenarios: ["{classroom}"]\nseed: 1\n'
            "parameters: {{housing.no_such_thing: {{values: [1]}}}}\n",
            "parameters.housing.no_such_thing: not a parameter",
        ),
        (
            'name: x\nscenarios: ["{classroom}"]\nseed: 1\n'
            "parameters: {{housing.bid_up_per_rival: {{values: [0.1, 9]}}}}\n",
            "housing.bid_up_per_rival: Input should be less than or equal to 0.5",
        ),
        ('name: x\nscenarios: ["{classroom}"]\nseed: 1\nset: [scale=7]\n', "scale"),
    ],
)
def test_malformed_experiment_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, expected: str
) -> None:
    path = write_experiment(tmp_path / "bad.yaml", body)
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"exodus: error: {path}") and err.count("\n") == 1
    assert expected in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


FAILING = """\
name: failing
scenarios: ["{classroom}"]
set: [scale=0.002, end=2022-09-20]
parameters:
  attitudes.compassion_mean: {{values: [0.3, 0.123, 0.6]}}
replicates: 2
seed: 5
"""


def test_a_failing_run_is_recorded_and_the_others_complete(tmp_path: Path) -> None:
    experiment = write_experiment(tmp_path / "failing.yaml", FAILING)
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "inject_failure.py"),
            "sweep",
            str(experiment),
            "--out",
            str(out),
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "2 of 6 runs failed" in done.stderr
    records = {p.stem: json.loads(p.read_text()) for p in (out / "runs").glob("*.json")}
    failed = {k for k, r in records.items() if r["status"] == "failed"}
    assert failed == {"r000002", "r000003"}  # the two replicates of the failing value
    for run_id in failed:
        assert "RuntimeError: injected failure on 2022-09-05" in records[run_id]["error"]
        assert "Traceback (most recent call last)" in records[run_id]["error"]
    frame = pq.read_table(out / "results.parquet").to_pandas()
    assert sorted(frame["run_id"].unique()) == ["r000000", "r000001", "r000004", "r000005"]
    index = (out / "index.csv").read_text()
    assert index.count(",failed,") == 2 and "injected failure" in index

    # --resume without the injected fault reruns only the failed runs: the table is then the
    # one an uninterrupted sweep writes.
    before = {p.name: p.stat().st_mtime_ns for p in (out / "parts").iterdir()}
    assert sweep(str(experiment), "--out", str(out), "--resume") == 0
    after = {p.name: p.stat().st_mtime_ns for p in (out / "parts").iterdir()}
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"r000002.parquet", "r000003.parquet"}
    clean = tmp_path / "clean"
    assert sweep(str(experiment), "--out", str(clean), "--workers", "2") == 0
    assert (out / "results.parquet").read_bytes() == (clean / "results.parquet").read_bytes()


DYING = """\
name: dying
scenarios: ["{classroom}"]
set: [scale=0.002, end=2022-09-20]
parameters:
  attitudes.compassion_mean: {{values: [0.3, 0.456, 0.6]}}
replicates: 2
seed: 5
"""


def test_a_run_whose_worker_always_dies_is_retried_then_failed_and_the_rest_go_on(
    tmp_path: Path,
) -> None:
    experiment = write_experiment(tmp_path / "dying.yaml", DYING)
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "inject_failure.py"),
            "sweep",
            str(experiment),
            "--out",
            str(out),
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    records = {p.stem: json.loads(p.read_text()) for p in (out / "runs").glob("*.json")}
    assert len(records) == 6
    status = {k: r["status"] for k, r in records.items()}
    # The two runs of 0.456 kill every worker they run on: tried 1 + MAX_RETRIES times, then
    # failed; the runs after them still ran, on fresh workers.
    assert status == {
        "r000000": "ok",
        "r000001": "ok",
        "r000002": "failed",
        "r000003": "failed",
        "r000004": "ok",
        "r000005": "ok",
    }
    assert "died 3 times" in records["r000002"]["error"]
    assert "2 of 6 runs failed" in done.stderr
    assert sweep(str(experiment), "--out", str(out), "--resume") == 0
    frame = pq.read_table(out / "results.parquet").to_pandas()
    assert frame["run_id"].nunique() == 6
