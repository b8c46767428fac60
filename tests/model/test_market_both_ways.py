"""The rental market goes both ways (issue 10): over ten seeds at the default scale, rents fall
back after the peak where the arrivals leave, displaced renters find homes again, and without the
mobilisation rents follow their background trend."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy.stats import spearmanr

from exodus.scenario.loader import load_scenario
from tests.model.conftest import BASELINE, run_model

SEEDS = tuple(range(1, 11))
"""Ten seeds for the spread of the peak; the other checks use all ten too."""
NO_MOBILISATION = BASELINE.parent / "no_mobilisation.yaml"


def by_town(rows: list[dict], name: str) -> dict[str, np.ndarray]:
    series: dict[str, list[float]] = {}
    for r in rows:
        series.setdefault(r["town"], []).append(r[name])
    return {town: np.asarray(v) for town, v in series.items()}


@pytest.fixture(scope="module")
def baseline_models():
    scenario = load_scenario(BASELINE)
    return [run_model(scenario, seed=seed) for seed in SEEDS]


@pytest.fixture(scope="module")
def no_mobilisation_rows():
    scenario = load_scenario(NO_MOBILISATION)
    return [run_model(scenario, seed=seed).recorder.timeseries for seed in SEEDS[:5]]


@pytest.mark.slow
def test_rents_fall_back_where_the_arrivals_leave(baseline_models):
    for model in baseline_models:
        rows = model.recorder.timeseries
        rent, present = by_town(rows, "rent_index"), by_town(rows, "migrants_present")
        migrant_fall = {t: 1 - present[t][-1] / present[t].max() for t in rent}
        rent_fall = {t: 1 - rent[t][-1] / rent[t].max() for t in rent}
        for town in rent:
            if migrant_fall[town] >= 1 / 3:
                assert rent_fall[town] >= 0.05, (town, rent_fall[town])
        towns = sorted(rent)
        rho = spearmanr([migrant_fall[t] for t in towns], [rent_fall[t] for t in towns])[0]
        assert rho > 0, (migrant_fall, rent_fall)


@pytest.mark.slow
def test_every_town_has_market_enough_for_a_price(baseline_models):
    """The default scale holds enough listings that a town's peak rent index is the model's, not
    the agent weight's: its standard deviation over ten seeds is at most 4% of its mean (0.10 of a
    peak of 2.5; Petropavlovsk's peaks of about 3.2 spread by 0.10)."""
    peaks: dict[str, list[float]] = {}
    for model in baseline_models:
        for town, rent in by_town(model.recorder.timeseries, "rent_index").items():
            peaks.setdefault(town, []).append(rent.max())
    for town, values in peaks.items():
        assert np.std(values) <= 0.04 * np.mean(values), (town, values)


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="a known gap of the ten-parameter calibration (docs/calibration.md): with the wave's "
    "savings fitted near the top of their prior, Uralsk displaces 5,700 renter households of "
    "33,495 (17%) in a seed, over the 15% bound of the ODD's patterns",
)
def test_displacement_is_bounded_and_most_displaced_find_a_home_again(baseline_models):
    for model in baseline_models:
        rows = model.recorder.timeseries
        renters = by_town(rows, "local_renters")
        total = by_town(rows, "displaced_total")
        for town in renters:
            # at most 15% of renter households ever displaced (assumed bound: see docs/odd.md)
            assert total[town][-1] <= 0.15 * renters[town][0], town
        hh = model.households
        first = hh.view("displaced_day")
        early = (first >= 0) & (first < model.day_of(dt.date(2022, 11, 1)))
        assert early.sum() > 0
        housed_again = early & (hh.view("unit") >= 0)
        assert housed_again.sum() >= 0.5 * early.sum()


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="open: the rent ratchet of the border towns (session 6's closing note). Asks are never "
    "cut below the going rent of the last few lets and owners list spare flats whenever the index "
    "stands above its trend, so Uralsk's index rises through December (2.53 -> 2.59 over its "
    "last 30 days, seed 3) with 42-52% of its stock vacant",
)
def test_rents_do_not_climb_on_a_half_empty_market(baseline_models):
    """A market with far more listings than takers cannot keep raising its rents: in a town whose
    vacancy stays above 30% over the last 30 days (more than ten times its first day's 2-3%),
    the rent index ends those days no higher than it began them. A property of the mechanism,
    not a fit to any figure after the calibration window."""
    for model in baseline_models:
        rows = model.recorder.timeseries
        rent, vacancy = by_town(rows, "rent_index"), by_town(rows, "vacancy_rate")
        for town in rent:
            if vacancy[town][-30:].min() > 0.3:
                assert rent[town][-1] <= rent[town][-30], (town, rent[town][-30:][[0, -1]])


@pytest.mark.slow
@pytest.mark.parametrize(
    "town",
    ["Uralsk", "Petropavlovsk", "Astana", "Almaty", "Karaganda", "Bishkek"],
)
def test_without_the_mobilisation_rents_follow_their_trend(no_mobilisation_rows, town):
    """Over five seeds each town's rent index on 31 Dec is on average within 5% of the background
    trend. Single seeds stray a little further in the thinnest market (Petropavlovsk: +1.6% to
    +5.3% over seeds 1-5, the first-wave trickle lifting a handful of lets), never by 7%."""
    trend_per_day = np.log1p(load_scenario(NO_MOBILISATION).housing.rent_trend_per_year) / 365
    gaps = []
    for rows in no_mobilisation_rows:
        rent = by_town(rows, "rent_index")[town]
        gaps.append(rent[-1] / np.exp(trend_per_day * (rent.size - 1)) - 1)
    assert abs(np.mean(gaps)) <= 0.05, (town, gaps)
    assert max(abs(g) for g in gaps) <= 0.07, (town, gaps)
