"""The Python API: scenarios by name with overrides, runs and sweeps as pandas tables with one set of
dtypes, whether the run is fresh, read back from its directory, or a sweep's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pandas.api.types import is_float_dtype

import exodus
from exodus.cli import main
from exodus.model.record import EVENTS_COLUMNS, TIMESERIES_COLUMNS
from exodus.outputs import RunDirError
from exodus.shipped import SCENARIOS_DIR

TOWNS = ["Uralsk", "Petropavlovsk", "Astana", "Almaty", "Karaganda", "Bishkek"]
SHORT = {"end": "2022-09-30"}


@pytest.fixture(scope="module")
def fresh() -> exodus.Run:
    return exodus.run("classroom", {"housing.bid_up_per_rival": 0.05, **SHORT}, seed=2)


def check_timeseries(frame: pd.DataFrame, towns: list[str] = TOWNS) -> None:
    assert frame["date"].dtype == "datetime64[ns]"
    assert frame["day"].dtype == "int64"
    assert isinstance(frame["town"].dtype, pd.CategoricalDtype)
    assert list(frame["town"].cat.categories) == towns
    assert isinstance(frame["country"].dtype, pd.CategoricalDtype)
    assert set(frame["country"].cat.categories) == {"KZ", "KG"}
    for column in TIMESERIES_COLUMNS[4:]:
        assert is_float_dtype(frame[column]), column


def test_run_gives_typed_tables(fresh: exodus.Run) -> None:
    frame = fresh.timeseries
    assert list(frame.columns) == list(TIMESERIES_COLUMNS)
    assert len(frame) == 30 * 6
    check_timeseries(frame)
    assert frame["date"].min() == pd.Timestamp("2022-09-01")
    assert frame["date"].max() == pd.Timestamp("2022-09-30")
    assert fresh.seed == 2 and fresh.scenario.housing.bid_up_per_rival == 0.05
    events = fresh.events
    assert list(events.columns) == list(EVENTS_COLUMNS)
    assert events["date"].dtype == "datetime64[ns]"
    assert isinstance(events["town"].dtype, pd.CategoricalDtype)
    assert isinstance(events["kind"].dtype, pd.CategoricalDtype)
    assert (events.groupby("town", observed=True).size() >= 1).all()  # each town's rent peak


def test_overrides_as_a_mapping_or_as_set_texts_are_the_same() -> None:
    as_mapping = exodus.load_scenario("classroom", {"towns.Uralsk.enabled": False, "seed": 9})
    as_texts = exodus.load_scenario("classroom", ["towns.Uralsk.enabled=false", "seed=9"])
    assert as_mapping == as_texts
    assert "Uralsk" not in as_mapping.enabled_towns() and as_mapping.seed == 9
    again = exodus.load_scenario(as_mapping, {"seed": 10})
    assert again.seed == 10 and again.enabled_towns() == as_mapping.enabled_towns()


def test_a_bad_override_names_the_key() -> None:
    with pytest.raises(
        exodus.ScenarioError, match=r"from overrides housing\.bid_up_per_rival=9\): .*less than"
    ):
        exodus.load_scenario("classroom", {"housing.bid_up_per_rival": 9})


def test_saved_run_reads_back_as_the_same_tables(fresh: exodus.Run, tmp_path: Path) -> None:
    paths = fresh.save(tmp_path / "run")
    assert all(path.exists() for path in paths)
    loaded = exodus.load_run(tmp_path / "run")
    pd.testing.assert_frame_equal(loaded.timeseries, fresh.timeseries, rtol=1e-7)
    pd.testing.assert_frame_equal(loaded.events, fresh.events)
    assert loaded.seed == 2 and loaded.meta["seed"] == 2
    loaded.save(tmp_path / "again")  # a loaded run writes the same bytes again
    for name in ("timeseries.csv", "events.csv", "scenario.yaml"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "run" / name).read_bytes()


def test_cli_run_and_api_run_write_the_same_bytes(fresh: exodus.Run, tmp_path: Path) -> None:
    fresh.save(tmp_path / "api")
    argv = ["run", "classroom", "--set", "housing.bid_up_per_rival=0.05", "--set", "end=2022-09-30"]
    assert main([*argv, "--seed", "2", "--out", str(tmp_path / "cli"), "--quiet"]) == 0
    for name in ("timeseries.csv", "events.csv", "scenario.yaml"):
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()


def test_load_run_of_a_directory_that_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(RunDirError, match=r"scenario\.yaml: no such file"):
        exodus.load_run(tmp_path)


def test_load_sweep_gives_typed_tables(tmp_path: Path) -> None:
    experiment = tmp_path / "two.yaml"
    experiment.write_text(
        f"name: two\nscenarios: [{SCENARIOS_DIR / 'classroom.yaml'}]\n"
        "set: ['end=2022-09-10']\nparameters:\n  flows.mobilised_scale: {values: [0.5, 1.0]}\n"
        "seed: 1\n",
        encoding="utf-8",
    )
    out = tmp_path / "sweep"
    assert main(["sweep", str(experiment), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    sweep = exodus.load_sweep(out)
    again = exodus.run_sweep(experiment, tmp_path / "again", workers=1)
    pd.testing.assert_frame_equal(again.results, sweep.results)
    frame = sweep.results
    assert len(frame) == 2 * 10 * 6
    assert frame["date"].dtype == "datetime64[ns]"
    assert isinstance(frame["town"].dtype, pd.CategoricalDtype)
    assert list(frame["town"].cat.categories) == TOWNS
    assert isinstance(frame["scenario"].dtype, pd.CategoricalDtype)
    assert sorted(frame["flows.mobilised_scale"].unique()) == [0.5, 1.0]
    assert list(sweep.runs["status"]) == ["ok", "ok"]
    assert sweep.info["name"] == "two"
