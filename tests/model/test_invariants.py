"""Invariants over random scenarios and seeds: nobody lost or duplicated, no unit let twice,
occupancy within capacity, shares within [0, 1], rents positive."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exodus.model.model import ExodusModel
from exodus.model.state import (
    HOSTED,
    LEASE,
    LOCAL_TENANT,
    MIGRANT_TENANT,
    SHELTER,
    SHORT_STAY,
    WITHDRAWN,
)
from exodus.scenario.schema import Scenario
from tests.model.conftest import BASELINE

SHARES = (
    "vacancy_rate",
    "unemployment_rate",
    "hostile_share",
    "welcoming_share",
    "hosting_share",
    "tension_index",
)

POLICIES = [
    {"kind": "entry_cap", "start": "2022-09-26", "max_per_day": 0, "towns": ["Uralsk"]},
    {"kind": "rent_cap", "start": "2022-09-24", "max_increase": 0.05},
    {"kind": "shelters", "start": "2022-09-22", "end": "2022-10-05", "beds": 2000},
    {"kind": "stay_limit", "start": "2022-09-20", "days": 10, "leave_share": 0.5},
    {"kind": "stay_limit", "start": "2022-09-18", "days": 5, "window": 12, "irregular_share": 0.2},
    {"kind": "stay_limit", "start": "2022-09-25", "days": 8, "window": None, "leave_share": 0.2},
    {"kind": "integration_course", "start": "2022-09-22", "effort_gain": 0.05},
    {"kind": "information_campaign", "start": "2022-09-22", "legitimacy_gain": 0.3},
    {"kind": "local_hire_protection", "start": "2022-09-22", "migrant_hire_weight": 0.1},
    {"kind": "host_family_programme", "start": "2022-09-22", "threshold_cut": 0.5},
]


@st.composite
def scenarios(draw) -> Scenario:
    import yaml

    raw = yaml.safe_load(BASELINE.read_text())
    start = dt.date(2022, 9, 10) + dt.timedelta(days=draw(st.integers(0, 14)))
    raw["start"] = start.isoformat()
    raw["end"] = (start + dt.timedelta(days=draw(st.integers(12, 30)))).isoformat()
    raw["scale"] = draw(st.sampled_from([0.002, 0.004, 0.006]))
    raw["seed"] = draw(st.integers(0, 2**32))
    off = draw(st.sets(st.sampled_from(sorted(raw["towns"])), max_size=4))
    for name in off:
        raw["towns"][name]["enabled"] = False
    chosen = draw(st.lists(st.sampled_from(range(len(POLICIES))), max_size=4, unique=True))
    raw["policies"] = [dict(POLICIES[i]) for i in chosen]
    for p in raw["policies"]:
        if p.get("towns") and set(p["towns"]) & off:
            p.pop("towns")  # a policy may not name a disabled town
    raw["flows"]["mobilised_scale"] = draw(st.sampled_from([0.0, 1.0, 2.5]))
    raw.setdefault("housing", {})["bid_up_per_rival"] = draw(st.sampled_from([0.0, 0.03, 0.2]))
    raw["housing"]["hosting_offer_rate"] = draw(st.sampled_from([0.0, 0.02, 0.5]))
    return Scenario.model_validate(raw)


def check_agents(model: ExodusModel, people_at_start: float, net_in: float) -> None:
    mig, units, hh, towns = model.migrants, model.units, model.households, model.towns
    alive = mig.view("alive")
    # people are conserved: those present or on a route inside their country = at start +
    # arrivals - departures (a party crossing between the two countries has left one and not yet
    # entered the other; a party away on a border run still counts in its country: its run is
    # neither a departure nor, when it is back, an arrival)
    crossing = alive & mig.view("entering")
    assert np.isclose(mig.view("size")[alive & ~crossing].sum(), people_at_start + net_in)
    housing = mig.view("housing")
    assert (housing[~alive] == 0).all(), "a party that left still holds a bed"
    # no unit let twice, and leases point both ways
    leased = np.nonzero(alive & (housing == LEASE))[0]
    assert np.unique(mig.unit[leased]).size == leased.size
    assert (units.tenant[mig.unit[leased]] == leased).all()
    assert (units.holder[mig.unit[leased]] == MIGRANT_TENANT).all()
    holders = units.view("holder")
    assert (units.view("tenant")[holders == 0] == -1).all()
    local_units = np.nonzero(holders == LOCAL_TENANT)[0]
    assert (hh.unit[units.tenant[local_units]] == local_units).all()
    renting = np.nonzero(hh.view("unit") >= 0)[0]
    assert np.unique(hh.unit[renting]).size == renting.size
    assert (units.holder[hh.unit[renting]] == LOCAL_TENANT).all()
    # a withdrawn unit is nobody's home; a displaced household has none of its own
    assert (units.view("tenant")[holders == WITHDRAWN] == -1).all()
    assert (hh.view("unit")[hh.view("displaced")] == -1).all()
    assert (units.view("asking_rent")[holders == 0] > 0).all()
    # one guest per host, and the guest knows its host
    guests = np.nonzero(alive & (housing == HOSTED))[0]
    assert np.unique(mig.host[guests]).size == guests.size
    assert (hh.hosting[mig.host[guests]] == guests).all()
    assert (hh.view("hosting") >= 0).sum() == guests.size
    # occupancy within capacity
    in_town = alive & (mig.view("travel_left") == 0)
    for status, capacity in (
        (SHORT_STAY, towns.short_stay_beds),
        (SHELTER, towns.shelter_beds + model.policy.shelter_extra),
    ):
        rows = np.nonzero(in_town & (housing == status))[0]
        used = np.bincount(mig.town[rows], weights=mig.size[rows], minlength=towns.n)
        assert (used <= capacity + 1e-6).all(), (status, used, capacity)
    assert (towns.market_rent > 0).all()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_invariants_hold_every_day(scenario: Scenario) -> None:
    model = ExodusModel(scenario)
    mig = model.migrants
    people_at_start = float(mig.view("size")[mig.view("alive")].sum())
    net_in = 0.0
    for _ in range(model.n_days):
        model.step()
        net_in += float(model.towns.arrivals.sum() - model.towns.departures.sum())
        check_agents(model, people_at_start, net_in)
    rows = model.recorder.timeseries
    for row in rows:
        for name in SHARES:
            assert 0.0 <= row[name] <= 1.0, (name, row[name])
        assert row["rent_index"] > 0 and row["mean_asking_rent"] > 0
        assert row["migrants_present"] >= 0 and row["unhoused_migrants"] >= 0
        assert np.isclose(
            row["migrants_relocant"] + row["migrants_mobilised"], row["migrants_present"]
        )
        # every outflow is onward or home; nobody turned away or running counts as a departure
        assert np.isclose(
            row["departures_onward"] + row["departures_home"], row["departures_abroad"]
        )
        assert row["turned_away"] >= 0 and row["border_runs"] >= 0
