"""Housing: asking rents follow excess demand, renewals displace the over-burdened, caps hold,
shelters and free hosting take in those without a bed."""

from __future__ import annotations

import numpy as np
import pytest

from exodus.model.model import ExodusModel
from exodus.model.state import (
    HOSTED,
    LEASE,
    LOCAL_TENANT,
    MIGRANT_TENANT,
    SHORT_STAY,
    VACANT,
    WITHDRAWN,
)
from exodus.runner import run_scenario
from exodus.scenario.loader import load_scenario
from tests.model.conftest import BASELINE, column, run_model


@pytest.fixture(scope="module")
def short():
    return load_scenario(BASELINE, ["scale=0.003", "end=2022-10-20"])


def test_rivals_bid_a_listing_up_but_never_past_the_runner_up(short):
    model = ExodusModel(short)
    housing, units, mig = model.housing, model.units, model.migrants
    listing = np.nonzero(units.view("holder") == VACANT)[0][:1]
    town = int(units.town[listing[0]])
    ask = float(housing.asking_rent(listing)[0])
    bidders = model.flows.spawn(np.full(3, town), 1, day=0)
    mig.savings[bidders] = 0.0
    share = short.housing.migrant_rent_share

    def auction(budgets: list[float]) -> float:
        units.holder[listing] = VACANT
        mig.housing[bidders] = 0
        mig.income[bidders] = np.asarray(budgets) / share
        housing.bid_and_let(bidders, np.zeros(0, dtype=np.int64), listing)
        assert units.holder[listing[0]] == MIGRANT_TENANT
        return float(units.rent[listing[0]])

    rival_rate = 1 + short.housing.bid_up_per_rival
    # three rich rivals: two rounds of bidding up
    assert auction([100 * ask, 100 * ask, 100 * ask]) == pytest.approx(ask * rival_rate**2)
    # the runner-up can pay little more than the ask: the bidding stops there
    assert auction([100 * ask, 1.01 * ask, 1.0 * ask]) == pytest.approx(1.01 * ask)
    # a lone bidder pays the ask
    assert auction([100 * ask, 0.5 * ask, 0.5 * ask]) == pytest.approx(ask)


def test_a_vacancy_glut_discounts_asks_down_to_the_floor(short):
    model = ExodusModel(short)
    housing, units = model.housing, model.units
    assert housing.vacancy_discount() == pytest.approx(np.ones(model.towns.n))
    holder = units.view("holder")
    holder[holder == LOCAL_TENANT] = VACANT
    discount = housing.vacancy_discount()
    assert discount == pytest.approx(np.full(model.towns.n, short.housing.vacancy_discount_floor))


def test_unlet_asks_above_the_going_rent_are_cut_and_spare_units_withdrawn(short):
    model = ExodusModel(short)
    housing, units, hh = model.housing, model.units, model.households
    vacant = np.nonzero(units.view("holder") == VACANT)[0]
    units.asking_rent[vacant] = 3.0 * units.markup[vacant]  # stale panic asks
    housing.cut_per_day = 1.0
    housing.cut_and_withdraw()
    cut = units.asking_rent[vacant] / units.markup[vacant]
    assert (cut < 3.0).all() and (cut >= 1.0 - 1e-12).all()  # never below the going rent (1.0)
    spare = housing.add_units(np.nonzero(hh.view("tenure") == 0)[0][:5], spare=True)
    rows = np.arange(spare.start, spare.stop)
    housing.discount[:] = 0.6  # a glut: the discounted ask no longer reaches the reservation
    housing.params = housing.params.model_copy(update={"withdrawal_rate": 1.0})
    housing.cut_and_withdraw()
    assert (units.holder[rows] == WITHDRAWN).all()
    assert (hh.tenure[units.landlord[rows]] == 0).all()  # back to owner-occupiers


def test_a_departing_tenant_frees_its_unit_the_same_day(short):
    model = run_model(short, days=25)
    mig, units = model.migrants, model.units
    tenants = np.nonzero(mig.view("alive") & (mig.view("housing") == LEASE))[0][:10]
    unit_rows = mig.unit[tenants].copy()
    model.flows.depart_abroad(tenants, home=True)
    assert (units.holder[unit_rows] == VACANT).all()
    assert (units.tenant[unit_rows] == -1).all()


def test_displaced_households_rent_again_when_they_can_afford_a_listing(short):
    model = ExodusModel(short)
    housing, hh = model.housing, model.households
    tenants = np.nonzero(hh.view("unit") >= 0)[0][:3]
    freed = hh.unit[tenants].copy()
    housing.list_units(freed)
    hh.unit[tenants] = -1
    hh.displaced[tenants] = True
    hh.rent_ceiling[tenants] = 100.0
    housing.params = housing.params.model_copy(update={"displaced_search_rate": 1.0})
    for _ in range(5):  # rivals for the same listing try again the next day
        housing.let_vacant_units(np.zeros(0, dtype=np.int64))
    assert not hh.displaced[tenants].any()
    assert (hh.unit[tenants] >= 0).all()


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


def test_aid_lodges_arrivals_for_free_before_they_pay_for_a_night(short):
    """An aid initiative meets newcomers without a bed before they take a short stay: on the first
    day it places its quota (two parties an initiative, at the agent weight) with welcoming owners,
    who take one party each, and the rest of the newcomers, who can pay, take short stays."""
    model = ExodusModel(short)
    housing, mig, hh, towns = model.housing, model.migrants, model.households, model.towns
    town = model.towns.names.index("Uralsk")
    arrivals = model.flows.spawn(np.full(40, town), 1, day=0)
    mig.savings[arrivals] = 100.0  # every one of them could pay for a short stay
    towns.short_stay_beds[town] = 1e6  # and find one
    placements = short.collective.aid_placements_per_day
    towns.aid[:] = 0
    towns.aid[town] = np.ceil(3 / (placements * model.scale))  # at least three placements today
    quota = int(np.floor(towns.aid[town] * placements * model.scale))
    housing.place_with_aid()
    housing.take_short_stays()
    hosted = arrivals[mig.housing[arrivals] == HOSTED]
    assert hosted.size == quota
    hosts = mig.host[hosted]
    assert np.unique(hosts).size == quota and (hh.hosting[hosts] == hosted).all()
    assert (hh.attitude[hosts] > short.attitudes.welcoming_threshold).all()
    assert (hh.town[hosts] == town).all()
    assert (mig.housing[arrivals[mig.housing[arrivals] != HOSTED]] == SHORT_STAY).all()
    # the quota is used up: a second pass the same day places no one
    housing.place_with_aid()
    assert np.count_nonzero(mig.housing[arrivals] == HOSTED) == quota
