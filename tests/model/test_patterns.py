"""Patterns the article describes, each checked on model output."""

from __future__ import annotations

import numpy as np
import pytest

from exodus.model.state import OWNER
from exodus.runner import run_scenario
from tests.model.conftest import column

BORDER = ("Uralsk", "Petropavlovsk")
INLAND = ("Astana", "Almaty", "Karaganda")


def mean_between(series: dict[str, float], first: str, last: str) -> float:
    return float(np.mean([v for d, v in series.items() if first <= d <= last]))


def first_date_above(series: dict[str, float], level: float) -> str:
    return min((d for d, v in series.items() if v > level), default="9999-12-31")


@pytest.mark.parametrize("town", BORDER)
def test_tension_rises_in_border_towns_after_the_order(baseline_run, town):
    tension = column(baseline_run.timeseries, town, "tension_index")
    before = mean_between(tension, "2022-09-01", "2022-09-20")
    after = mean_between(tension, "2022-09-25", "2022-10-31")
    assert after > before + 0.15, (before, after)


@pytest.mark.xfail(
    strict=True,
    reason="a known gap left by issue 11 (its closing note): on the ten-parameter calibration "
    "Bishkek's rent index peaks at 1.098, under the 1.1 every town was to pass: most of the "
    "second wave reaching Bishkek goes on",
)
def test_the_shock_reaches_border_towns_first(baseline_run):
    """Rents and tension move in the border towns before the inland towns."""
    rows = baseline_run.timeseries
    for name, level in (("rent_index", 1.1), ("tension_index", 0.25)):
        border = max(first_date_above(column(rows, t, name), level) for t in BORDER)
        inland = min(first_date_above(column(rows, t, name), level) for t in INLAND)
        assert border < inland, (name, border, inland)
    for town in baseline_run.scenario.enabled_towns():
        rent = column(rows, town, "rent_index")
        assert max(rent.values()) > 1.1, town  # the shock reaches every town


@pytest.mark.parametrize(
    "town",
    [
        "Uralsk",
        "Petropavlovsk",
    ],
)
def test_hostility_and_welcome_coexist_at_the_peak(baseline_run, town):
    rows = baseline_run.timeseries
    tension = column(rows, town, "tension_index")
    peak = max(tension, key=tension.get)
    assert column(rows, town, "hostile_share")[peak] > 0.10
    assert column(rows, town, "welcoming_share")[peak] > 0.10


@pytest.mark.parametrize("town", BORDER)
def test_local_renters_displaced_in_border_towns(baseline_run, town):
    """Before the wave a renter is displaced now and then (a renewal past a tight budget); after
    it, hundreds are, ten times as many as before."""
    rows = baseline_run.timeseries
    displaced = column(rows, town, "displaced_total")
    renters = column(rows, town, "local_renters")["2022-09-20"]
    assert displaced["2022-09-20"] <= 0.002 * renters
    assert displaced["2022-10-31"] > max(500.0, 10 * displaced["2022-09-20"])


def test_alcohol_rises_more_than_food(baseline_run):
    """'and especially alcohol': over its own trend, alcohol rises more than food in every town,
    and in the border towns the alcohol index itself ends October above the food index."""
    sc = baseline_run.scenario
    rows = baseline_run.timeseries
    years = 61 / 365.0  # 31 Oct is the 61st day from 1 Sep, when prices have moved 61 days
    for town in sc.enabled_towns():
        food = column(rows, town, "food_price_index")["2022-10-31"]
        alcohol = column(rows, town, "alcohol_price_index")["2022-10-31"]
        food_excess = food / (1 + sc.prices.food_trend_per_year) ** years - 1
        alcohol_excess = alcohol / (1 + sc.prices.alcohol_trend_per_year) ** years - 1
        assert alcohol_excess > food_excess > 0, town
        if town in BORDER:
            assert alcohol > food, town


def contact_outcome(scenario) -> tuple[float, float]:
    """Final mean attitude of households that hosted and of comparable ones that did not: owners
    who were compassionate and welcoming on the first day, so only hosting tells them apart."""
    from tests.model.conftest import run_model

    model = run_model(scenario, days=0)
    hh = model.households
    start = hh.view("attitude").copy()
    for _ in range(model.n_days):
        model.step()
    eligible = (
        (hh.view("tenure") == OWNER)
        & (hh.view("compassion") > scenario.housing.host_compassion_threshold)
        & (start > scenario.attitudes.welcoming_threshold)
    )
    hosted = hh.view("hosted_days") > 0
    assert (eligible & hosted).sum() >= 20 and (eligible & ~hosted).sum() >= 20
    return (
        float(hh.view("attitude")[eligible & hosted].mean()),
        float(hh.view("attitude")[eligible & ~hosted].mean()),
    )


def test_hosting_improves_attitudes_and_bad_contact_backfires(baseline):
    hosts, others = contact_outcome(baseline)
    assert hosts > others + 0.05, (hosts, others)
    backfire = baseline.model_copy(deep=True)
    backfire.attitudes.contact_quality_threshold = 0.8  # as scenarios/contact_backfire.yaml
    hosts, others = contact_outcome(backfire)
    assert hosts < others, (hosts, others)


def test_second_wave_raises_tension_more_per_person(baseline, baseline_run):
    """The same arrivals with the first wave's traits (integration, respect, legitimacy) would
    have raised tension less: the second wave's traits, not only its numbers, drive tension."""
    like_first = baseline.model_copy(deep=True)
    first = baseline.flows.relocant
    like_first.flows.mobilised = baseline.flows.mobilised.model_copy(
        update={
            "integration_effort": first.integration_effort,
            "disrespect": first.disrespect,
            "legitimacy": first.legitimacy,
        }
    )
    counterfactual = run_scenario(like_first)
    for town in BORDER + INLAND:
        actual = mean_between(
            column(baseline_run.timeseries, town, "tension_index"), "2022-09-21", "2022-11-30"
        )
        softer = mean_between(
            column(counterfactual.timeseries, town, "tension_index"), "2022-09-21", "2022-11-30"
        )
        assert actual > softer, (town, actual, softer)
