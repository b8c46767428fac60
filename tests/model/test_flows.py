"""Flows: schedules, crossing shares, entry caps, transit and returns."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from exodus.model.flows import crossing_shares, daily_people
from exodus.model.model import ExodusModel
from exodus.model.state import MOBILISED, RELOCANT
from exodus.runner import run_scenario
from exodus.scenario.loader import load_scenario
from tests.model.conftest import BASELINE, column, total


@pytest.fixture(scope="module")
def short():
    return load_scenario(BASELINE, ["scale=0.003", "end=2022-10-20"])


def test_schedule_is_linear_between_knots_and_starts_with_the_order(short):
    model = ExodusModel(short)
    day = model.day_of
    assert daily_people(model, "KZ", MOBILISED, day(dt.date(2022, 9, 20))) == 0.0
    assert daily_people(model, "KZ", MOBILISED, day(dt.date(2022, 9, 24))) == pytest.approx(
        (9300 + 19300) / 2
    )
    assert daily_people(model, "KZ", RELOCANT, 0) == short.flows.relocant_per_day["KZ"]


def test_crossing_shares_sum_to_one_per_country_over_enabled_towns(short):
    off = load_scenario(BASELINE, ["towns.Uralsk.enabled=false"])
    for scenario in (short, off):
        model = ExodusModel(scenario)
        shares = crossing_shares(model)
        for c in (0, 1):
            assert shares[model.towns.country == c].sum() == pytest.approx(1.0)


def test_no_mobilisation_means_no_second_wave(short):
    rows = run_scenario(
        short.model_copy(update={"flows": short.flows.model_copy(update={"mobilised_scale": 0.0})})
    ).timeseries
    assert all(r["migrants_mobilised"] == 0 for r in rows)
    assert total(rows, "migrants_relocant", "2022-10-20", "2022-10-20") > 0


def test_a_closed_crossing_admits_nobody_from_russia():
    # without Bishkek, every arrival from abroad comes from Russia (moves from Kyrgyzstan into a
    # Kazakh town also count as arrivals from abroad, and an entry cap does not stop them)
    closed = load_scenario(
        BASELINE,
        [
            "scale=0.003",
            "end=2022-10-10",
            "towns.Bishkek.enabled=false",
            "policies=[{kind: entry_cap, start: 2022-09-28, max_per_day: 0, towns: [Uralsk]}]",
        ],
    )
    arrivals = column(run_scenario(closed).timeseries, "Uralsk", "arrivals_from_abroad")
    assert sum(v for d, v in arrivals.items() if d >= "2022-09-28") == 0
    assert sum(v for d, v in arrivals.items() if "2022-09-21" <= d < "2022-09-28") > 10_000


def test_transit_parties_leave_within_their_transit_days(short):
    rows = run_scenario(short).timeseries
    entered = total(rows, "arrivals_from_abroad", "2022-09-21", "2022-10-01", "KZ")
    left = total(rows, "departures_abroad", "2022-09-21", "2022-10-03", "KZ")
    share = short.flows.mobilised.transit_share
    assert left > 0.8 * share * entered


def test_returns_start_after_the_mobilisation_ends():
    scenario = load_scenario(
        BASELINE, ["scale=0.003", "flows.return_hazard=0.05", "flows.mobilised.transit_share=0"]
    )
    rows = run_scenario(scenario).timeseries
    mobilised = {d: 0.0 for d in {r["date"] for r in rows}}
    for r in rows:
        mobilised[r["date"]] += r["migrants_mobilised"]
    assert mobilised["2022-12-31"] < 0.2 * mobilised["2022-10-28"]


def test_full_towns_push_movers_elsewhere(short):
    model = ExodusModel(short)
    model.towns.free_places[:] = 100.0
    model.towns.seekers[:] = 0.0
    before = model.flows.destination_weights()
    full = model.towns.names.index("Astana")
    model.towns.free_places[full] = 0.0
    model.towns.seekers[full] = 50.0
    after = model.flows.destination_weights()
    others = np.arange(model.towns.n) != full
    assert (after[others, full] == 0).all() and (before[others, full] > 0).any()
