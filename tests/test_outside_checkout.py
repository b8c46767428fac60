"""From a directory that is not the checkout, the shipped scenarios and experiments are found by
name: `exodus run baseline_2022`, `exodus check`, the sweeps' experiments and `exodus app` work
wherever exodus is installed."""

from __future__ import annotations

import csv
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from exodus.app.catalogue import ENV_SCENARIO, from_environment
from exodus.model.record import TIMESERIES_COLUMNS
from exodus.shipped import EXPERIMENTS_DIR, SCENARIOS_DIR, experiment_names, scenario_names
from tests.app.server import serve
from tests.conftest import ROOT

EXODUS = Path(sys.executable).with_name("exodus")


def exodus(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXODUS), *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working directory with no scenarios/ or experiments/ in it or above it."""
    assert not any((p / "scenarios").exists() for p in [tmp_path, *tmp_path.parents])
    return tmp_path


def test_run_by_name_writes_a_run(elsewhere: Path) -> None:
    done = exodus("run", "baseline_2022", "--scale", "0.005", "--out", "out", cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    with (elsewhere / "out" / "timeseries.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(TIMESERIES_COLUMNS)
    assert len(rows) == 122 * 6  # 1 Sep to 31 Dec 2022, six towns
    assert "baseline_2022: 2022-09-01 to 2022-12-31" in done.stdout


def test_a_name_that_is_not_shipped_is_one_line(elsewhere: Path) -> None:
    done = exodus("check", "classroom", "baseline_2031", cwd=elsewhere)
    assert done.returncode == 2
    assert done.stdout == "ok classroom\n"
    assert done.stderr == "exodus: error: baseline_2031: no such file\n"


def test_a_file_here_wins_over_a_shipped_name(elsewhere: Path) -> None:
    (elsewhere / "classroom.yaml").write_text("name: mine\n", encoding="utf-8")
    done = exodus("check", "classroom.yaml", cwd=elsewhere)
    assert done.returncode == 2 and done.stderr.startswith("exodus: error: classroom.yaml: ")


def test_the_checkout_links_to_the_shipped_files() -> None:
    assert (ROOT / "scenarios").resolve() == SCENARIOS_DIR
    assert (ROOT / "experiments").resolve() == EXPERIMENTS_DIR
    assert {"baseline_2022", "classroom", "rent_cap"} <= set(scenario_names())
    assert {"classroom_spread", "calibration_2022"} <= set(experiment_names())


def test_a_shipped_experiment_expands_by_name(elsewhere, monkeypatch) -> None:
    from exodus.sweep.experiment import expand, load_experiment

    monkeypatch.chdir(elsewhere)
    specs = expand(load_experiment("classroom_spread"), "classroom_spread")
    assert specs and {spec.scenario.name for spec in specs} == {"classroom"}


def test_the_page_finds_its_scenarios_from_anywhere(elsewhere, monkeypatch) -> None:
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv(ENV_SCENARIO, raising=False)
    pages = from_environment()
    assert pages.first == "classroom"
    assert pages.files["classroom"] == SCENARIOS_DIR / "classroom.yaml"
    assert set(pages.files) == set(scenario_names())


def test_app_starts_and_serves_from_anywhere(elsewhere: Path) -> None:
    log = elsewhere / "app.log"
    with serve([], elsewhere, log) as url, urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200 and b"<html" in response.read().lower()
    text = log.read_text(errors="replace")
    assert "exodus app: " in text and "classroom" in text and "rent_cap" in text
    assert "Traceback" not in text
