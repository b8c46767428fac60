"""Every scenario we ship loads, says what it asks, and runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from exodus.runner import run_scenario
from exodus.scenario.loader import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
KZ_TOWNS = ["Uralsk", "Petropavlovsk", "Astana", "Almaty", "Karaganda"]


def test_the_set_of_shipped_scenarios():
    assert {p.stem for p in SHIPPED} >= {
        "baseline_2022",
        "no_mobilisation",
        "rent_cap",
        "border_closure",
        "host_family_programme",
        "kyrgyzstan_only",
        "classroom",
        "contact_backfire",
        "integration_and_information",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_validates_and_states_its_question(path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# "), "a shipped scenario opens with a comment saying what it asks"
    if path.stem != "baseline_2022":
        assert "\nextends: baseline_2022.yaml\n" in text


def load(stem: str):
    return load_scenario(SCENARIOS / f"{stem}.yaml")


def test_scenarios_change_what_they_say():
    baseline = load("baseline_2022")
    assert load("no_mobilisation").flows.mobilised_scale == 0
    (cap,) = load("rent_cap").policies
    assert (cap.kind, cap.start, cap.max_increase, cap.towns) == (
        "rent_cap",
        dt.date(2022, 9, 26),
        0.1,
        "all",
    )
    (closure,) = load("border_closure").policies
    assert (closure.kind, closure.max_per_day, closure.start) == (
        "entry_cap",
        0,
        dt.date(2022, 9, 28),
    )
    assert (
        sorted(closure.towns)
        == sorted(n for n, t in baseline.towns.items() if t.country == "KZ")
        == sorted(KZ_TOWNS)
    )
    (host,) = load("host_family_programme").policies
    assert (host.kind, host.start) == ("host_family_programme", dt.date(2022, 9, 23))
    assert list(load("kyrgyzstan_only").enabled_towns()) == ["Bishkek"]
    classroom = load("classroom")
    assert (classroom.scale, classroom.start, classroom.end) == (
        0.02,
        dt.date(2022, 9, 1),
        dt.date(2022, 11, 30),
    )
    assert load("contact_backfire").attitudes.contact_quality_threshold == 0.8
    kinds = [(p.kind, p.start) for p in load("integration_and_information").policies]
    assert kinds == [
        ("integration_course", dt.date(2022, 10, 1)),
        ("information_campaign", dt.date(2022, 10, 1)),
    ]
    # Only what a scenario says differs from the baseline.
    assert (
        load("contact_backfire").model_copy(
            update={
                "name": baseline.name,
                "description": baseline.description,
                "attitudes": baseline.attitudes,
            }
        )
        == baseline
    )


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_runs(path):
    """A few days past every policy's start, at a tiny scale: the file runs, not just loads."""
    scenario = load_scenario(path, ["scale=0.001", "end=2022-10-03"])
    result = run_scenario(scenario)
    towns = len(scenario.enabled_towns())
    assert len(result.timeseries) == towns * ((scenario.end - scenario.start).days + 1)
