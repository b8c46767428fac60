"""Collective action, tension, and policies switched on and off as dated events."""

from __future__ import annotations

import numpy as np
import pytest

from exodus.model.model import ExodusModel
from exodus.model.state import MOVE_ON
from exodus.runner import run_scenario
from exodus.scenario.loader import load_scenario
from tests.model.conftest import BASELINE


@pytest.fixture(scope="module")
def rows():
    scenario = load_scenario(
        BASELINE,
        [
            "scale=0.003",
            "end=2022-11-15",
            "policies=[{kind: shelters, start: 2022-09-25, end: 2022-10-10, beds: 100, "
            "towns: [Uralsk]}, {kind: information_campaign, start: 2022-10-01}]",
        ],
    )
    result = run_scenario(scenario)
    return result.timeseries, result.events


def test_no_pickets_before_the_arrivals(rows):
    timeseries, _ = rows
    assert all(r["pickets"] == 0 for r in timeseries if r["date"] < "2022-09-21")
    assert any(r["pickets"] > 0 for r in timeseries)


def test_tension_is_an_index_in_unit_range(rows):
    timeseries, _ = rows
    assert all(0.0 <= r["tension_index"] <= 1.0 for r in timeseries)


def test_policies_start_and_end_on_their_dates(rows):
    _, events = rows
    starts = {(e["date"], e["town"]) for e in events if e["kind"] == "policy_start"}
    ends = {(e["date"], e["town"]) for e in events if e["kind"] == "policy_end"}
    assert ("2022-09-25", "Uralsk") in starts and ("2022-10-10", "Uralsk") in ends
    assert {t for d, t in starts if d == "2022-10-01"} == {
        "Uralsk",
        "Petropavlovsk",
        "Astana",
        "Almaty",
        "Karaganda",
        "Bishkek",
    }


def test_events_are_in_date_order_and_name_rent_peaks(rows):
    _, events = rows
    days = [e["day"] for e in events]
    assert days == sorted(days)
    assert len([e for e in events if e["kind"] == "rent_peak"]) == 6


def test_information_campaign_softens_hostility():
    base = ["scale=0.005", "end=2022-11-15"]
    campaign = "policies=[{kind: information_campaign, start: 2022-09-21, legitimacy_gain: 0.5}]"
    plain = run_scenario(load_scenario(BASELINE, base)).timeseries
    informed = run_scenario(load_scenario(BASELINE, [*base, campaign])).timeseries
    hostile = lambda rs: sum(r["hostile_share"] for r in rs)  # noqa: E731
    assert hostile(informed) < hostile(plain)


def course_model(policies: str, days: int):
    scenario = load_scenario(BASELINE, ["scale=0.01", "end=2022-10-31", policies])
    model = ExodusModel(scenario, rng=3)
    for _ in range(days):
        model.step()
    return model


def test_an_integration_course_reaches_its_uptake_a_day_and_fades_after():
    """Uptake 0.1 a day: after ten days about 1 - 0.9^10 = 65% of the parties there from the start
    have taken the course, each gaining its effort; once it ends the gain decays."""
    course = (
        "policies=[{kind: integration_course, start: 2022-09-01, end: 2022-09-11, uptake: 0.1, "
        "effort_gain: 0.2, decay: 0.05}]"
    )
    model = course_model(course, 10)
    mig, policy = model.migrants, model.policy
    first = np.nonzero(mig.view("alive") & (mig.view("arrival_day") < 0))[0]
    first = first[mig.intention[first] != MOVE_ON]
    taken = policy.course_taken[first]
    assert 0.55 < taken.mean() < 0.75, taken.mean()
    gained = policy.course_effort[first[taken]]
    assert (gained > 0).all() and (gained <= 0.2 + 1e-9).all()
    before = policy.course_effort[first].sum()
    for _ in range(10):
        model.step()
    after = policy.course_effort[first].sum()
    assert after == pytest.approx(before * 0.95**10, rel=0.05), (before, after)
    assert policy.course_taken[first].mean() == pytest.approx(taken.mean())  # no new takers


def test_an_information_campaign_reaches_a_share_of_households_a_day():
    """Reach 0.05 a day for twenty days: about 1 - 0.95^20 = 64% of households are reached, each
    seeing the flight 0.3 more legitimate (no decay)."""
    campaign = (
        "policies=[{kind: information_campaign, start: 2022-09-01, reach: 0.05, "
        "legitimacy_gain: 0.3, decay: 0}]"
    )
    policy = course_model(campaign, 20).policy
    assert 0.60 < policy.reached.mean() < 0.68, policy.reached.mean()
    assert np.allclose(policy.legitimacy_shift[policy.reached], 0.3)
    assert (policy.legitimacy_shift[~policy.reached] == 0).all()


def test_aid_meals_cover_part_of_the_living_costs_of_the_needy():
    """A party without a bed pays its living costs less the town's meal cover; a leased party all."""
    from exodus.model.housing import DAYS_PER_MONTH
    from exodus.model.state import LEASE, NO_BED

    model = course_model("collective.aid_meals_per_day=50", 30)
    mig, housing = model.migrants, model.housing
    here = np.nonzero(mig.view("alive") & (mig.view("travel_left") == 0))[0]
    rough = here[mig.housing[here] == NO_BED]
    leased = here[mig.housing[here] == LEASE]
    assert rough.size and leased.size
    model.collective.meal_cover[:] = 0.5
    before = mig.savings.copy()
    housing.pay_for_housing()
    living = model.settings.flows.living_cost * mig.size
    rent = model.units.rent[mig.unit[leased]]
    paid_rough = (mig.income[rough] - 0.5 * living[rough]) / DAYS_PER_MONTH
    paid_leased = (mig.income[leased] - rent - living[leased]) / DAYS_PER_MONTH
    assert np.allclose(mig.savings[rough] - before[rough], paid_rough)
    assert np.allclose(mig.savings[leased] - before[leased], paid_leased)
