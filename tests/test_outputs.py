"""Writing a run: exact columns, stable number text, provenance, and all-or-nothing directories."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json

import numpy as np
import pytest

from exodus.model.record import EVENTS_COLUMNS, TIMESERIES_COLUMNS
from exodus.outputs import RUN_FILES, OutputExistsError, format_value, write_run
from exodus.scenario.loader import load_scenario


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (3, "3"),
        (np.int64(7), "7"),
        (1.0, "1"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.3"),
        (np.float32(0.5), "0.5"),
        (2161695.0, "2161695"),
        (1.23456789012, "1.2345679"),
        (float("nan"), "nan"),
        (dt.date(2022, 9, 21), "2022-09-21"),
        ("Uralsk", "Uralsk"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


def test_write_run_writes_every_file(result, tmp_path):
    out = tmp_path / "runs" / "one"
    paths = write_run(result, out)
    assert [p.name for p in paths] == list(RUN_FILES)
    assert all(p.stat().st_size > 0 for p in paths)
    with (out / "timeseries.csv").open() as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == TIMESERIES_COLUMNS
    assert len(rows) == 1 + len(result.timeseries)
    with (out / "events.csv").open() as handle:
        events = list(csv.reader(handle))
    assert tuple(events[0]) == EVENTS_COLUMNS and events[1][-1] == "a, b"
    assert [p.name for p in tmp_path.joinpath("runs").iterdir()] == ["one"]  # no staging left


def test_meta_and_scenario_describe_the_run(result, tmp_path):
    result.seed = 99  # a seed given on the command line, not the scenario's
    out = tmp_path / "run"
    write_run(result, out)
    meta = json.loads((out / "meta.json").read_text())
    text = (out / "scenario.yaml").read_bytes()
    assert meta["scenario_sha256"] == hashlib.sha256(text).hexdigest()
    assert meta["seed"] == 99 and meta["agent_steps"] == 1234
    assert meta["agent_weight"] == pytest.approx(1 / 0.02)
    assert (meta["start"], meta["end"]) == ("2022-09-01", "2022-09-30")  # 30 synthetic days
    assert set(meta["versions"]) == {"exodus", "mesa", "numpy", "pydantic", "python"}
    assert {"git_commit", "wall_seconds", "created_at"} <= set(meta)
    again = load_scenario(out / "scenario.yaml")
    assert again.seed == 99
    assert again == result.scenario.model_copy(update={"seed": 99})


def test_same_records_give_identical_bytes(result, tmp_path):
    write_run(result, tmp_path / "a")
    write_run(result, tmp_path / "b")
    for name in ("timeseries.csv", "events.csv", "scenario.yaml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_existing_directory_needs_force(result, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "old.txt").write_text("keep me")
    with pytest.raises(OutputExistsError, match="--force"):
        write_run(result, out)
    assert (out / "old.txt").read_text() == "keep me"
    write_run(result, out, force=True)
    assert not (out / "old.txt").exists() and (out / "timeseries.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_failure_leaves_nothing_behind(result, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "old.txt").write_text("keep me")
    del result.timeseries[5]["rent_index"]
    with pytest.raises(ValueError, match="row 6"):
        write_run(result, out, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert [p.name for p in out.iterdir()] == ["old.txt"]
