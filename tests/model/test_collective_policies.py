"""Collective action, tension, and policies switched on and off as dated events."""

from __future__ import annotations

import pytest

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
