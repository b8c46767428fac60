"""Schema behaviour a scenario author relies on."""

from __future__ import annotations

from pathlib import Path

from exodus.scenario.loader import load_scenario
from exodus.scenario.schema import WAVE_DEFAULTS

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline_2022.yaml"


def test_changing_one_trait_of_a_wave_keeps_that_waves_other_defaults(write):
    path = write(
        "one_trait.yaml",
        f"extends: {BASELINE}\nflows:\n  relocant:\n    savings: 3.0\n",
    )
    scenario = load_scenario(path, ["flows.relocant.party_size=2.5"])
    relocant = scenario.flows.relocant
    assert relocant.savings == 3.0 and relocant.party_size == 2.5
    assert relocant.onward_pull == WAVE_DEFAULTS["relocant"]["onward_pull"]
    assert relocant.integration_effort == WAVE_DEFAULTS["relocant"]["integration_effort"]


def test_wave_defaults_differ_between_the_waves():
    """The second wave is poorer, less integrated and mostly in transit (F06, F09, F35)."""
    first, second = WAVE_DEFAULTS["relocant"], WAVE_DEFAULTS["mobilised"]
    assert second["savings"] < first["savings"]
    assert second["integration_effort"] < first["integration_effort"]
    assert second["onward_pull"] > first["onward_pull"]
