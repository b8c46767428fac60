"""ExodusModel as Mesa's own tools drive it: keyword construction, run_model, batch_run, the
datacollector that SolaraViz's plot components read, and SolaraViz's Reset."""

from __future__ import annotations

import datetime as dt

import ipywidgets
import mesa
import pandas as pd
import pytest
import solara
from mesa.experimental.scenarios import Scenario as MesaScenario
from mesa.visualization.components import make_plot_component
from mesa.visualization.solara_viz import _build_model_init_kwargs

from exodus.mesa_api import ExodusScenario, RunEndedError
from exodus.model.model import ExodusModel
from exodus.runner import run_scenario
from exodus.scenario.loader import ScenarioError, load_scenario

SHORT = {"end": "2022-09-30"}  # the classroom scenario's first 30 days
TOWNS = ["Uralsk", "Petropavlovsk", "Astana", "Almaty", "Karaganda", "Bishkek"]


def test_run_model_returns_after_the_last_day() -> None:
    model = ExodusModel(scenario="classroom", rng=1, **SHORT)
    model.run_model()
    assert not model.running
    assert model.steps == model.n_days == 30 and model.time == 30
    assert model.date == dt.date(2022, 9, 30)
    assert len(model.recorder.timeseries) == 30 * 6


def test_stepping_past_the_end_is_an_error_naming_the_end() -> None:
    model = ExodusModel(scenario="classroom", rng=1, **SHORT)
    model.run_for(30)
    assert not model.running
    with pytest.raises(RunEndedError, match=r"classroom ended on 2022-09-30 \(day 30 of 30\)"):
        model.step()
    assert len(model.recorder.timeseries) == 30 * 6  # no day recorded past the end


def test_run_until_stops_where_asked() -> None:
    model = ExodusModel(scenario="classroom", rng=1, **SHORT)
    model.run_until(10)
    assert model.running and model.steps == 10 and model.date == dt.date(2022, 9, 10)


def test_keyword_model_is_the_run_the_cli_makes() -> None:
    overrides = {"housing.bid_up_per_rival": 0.05, **SHORT}
    model = ExodusModel(scenario="classroom", rng=3, **overrides)
    model.run_model()
    assert model.settings.housing.bid_up_per_rival == 0.05 and model.seed == 3
    reference = run_scenario(load_scenario("classroom", overrides), seed=3)
    assert model.recorder.timeseries == reference.timeseries
    assert model.recorder.events == reference.events


def test_default_and_mesa_scenario_construction() -> None:
    assert ExodusModel().settings.name == "baseline_2022"
    given = MesaScenario(rng=4, extends="classroom", **{"attitudes.compassion_mean": 0.6})
    model = ExodusModel(scenario=given)
    assert model.scenario is given and model.seed == 4
    assert model.settings.name == "classroom" and model.settings.attitudes.compassion_mean == 0.6
    with pytest.raises(ValueError, match=r"rng and scenario\.rng"):
        ExodusModel(scenario=given, rng=5)


def test_a_bad_override_is_a_scenario_error_naming_the_key() -> None:
    with pytest.raises(ScenarioError, match=r"housing\.bid_up_perrival.*did you mean"):
        ExodusModel(scenario="classroom", **{"housing.bid_up_perrival": 0.05})


def test_datacollector_holds_the_town_series_the_recorder_wrote() -> None:
    model = ExodusModel(scenario="classroom", rng=1, **SHORT)
    model.run_model()
    towns = model.datacollector.get_agent_vars_dataframe()
    assert len(towns) == 30 * 6
    assert list(towns.index.get_level_values("AgentID")[:6]) == TOWNS
    recorded = pd.DataFrame(model.recorder.timeseries)
    assert towns["rent_index"].tolist() == recorded["rent_index"].tolist()
    series = model.datacollector.get_model_vars_dataframe()
    assert len(series) == 30
    assert series["date"].iloc[-1] == pd.Timestamp("2022-09-30")
    last = recorded[recorded.day == 29].set_index("town")
    assert series["tension_index[Bishkek]"].iloc[-1] == last.loc["Bishkek", "tension_index"]


def test_batch_run_gives_one_row_per_town_and_day_per_run() -> None:
    rows = mesa.batch_run(
        ExodusModel,
        parameters={
            "scenario": "classroom",
            "end": "2022-09-30",
            "flows.mobilised_scale": [0.5, 1],
        },
        rng=[1, 2],
        data_collection_period=1,
        display_progress=False,
    )
    frame = pd.DataFrame(rows)
    assert frame.groupby("RunId").size().tolist() == [30 * 6] * 4
    assert frame.groupby(["RunId", "AgentID", "Step"]).size().max() == 1
    runs = frame.groupby("RunId")[["iteration", "rng", "flows.mobilised_scale"]].first()
    assert sorted(map(tuple, runs.to_numpy().tolist())) == [
        (0, 1, 0.5),
        (0, 1, 1.0),
        (1, 2, 0.5),
        (1, 2, 1.0),
    ]
    # half the mobilisation wave: fewer migrants in every run's last day than the full wave
    last = frame[frame.Step == 30].groupby(["rng", "flows.mobilised_scale"]).migrants_present.sum()
    assert last[(1, 0.5)] < last[(1, 1.0)] and last[(2, 0.5)] < last[(2, 1.0)]


def test_solaraviz_plot_component_draws_a_town_series() -> None:
    model = ExodusModel(scenario="classroom", rng=1, **SHORT)
    model.run_for(5)
    make_plot, _ = make_plot_component({"rent_index[Uralsk]": "tab:red"})
    _, context = solara.render(make_plot(model), handle_error=False)
    try:
        (image,) = context.find(ipywidgets.Image).widgets  # the figure, drawn as a PNG
        assert bytes(image.value).startswith(b"\x89PNG")
    finally:
        context.close()


def test_solaraviz_reset_rebuilds_the_same_scenario_with_the_inputs() -> None:
    model = ExodusModel(scenario="classroom", rng=1, **SHORT)
    assert isinstance(model.scenario, ExodusScenario)
    inputs = {"rng": 7, "end": "2022-09-30", "attitudes.compassion_mean": 0.3}
    kwargs = _build_model_init_kwargs(
        model, inputs, add_scenario_when_empty=True, require_model_accepts_scenario=True
    )
    again = type(model)(**kwargs)
    assert again.settings.name == "classroom" and again.seed == 7
    assert again.settings.attitudes.compassion_mean == 0.3 and again.n_days == 30


def test_batch_run_iterations_repeat_the_scenarios_seed() -> None:
    with pytest.warns(DeprecationWarning):  # Mesa 3.5 deprecates iterations= for rng=
        rows = mesa.batch_run(
            ExodusModel,
            parameters={"scenario": "classroom", "end": "2022-09-05"},
            iterations=2,
            data_collection_period=1,
            display_progress=False,
        )
    frame = pd.DataFrame(rows)
    assert frame.groupby("RunId").size().tolist() == [5 * 6, 5 * 6]
    first, second = (
        group.drop(columns=["RunId", "iteration"]) for _, group in frame.groupby("RunId")
    )
    pd.testing.assert_frame_equal(first.reset_index(drop=True), second.reset_index(drop=True))
