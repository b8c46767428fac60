"""The baseline is the calibrated scenario: its fitted values come from the shipped calibration run,
and it scores better than the hand-tuned prior on the calibration targets."""

from __future__ import annotations

import json
import statistics

import pytest

from exodus.calibration.compare import mean_abs_log_ratio
from exodus.calibration.spec import load_spec
from exodus.calibration.targets import load_targets, model_value
from exodus.evidence import parse_evidence
from exodus.explain import scenario_notes
from exodus.runner import run_scenario
from tests.conftest import ROOT, SCENARIOS

EXPERIMENT = ROOT / "experiments" / "calibration_2022.yaml"
SHIPPED = ROOT / "docs" / "calibration" / "calibration_2022"


def _value(scenario, path: str):
    node = scenario.model_dump(mode="json")
    for part in path.split("."):
        node = node[part]
    return node


@pytest.fixture(scope="module")
def summary() -> dict:
    return json.loads((SHIPPED / "summary.json").read_text(encoding="utf-8"))


def test_shipped_run_is_the_shipped_experiment(summary):
    loaded = load_spec(EXPERIMENT)
    assert summary["experiment"] == loaded.spec.model_dump(mode="json")
    assert summary["failed"] == 0
    assert (
        summary["scores"]["after"]["calibration"]["mean_abs_log_ratio"]
        < (summary["scores"]["before"]["calibration"]["mean_abs_log_ratio"])
    )


def test_baseline_holds_the_fitted_values_and_says_so(summary):
    loaded = load_spec(EXPERIMENT)
    notes = scenario_notes(SCENARIOS / "baseline_2022.yaml")
    for path, value in summary["fitted"].items():
        assert _value(loaded.base, path) == value, path
        note = " ".join(notes.get(path, []))
        assert "calibrated" in note and "docs/calibration/calibration_2022" in note, path
        assert set(parse_evidence(note).rows) >= {"F03", "F15"}, path


def test_calibrated_baseline_beats_the_prior_on_the_calibration_targets():
    loaded = load_spec(EXPERIMENT)
    targets = [t for t in load_targets() if t.role == "calibration"]

    def scores(scenario) -> list[float]:
        out = []
        for seed in (11, 12, 13):
            rows = run_scenario(scenario, seed=seed).timeseries
            out.append(
                mean_abs_log_ratio([(model_value(t, rows, scenario), t.observed) for t in targets])
            )
        return out

    after, before = scores(loaded.base), scores(loaded.before)
    assert max(after) < min(before), (before, after)  # seed by seed, not only on average
    assert statistics.median(after) < statistics.median(before) - 0.03, (before, after)
