"""The baseline reproduces what it was calibrated on (data rows of data/observed_2022.csv)."""

from __future__ import annotations

import pytest

from tests.model.conftest import column, total


def within(model: float, observed: float, tolerance: float) -> bool:
    return abs(model - observed) <= tolerance * observed


def test_kazakhstan_entries_since_mobilisation(baseline_run):
    """F03: about 98,000 entries 21-27 Sep; F06: about 200,000 by 4 Oct (within 10%)."""
    rows = baseline_run.timeseries
    by_27 = total(rows, "arrivals_from_abroad", "2022-09-21", "2022-09-27", "KZ")
    by_4 = total(rows, "arrivals_from_abroad", "2022-09-21", "2022-10-04", "KZ")
    assert within(by_27, 98_000, 0.10), by_27
    assert within(by_4, 200_000, 0.10), by_4


def test_kazakhstan_exits_since_mobilisation(baseline_run):
    """F06: about 147,000 exits 21 Sep - 4 Oct (within 15%)."""
    exits = total(baseline_run.timeseries, "departures_abroad", "2022-09-21", "2022-10-04", "KZ")
    assert within(exits, 147_000, 0.15), exits


def test_crossings_into_uralsk(baseline_run):
    """F08: 50,928 crossings into West Kazakhstan over 20-30 Sep (within 15%)."""
    uralsk = sum(
        v
        for d, v in column(baseline_run.timeseries, "Uralsk", "arrivals_from_abroad").items()
        if "2022-09-20" <= d <= "2022-09-30"
    )
    assert within(uralsk, 50_928, 0.15), uralsk


SEPTEMBER_RISE = {"Uralsk": (0.20, 0.60), "Petropavlovsk": (0.20, 0.80)}
"""Rise of the rent index from 1 to 28 Sep that the border towns must reach on average over seeds
(the upper end also on the default seed).
Uralsk: its first-day rent is F15's 170,000 on 28 Sep over F16's +50% (a rise of 45%). For
Petropavlovsk the data disagree: F15's 135,000 on 28 Sep over F20's 80,000 before is +69%, F16's
largest rises are 'up to +50%', F20's 180,000 on 26 Sep is +125%. The bands run from a fifth to a
little above the town's own rise (45% and 69%)."""


@pytest.mark.parametrize("town", ["Uralsk", "Petropavlovsk"])
def test_border_town_asking_rents_by_28_september(baseline_run, town):
    """F15-F17: on the default seed, the border towns' asking rents and rent index are up by more
    than a tenth on 28 Sep over 1 Sep, and no more than the band allows (its lower end is held
    over ten seeds below: one seed's September rise spreads by about 0.05-0.1)."""
    rent = column(baseline_run.timeseries, town, "mean_asking_rent")
    rise = rent["2022-09-28"] / rent["2022-09-01"] - 1
    index = column(baseline_run.timeseries, town, "rent_index")
    index_rise = index["2022-09-28"] / index["2022-09-01"] - 1
    assert 0.10 < index_rise <= SEPTEMBER_RISE[town][1], index_rise
    assert rise > 0.10, rise


def test_almaty_rents_rise_less_than_border_towns(baseline_run):
    """F16: no change in southern cities far from the border while the border towns jumped."""
    rows = baseline_run.timeseries
    rise = {town: column(rows, town, "rent_index")["2022-09-28"] for town in ("Almaty", "Uralsk")}
    assert rise["Almaty"] < rise["Uralsk"] - 0.1
    assert rise["Almaty"] < 1.10


def test_rent_index_starts_at_one(baseline_run):
    """The design: rent_index is 1.0 on the scenario's first day in each town."""
    for town in baseline_run.scenario.enabled_towns():
        assert column(baseline_run.timeseries, town, "rent_index")["2022-09-01"] == 1.0


def test_the_september_rent_rise_is_not_one_lucky_seed(baseline):
    """The September bands on average over ten seeds: the rent response is calibrated, not the
    seed; Almaty, far from the border, barely moves."""
    from exodus.runner import run_scenario

    short = baseline.model_copy(update={"end": baseline.start.replace(month=10, day=5)})
    rises: dict[str, list[float]] = {"Uralsk": [], "Petropavlovsk": [], "Almaty": []}
    for seed in range(1, 11):
        rows = run_scenario(short, seed=seed).timeseries
        for town, values in rises.items():
            index = column(rows, town, "rent_index")
            values.append(index["2022-09-28"] / index["2022-09-01"] - 1)
    mean = {town: sum(v) / len(v) for town, v in rises.items()}
    for town, (low, high) in SEPTEMBER_RISE.items():
        assert low <= mean[town] <= high, rises[town]
    assert mean["Almaty"] < 0.10 and mean["Almaty"] < min(mean["Uralsk"], mean["Petropavlovsk"])
