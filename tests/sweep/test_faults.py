"""Faults a long sweep must survive: a worker killed mid-run, the sweep itself stopped by a signal,
damaged files read back, a full disk, a second writer, and a scenario file edited after the sweep.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exodus.cli import main
from tests.sweep.conftest import (
    EXODUS,
    ROOT,
    run_exodus,
    sweep,
    write_experiment,
)

HERE = Path(__file__).resolve().parent


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc (workers, the resource tracker, their children)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for_parts(out: Path, process: subprocess.Popen[str], n: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if (out / "parts").is_dir() and len(list((out / "parts").glob("r*.parquet"))) >= n:
            return
        time.sleep(0.02)
    raise AssertionError("the sweep did not get going")


def test_a_killed_worker_is_replaced_and_the_results_are_those_of_a_clean_sweep(
    tiny_file: Path, tiny_sweep: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    markers = tmp_path / "kills"
    markers.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "inject_failure.py"),
            "sweep",
            str(tiny_file),
            *("--out", str(out), "--workers", "2", "--quiet"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "EXODUS_TEST_KILL_DIR": str(markers)},
    )
    assert sorted(p.name for p in markers.iterdir()) == ["killed-0", "killed-1"]  # two SIGKILLs
    assert done.returncode == 0, done.stderr
    assert (out / "results.parquet").read_bytes() == (tiny_sweep / "results.parquet").read_bytes()


SLOW = """\
name: slow
scenarios: ["{classroom}"]
set: [scale=0.002, end=2022-10-10]
replicates: 40
seed: 3
metrics: [rent_index]
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_the_sweep_its_workers_and_leaves_it_resumable(
    signum: int, tmp_path: Path
) -> None:
    experiment = write_experiment(tmp_path / "slow.yaml", SLOW)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*EXODUS, "sweep", str(experiment), "--out", str(out), "--workers", "2", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_parts(out, process, 2)
        children = _descendants(process.pid)
        assert children, "the sweep has its workers"
        process.send_signal(signum)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 128 + signum
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert f"interrupted by {signal.Signals(signum).name}" in err and "--resume" in err
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)], "a child outlived the sweep by 10 s"
    assert not (out / "results.parquet").exists()
    # every record has its part: the state is one --resume completes
    for record in (out / "runs").glob("r*.json"):
        assert (out / "parts" / f"{record.stem}.parquet").exists()


def test_children_die_with_a_sweep_killed_by_sigkill(tmp_path: Path) -> None:
    experiment = write_experiment(tmp_path / "slow.yaml", SLOW)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*EXODUS, "sweep", str(experiment), "--out", str(out), "--workers", "2", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_parts(out, process, 1)  # type: ignore[arg-type]
        children = _descendants(process.pid)
        process.kill()
    finally:
        process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)]


def _copy(sweep_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "copy"
    shutil.copytree(sweep_dir, out)
    (out / ".lock").unlink(missing_ok=True)
    return out


@pytest.mark.parametrize("damage", ["truncated", "zeroed", "another run's", "empty"])
def test_resume_reruns_a_damaged_part(
    damage: str, tiny_file: Path, tiny_sweep: Path, tmp_path: Path
) -> None:
    out = _copy(tiny_sweep, tmp_path)
    part = out / "parts" / "r000005.parquet"
    data = part.read_bytes()
    if damage == "truncated":
        part.write_bytes(data[: len(data) // 2])
    elif damage == "zeroed":
        part.write_bytes(data[:100] + bytes(len(data) - 200) + data[-100:])
    elif damage == "another run's":
        shutil.copy(out / "parts" / "r000004.parquet", part)
    else:
        part.write_bytes(b"")
    untouched = (out / "parts" / "r000006.parquet").stat().st_mtime_ns
    assert sweep(str(tiny_file), "--out", str(out), "--resume", "--workers", "1") == 0
    assert (out / "parts" / "r000006.parquet").stat().st_mtime_ns == untouched
    assert (out / "results.parquet").read_bytes() == (tiny_sweep / "results.parquet").read_bytes()


@pytest.mark.parametrize(
    ("target", "damage", "message"),
    [
        ("results.parquet", "truncate", "results.parquet: damaged"),
        ("results.parquet", "garbage", "results.parquet: damaged"),
        ("experiment.json", "truncate", "experiment.json: damaged"),
        ("experiment.json", "list", "experiment.json: damaged"),
        ("experiment.json", "no metrics", "experiment.json: damaged"),
        ("results.parquet", "directory", "results.parquet: is a directory"),
    ],
)
@pytest.mark.parametrize("command", ["report", "compare"])
def test_a_damaged_sweep_file_is_one_line_in_report_and_compare(
    command: str,
    target: str,
    damage: str,
    message: str,
    tiny_sweep: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    out = _copy(tiny_sweep, tmp_path)
    path = out / target
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "garbage":
        path.write_bytes(b"PAR1" + os.urandom(3000) + b"PAR1")
    elif damage == "list":
        path.write_text("[1, 2]")
    elif damage == "no metrics":
        info = json.loads(path.read_text())
        del info["experiment"]["metrics"]
        path.write_text(json.dumps(info))
    else:
        path.unlink()
        path.mkdir()
    before = sorted(p.name for p in out.iterdir())
    assert main([command, str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert message in err and str(out) in err, err
    assert sorted(p.name for p in out.iterdir()) == before


def test_report_refuses_an_output_that_is_a_directory_before_drawing(
    tiny_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _copy(tiny_sweep, tmp_path)
    (out / "report.md").mkdir()
    assert main(["report", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out / 'report.md'}: is a directory" in err and err.count("\n") == 1
    assert not (out / "rent_index.png").exists()


def test_a_full_disk_names_the_file_not_dask(
    tiny_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    real = os.fsync

    def fsync(fd: int) -> None:
        if "/parts/" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    out = tmp_path / "out"
    assert sweep(str(tiny_file), "--out", str(out), "--workers", "1") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert f"{out / 'parts'}/r0000" in err and "No space left on device" in err
    assert "dask" not in err.lower()
    assert not list((out / "parts").glob(".*.tmp"))  # no half-written part left


def test_a_second_writer_of_a_sweep_directory_is_refused(tmp_path: Path, capsys) -> None:
    experiment = write_experiment(tmp_path / "slow.yaml", SLOW)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*EXODUS, "sweep", str(experiment), "--out", str(out), "--workers", "1", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_parts(out, process, 1)  # type: ignore[arg-type]
        for flag in ("--resume", "--force"):
            assert sweep(str(experiment), "--out", str(out), flag) == 2
            err = capsys.readouterr().err
            assert err.count("\n") == 1, err
            assert f"{out}: in use by pid {process.pid} (exodus sweep {experiment})" in err
        assert (out / "experiment.json").exists() and list((out / "parts").iterdir())
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_second_calibration_into_the_same_directory_is_refused(tmp_path: Path, capsys) -> None:
    from exodus.files import hold_lock
    from tests.calibration.test_calibrate_cli import GOOD

    spec = tmp_path / "cal.yaml"
    spec.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "cal"
    lock = hold_lock(tmp_path / ".cal.lock", "exodus calibrate first.yaml", out)
    try:
        assert main(["calibrate", str(spec), "--out", str(out), "--quiet"]) == 2
    finally:
        os.close(lock)
    err = capsys.readouterr().err
    assert f"{out}: in use by pid {os.getpid()} (exodus calibrate first.yaml)" in err


def test_sweep_files_follow_the_umask(tiny_file: Path, tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        assert sweep(str(tiny_file), "--out", str(tmp_path / "out"), "--workers", "2") == 0
    finally:
        os.umask(old)
    for path in [tmp_path / "out", *(tmp_path / "out").rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o750 if path.is_dir() else 0o640), (path, oct(mode))


def test_compare_uses_the_scenarios_the_sweep_ran_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "study"
    here.mkdir()
    for name in ("baseline_2022.yaml", "classroom.yaml"):
        shutil.copy(ROOT / "scenarios" / name, here / name)
    experiment = write_experiment(
        here / "e.yaml",
        "name: e\nscenarios: [classroom.yaml]\nset: [scale=0.002, end=2022-10-05]\n"
        "replicates: 2\nseed: 4\nmetrics: [rent_index, departures_abroad, arrivals_from_abroad]\n",
    )
    out = tmp_path / "out"
    assert sweep(str(experiment), "--out", str(out), "--workers", "2") == 0
    first = run_exodus("compare", str(out), "--out", str(tmp_path / "one"))
    assert first.returncode == 0, first.stderr
    base = here / "baseline_2022.yaml"
    base.write_text(base.read_text().replace("rent_1room: 115000", "rent_1room: 230000"))
    monkeypatch.chdir("/")
    second = run_exodus("compare", str(out), "--out", str(tmp_path / "two"))
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


def test_parent_keeps_no_rows(tiny_file: Path, tmp_path: Path) -> None:
    from exodus.sweep.executor import execute
    from exodus.sweep.experiment import KeepRows, expand, load_experiment

    experiment = load_experiment(tiny_file)
    specs = expand(experiment, tiny_file)[:2]
    seen = []
    outcomes = execute(
        specs,
        workers=1,
        keep=KeepRows.of(experiment),
        on_done=lambda o: seen.append(len(o.rows)),
        progress=False,
        retain=False,
    )
    assert seen and all(n > 0 for n in seen)  # on_done had every run's rows
    assert all(o.rows == [] for o in outcomes) and len(outcomes) == 2


def test_a_sweep_states_its_size_and_an_estimate_before_it_starts(
    tiny_file: Path, tmp_path: Path, capsys
) -> None:
    assert main(["sweep", str(tiny_file), "--out", str(tmp_path / "o"), "--workers", "1"]) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("tiny: 12 runs (0 already done), 1 local workers; about ")
    assert "of one core and" in first and first.endswith("of results")
