"""Plots from a run directory: one run redrawn, several overlaid, both readable PNGs."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from exodus.cli import main
from exodus.outputs import RunDirError, write_run
from exodus.plots import RunData, plot_run


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.fixture
def run_dir(result, tmp_path) -> Path:
    write_run(result, tmp_path / "run")
    return tmp_path / "run"


def test_run_plots_are_1200_by_700(run_dir):
    for name in ("rent.png", "tension.png"):
        assert png_size(run_dir / name) == (1200, 700)


def test_run_data_reads_back_names_and_border_towns(run_dir):
    run = RunData.from_dir(run_dir)
    assert run.name == "classroom"
    assert run.towns()[:2] == ["Uralsk", "Petropavlovsk"]  # border towns first
    dates, values = run.series("rent_index")["Bishkek"]
    assert len(dates) == len(values) == 30 and values[0] == 1.0


def test_plot_without_scenario_file(run_dir, tmp_path):
    (run_dir / "scenario.yaml").unlink()
    for name in ("rent.png", "tension.png"):
        (run_dir / name).unlink()
    assert main(["plot", str(run_dir)]) == 0
    assert (run_dir / "rent.png").stat().st_size > 10_000


def test_redraw_one_run(run_dir, capsys):
    (run_dir / "rent.png").unlink()
    assert main(["plot", str(run_dir)]) == 0
    assert png_size(run_dir / "rent.png") == (1200, 700)
    assert str(run_dir / "rent.png") in capsys.readouterr().out


def test_overlay_runs(result, run_dir, tmp_path):
    result.scenario = result.scenario.model_copy(update={"name": "other"})
    write_run(result, tmp_path / "other")
    prefix = tmp_path / "out" / "cmp"
    assert main(["plot", str(run_dir), str(tmp_path / "other"), "--out", str(prefix)]) == 0
    for panel in ("rent", "tension"):
        assert png_size(Path(f"{prefix}_{panel}.png")) == (1200, 700)


def test_overlay_default_prefix_is_cwd(run_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["plot", str(run_dir), str(run_dir)]) == 0
    assert (tmp_path / "compare_rent.png").exists() and (tmp_path / "compare_tension.png").exists()


def test_not_a_run_directory(tmp_path, capsys):
    assert main(["plot", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("exodus: error: ") and "timeseries.csv" in err
    assert "Traceback" not in err
    with pytest.raises(RunDirError):
        plot_run(RunData.from_dir(tmp_path), tmp_path)
