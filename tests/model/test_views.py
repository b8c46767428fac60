"""Migrant and Household views show what the columns hold, in readable form."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from exodus.model.state import HOSTED, HOUSING_NAMES, LEASE, TENURE_NAMES
from exodus.model.views import Household, Migrant, households, migrants
from tests.model.conftest import run_model, small


@pytest.fixture(scope="module")
def model(baseline):
    """A small baseline from just before the order to the height of the wave."""
    scenario = small(baseline, scale=0.003, start=dt.date(2022, 9, 15), end=dt.date(2022, 10, 31))
    return run_model(scenario, days=25)


def test_a_party_shows_its_columns_by_name(model):
    mig, towns = model.migrants, model.towns
    parties = list(migrants(model))
    assert len(parties) == int(mig.view("alive").sum()) > 100
    statuses = set()
    for party in parties:
        i = party.index
        assert party.alive
        assert party.housing == HOUSING_NAMES[mig.housing[i]]
        assert party.town == towns.names[mig.town[i]]
        assert party.wave == ("relocant", "mobilised")[mig.wave[i]]
        assert party.savings == mig.savings[i]
        assert party.savings_local == pytest.approx(mig.savings[i] * towns.rent0_local[mig.town[i]])
        statuses.add(party.housing)
    # after 25 days of the wave, parties hold every kind of bed and some have none
    assert {"none", "short stay", "long lease", "hosted free"} <= statuses


def test_a_lease_and_a_free_bed_point_to_the_right_rows(model):
    leased = next(p for p in migrants(model) if p.housing_code == LEASE)
    assert leased.rent == model.units.rent[model.migrants.unit[leased.index]] > 0
    guest = next(p for p in migrants(model) if p.housing_code == HOSTED)
    host = guest.host
    assert host is not None and host.guest == guest
    assert host.tenure == "owner-occupier"
    assert host.hosted_days >= 1


def test_a_household_shows_its_columns_by_name(model):
    hh, towns = model.households, model.towns
    seen = list(households(model, town="Uralsk"))
    assert len(seen) == int((hh.view("town") == towns.names.index("Uralsk")).sum())
    for house in seen:
        i = house.index
        assert house.town == "Uralsk"
        assert house.attitude == hh.attitude[i]
        assert house.tenure == TENURE_NAMES[hh.tenure[i]]
        assert house.income_local == pytest.approx(hh.income[i] * towns.rent0_local[hh.town[i]])
        assert (house.rent is None) == (hh.unit[i] < 0)
        assert house.currency == "tenge"
    assert next(households(model, town="Bishkek")).currency == "som"


def test_a_view_follows_the_model_as_it_steps(baseline):
    scenario = small(baseline, scale=0.003, start=dt.date(2022, 9, 18), end=dt.date(2022, 10, 10))
    m = run_model(scenario, days=0)
    house = Household(m, 0)
    first = Migrant(m, 0)
    before = house.attitude
    for _ in range(10):
        m.step()
    assert house.attitude == m.households.attitude[0] != before
    assert first.savings == m.migrants.savings[0]
    assert first.housing == HOUSING_NAMES[m.migrants.housing[0]]


def test_attitude_label_uses_the_scenario_thresholds(model):
    att = model.settings.attitudes
    for house in households(model):
        if house.attitude < att.hostile_threshold:
            assert house.attitude_label == "hostile"
        elif house.attitude > att.welcoming_threshold:
            assert house.attitude_label == "welcoming"
        else:
            assert house.attitude_label == "neutral"


def test_departed_parties_are_listed_apart(model):
    alive = sum(1 for _ in migrants(model))
    gone = list(migrants(model, alive=False))
    assert gone and not any(p.alive for p in gone)
    assert alive + len(gone) == sum(1 for _ in migrants(model, alive=None)) == model.migrants.n
    assert "gone from" in repr(gone[0])


def test_unknown_rows_and_towns_are_refused(model):
    for view, n in ((Migrant, model.migrants.n), (Household, model.households.n)):
        with pytest.raises(IndexError, match=f"has {n}"):
            view(model, n)
        with pytest.raises(IndexError):
            view(model, -1)
    with pytest.raises(ValueError, match="Uralsk"):
        list(migrants(model, town="Oral"))
    with pytest.raises(ValueError, match="no town 'Moscow'"):
        list(households(model, town="Moscow"))


def test_views_are_read_only(model):
    party = Migrant(model, 0)
    with pytest.raises(AttributeError):
        party.housing = "shelter"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        party.notes = "x"  # type: ignore[attr-defined]


def test_repr_reads_as_a_sentence(model):
    party = next(p for p in migrants(model, town="Uralsk") if p.wave == "mobilised")
    text = repr(party)
    assert text.startswith(f"<Migrant {party.index}: mobilised party of")
    assert "in Uralsk" in text or "on the way to Uralsk" in text
    assert f"housing: {party.housing}" in text and "tenge" in text
    house = Household(model, int(np.nonzero(model.households.view("unit") >= 0)[0][0]))
    text = repr(house)
    assert house.tenure in text and "rent " in text and f"{house.attitude:+.2f}" in text
