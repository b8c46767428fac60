"""Housing: asking rents follow excess demand, renewals displace the over-burdened, caps hold,
shelters and free hosting take in those without a bed."""

from __future__ import annotations

import numpy as np
import pytest

from exodus.model.model import ExodusModel
from exodus.model.state import HOSTED, LEASE, LOCAL_TENANT, VACANT
from exodus.runner import run_scenario
from exodus.scenario.loader import load_scenario
from tests.model.conftest import BASELINE, column, run_model


@pytest.fixture(scope="module")
def short():
    return load_scenario(BASELINE, ["scale=0.003", "end=2022-10-20"])


def test_market_rent_rises_with_excess_demand_and_falls_with_surplus(short):
    model = ExodusModel(short)
    housing, towns = model.housing, model.towns
    natural = housing.natural_vacant.copy()
    start = towns.market_rent.copy()
    housing.update_market_rent(able_seekers=natural * 3 + 5, vacant=natural)
    assert (towns.market_rent > start).all()
    towns.market_rent[:] = 1.0
    housing.update_market_rent(able_seekers=np.zeros(towns.n), vacant=natural)
    trend_only = np.exp(housing.trend_per_day)
    assert towns.market_rent == pytest.approx(trend_only)  # a balanced market follows the trend
    towns.market_rent[:] = 1.0
    housing.update_market_rent(able_seekers=np.zeros(towns.n), vacant=natural * 3 + 5)
    assert (towns.market_rent < trend_only).all()


def test_renters_priced_out_at_renewal_are_displaced_and_their_unit_listed(short):
    model = run_model(short, days=50)
    hh, units = model.households, model.units
    displaced = np.nonzero(hh.view("displaced"))[0]
    assert displaced.size > 0
    assert (hh.unit[displaced] == -1).all()
    # every unit a local holds points back to its tenant; no displaced household holds one
    held = np.nonzero(units.view("holder") == LOCAL_TENANT)[0]
    assert not np.isin(units.tenant[held], displaced).any()
    assert (units.view("tenant")[units.view("holder") == VACANT] == -1).all()


def test_rent_cap_holds_rents_down():
    capped = load_scenario(
        BASELINE,
        [
            "scale=0.003",
            "end=2022-10-31",
            "policies=[{kind: rent_cap, start: 2022-09-01, max_increase: 0.05}]",
        ],
    )
    rows = run_scenario(capped).timeseries
    assert max(r["rent_index"] for r in rows) <= 1.05 + 1e-9


def test_shelters_open_beds_for_the_unhoused(short):
    more_rows = load_scenario(
        BASELINE,
        [
            "scale=0.003",
            "end=2022-10-20",
            "policies=[{kind: shelters, start: 2022-09-20, beds: 5000, towns: [Petropavlovsk]}]",
        ],
    )
    base = column(run_scenario(short).timeseries, "Petropavlovsk", "in_shelter")
    sheltered = column(run_scenario(more_rows).timeseries, "Petropavlovsk", "in_shelter")
    assert max(base.values()) == 0.0
    assert 0 < max(sheltered.values()) <= 5000 + 1e-6


def test_host_family_programme_brings_more_free_beds():
    def hosted(extra: list[str]) -> float:
        scenario = load_scenario(BASELINE, ["scale=0.005", "end=2022-10-20", *extra])
        return sum(r["hosted_free"] for r in run_scenario(scenario).timeseries)

    programme = "policies=[{kind: host_family_programme, start: 2022-09-01, threshold_cut: 0.4}]"
    assert hosted([programme]) > 1.5 * hosted([])


def test_statuses_and_pointers_agree_after_a_month(short):
    model = run_model(short, days=30)
    mig, hh = model.migrants, model.households
    alive = mig.view("alive")
    leased = alive & (mig.view("housing") == LEASE)
    assert (mig.view("unit")[leased] >= 0).all() and (mig.view("unit")[~leased] == -1).all()
    hosted = alive & (mig.view("housing") == HOSTED)
    assert (hh.hosting[mig.view("host")[hosted]] == np.nonzero(hosted)[0]).all()
