"""The two promises a long sweep rests on: a real Dask cluster gives the local pool's results, and
a sweep killed with SIGKILL then resumed gives the results of an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sweep.conftest import EXODUS, TINY_RUNS, sweep, write_experiment


def _dask_command(*args: str) -> list[str]:
    """`dask scheduler|worker ...` with the interpreter running the tests."""
    return [
        sys.executable,
        "-c",
        "import sys; from dask.__main__ import main; sys.exit(main())",
        *args,
    ]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler and a 2-process worker on loopback, separate processes; torn down after."""
    pytest.importorskip(
        "distributed", reason="the dask extra is installed by make test, not by make run"
    )
    file = tmp_path / "scheduler.json"
    log = (tmp_path / "dask.log").open("wb")
    scheduler = subprocess.Popen(
        _dask_command(
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(file),
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert file.exists(), "the Dask scheduler did not start"
        worker = subprocess.Popen(
            _dask_command(
                "worker",
                "--scheduler-file",
                str(file),
                "--nworkers",
                "2",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--local-directory",
                str(tmp_path / "worker"),
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        yield json.loads(file.read_text())["address"]
    finally:
        if worker is not None:
            _stop(worker)
        _stop(scheduler)
        log.close()


def test_a_real_dask_cluster_gives_the_local_pools_results(
    dask_cluster: str, tiny_file: Path, tiny_sweep: Path, tmp_path: Path
) -> None:
    assert dask_cluster.startswith("tcp://127.0.0.1:")
    out = tmp_path / "dask"
    assert sweep(str(tiny_file), "--out", str(out), "--dask", dask_cluster) == 0
    assert (out / "results.parquet").read_bytes() == (tiny_sweep / "results.parquet").read_bytes()
    assert len(list((out / "parts").iterdir())) == TINY_RUNS


def test_an_unreachable_scheduler_is_a_user_error(
    tiny_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("distributed")
    from exodus.cli import main
    from exodus.sweep import executor

    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", "2s")

    code = main(
        [
            "sweep",
            str(tiny_file),
            "--out",
            str(tmp_path / "o"),
            "--quiet",
            "--dask",
            "tcp://127.0.0.1:9",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot reach the scheduler" in err and err.count("\n") == 1


KILLED = """\
name: killed
scenarios: ["{classroom}"]
set: [scale=0.002, end=2022-09-20]
replicates: 10
seed: 99
metrics: [rent_index, tension_index]
"""


def test_a_sweep_killed_with_sigkill_and_resumed_equals_an_uninterrupted_one(
    tmp_path: Path,
) -> None:
    experiment = write_experiment(tmp_path / "killed.yaml", KILLED)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*EXODUS, "sweep", str(experiment), "--out", str(out), "--workers", "1", "--quiet"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            parts = list((out / "parts").glob("r*.parquet")) if (out / "parts").exists() else []
            if len(parts) >= 3:
                break
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGKILL)  # the sweep and its pool's workers
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    stored = sorted(p.stem for p in (out / "parts").glob("r*.parquet"))
    assert 3 <= len(stored) < 10, "the kill should land mid-sweep"
    assert not (out / "results.parquet").exists()
    # every stored part is whole: its index record exists only once the part is in place
    for run in (out / "runs").glob("r*.json"):
        assert (out / "parts" / f"{run.stem}.parquet").exists()

    assert sweep(str(experiment), "--out", str(out), "--resume", "--workers", "2") == 0
    reference = tmp_path / "reference"
    assert sweep(str(experiment), "--out", str(reference), "--workers", "2") == 0
    assert (out / "results.parquet").read_bytes() == (reference / "results.parquet").read_bytes()
