"""The page's sliders take their ranges and help from the schema and set exactly what they say."""

from __future__ import annotations

import inspect

import pytest

from exodus.app.classroom import KNOB_KEYWORDS, ClassroomModel
from exodus.app.knobs import KNOBS, Knob, current_values, help_text, overrides, with_policies
from exodus.scenario.loader import load_scenario
from exodus.scenario.schema import Attitudes, RentCap, Scenario
from tests.conftest import SCENARIOS


def test_every_knob_is_a_keyword_of_the_model_and_back() -> None:
    keywords = set(inspect.signature(ClassroomModel.__init__).parameters) - {"self"}
    assert keywords == {"scenario_name", "seed", *KNOB_KEYWORDS}


def test_ranges_and_help_come_from_the_schema() -> None:
    knobs = {knob.name: knob for knob in KNOBS}
    assert knobs["compassion"].bounds == (0.0, 1.0)
    assert knobs["contact_threshold"].bounds == (-1.0, 1.0)
    assert knobs["rent_cap"].bounds == (0.0, 5.0)
    assert knobs["compassion"].description == Attitudes.model_fields["compassion_mean"].description
    assert RentCap.model_fields["max_increase"].description in help_text(knobs["rent_cap"])
    for knob in KNOBS:
        low, high = knob.bounds
        assert low < high and 0 < knob.step <= (high - low) / 10, knob.name
        assert knob.description and knob.unit, f"{knob.name} has no help text or unit"


def test_sliders_start_at_the_scenarios_values() -> None:
    assert current_values(load_scenario(SCENARIOS / "no_mobilisation.yaml"))["second_wave"] == 0.0
    capped = current_values(load_scenario(SCENARIOS / "rent_cap.yaml"))
    assert capped["rent_cap_on"] is True and capped["rent_cap"] == pytest.approx(0.1)
    plain = current_values(load_scenario(SCENARIOS / "classroom.yaml"))
    assert plain["rent_cap_on"] is False and plain["host_families_on"] is False


def test_overrides_are_clamped_to_the_schema_and_skip_untouched_knobs() -> None:
    assert overrides({"compassion": 1.7, "empathy": None}) == ["attitudes.compassion_mean=1.0"]
    assert overrides({"second_wave": 0.45000000000000007}) == ["flows.mobilised_scale=0.45"]


def test_policy_switches_add_replace_or_remove_the_policy() -> None:
    base = load_scenario(SCENARIOS / "rent_cap.yaml")
    off = with_policies(base, {"rent_cap_on": False})
    assert [p.kind for p in off.policies] == []
    tighter = with_policies(base, {"rent_cap_on": True, "rent_cap": 0.3})
    (cap,) = tighter.policies
    assert cap.max_increase == pytest.approx(0.3)
    assert cap.start == base.policies[0].start  # the scenario's own date is kept
    hosts = with_policies(
        load_scenario(SCENARIOS / "classroom.yaml"),
        {"host_families_on": True, "host_families": 0.5},
    )
    (programme,) = hosts.policies
    assert programme.kind == "host_family_programme" and programme.threshold_cut == 0.5
    assert str(programme.start) == "2022-09-23" and programme.towns == "all"
    assert isinstance(Scenario.model_validate(hosts.model_dump()), Scenario)


def test_teaching_ranges_lie_inside_the_schema_and_the_schema_still_rules() -> None:
    knobs = {knob.name: knob for knob in KNOBS}
    assert knobs["rent_cap"].teaching == (0.05, 0.5)  # the lesson's 0.1 is near the left, not lost
    for knob in KNOBS:
        low, high = knob.bounds
        t_low, t_high = knob.teaching
        assert low <= t_low < t_high <= high, knob.name
        assert (t_high - t_low) / knob.step >= 5, f"{knob.name}: too few steps to teach with"
    # a scenario's own value outside the teaching range widens the slider, within the schema
    assert knobs["second_wave"].slider_range(3.0) == (0.0, 3.0)
    assert knobs["second_wave"].slider_range(9.0) == (0.0, 5.0)
    assert overrides({"rent_cap_on": True, "second_wave": 7.0}) == ["flows.mobilised_scale=5.0"]
    with pytest.raises(ValueError, match="teaching range"):
        Knob("x", "X", RentCap, "max_increase", 0.05, (0.0, 6.0), policy="rent_cap")


def test_each_value_is_written_with_its_unit() -> None:
    knobs = {knob.name: knob for knob in KNOBS}
    assert knobs["rent_cap"].show(0.1) == "10% rise at most"
    assert knobs["compassion"].show(0.45) == "0.45 (index, 0 to 1)"
    assert knobs["second_wave"].show(0) == "0.00 × the observed wave"
    assert knobs["contact_threshold"].show(0.3) == "0.30 quality"  # the schema's own unit
    for knob in KNOBS:  # every value with words of its unit, not a bare number
        assert any(c.isalpha() for c in knob.show(knob.teaching[1])), knob.name
