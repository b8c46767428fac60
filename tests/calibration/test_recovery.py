"""Parameter recovery: the calibration, fitted to observations the model made at known values,
must find them again; and the recovery file must fit what the real calibration fits."""

from __future__ import annotations

import pytest
import yaml

from exodus.calibration.calibrate import execute_with
from exodus.calibration.recovery import (
    by_parameter,
    known_points,
    recover,
    synthetic_targets,
)
from exodus.calibration.spec import CalibrationError, Loaded, load_spec
from exodus.calibration.targets import load_targets
from exodus.shipped import experiment_file

KNOWN = {
    "flows.mobilised.savings": 3.5,
    "flows.mobilised.onward_pull": 0.8,
    "flows.mobilised.onward_pull_concentration": 5.0,
    "housing.listing_response": 0.1,
    "flows.arrival_move_probability": 0.6,
    "housing.vacancy_restore_rate": 0.1,
    "flows.onward_capacity.KZ": 13000.0,
    "housing.migrant_rent_share": 0.6,
    "flows.settled_move_probability": 0.003,
    "housing.bid_up_per_rival": 0.05,
}
"""A point inside the priors, away from the calibrated baseline."""


def _small(loaded: Loaded, **update: object) -> Loaded:
    spec = loaded.spec.model_copy(update=update)
    return Loaded(
        spec, loaded.file, loaded.base, loaded.before, loaded.scenario_path, loaded.targets_path
    )


def test_the_recovery_file_fits_what_the_calibration_fits() -> None:
    """Same parameters, priors, targets, distance and last day: only the budget differs."""

    def read(name: str) -> dict:
        return yaml.safe_load(experiment_file(name).read_text(encoding="utf-8"))

    recovery, calibration = read("calibration_2022_recovery"), read("calibration_2022")
    for key in ("parameters", "scenario", "end", "distance"):
        assert recovery[key] == calibration[key], key
    assert recovery.get("targets") == calibration.get("targets")


def test_known_points_lie_inside_the_priors_and_spread_over_them() -> None:
    loaded = load_spec("calibration_2022_recovery")
    points = known_points(loaded, 5, seed=1)
    shares = sorted(p["flows.mobilised.onward_pull"] for p in points)
    assert shares[0] >= 0.367 and shares[-1] <= 0.903  # the inner 80% of 0.3-0.97
    assert shares[-1] - shares[0] > 0.15  # a Latin hypercube spreads them
    seats = [p["flows.onward_capacity.KZ"] for p in points]
    assert all(5000 <= s <= 16000 for s in seats)
    assert known_points(loaded, 5, seed=1) == points


def test_a_target_the_synthetic_run_leaves_at_zero_is_named() -> None:
    loaded = load_spec("calibration_2022_recovery")
    targets = [t for t in load_targets() if t.role == "calibration"]
    rows = [  # no one leaves Kazakhstan: C1's exits are 0
        {"date": d, "town": town, "country": "KZ", "departures_abroad": 0.0, "rent_index": 1.0}
        for d in (f"2022-09-{day}" for day in range(21, 31))
        for town in loaded.base.towns
    ]
    with pytest.raises(CalibrationError, match="target C1: the synthetic run gives 0"):
        synthetic_targets(targets, rows, loaded.base, loaded.file)


@pytest.mark.slow
def test_a_small_recovery_finds_the_onward_pull_it_made_the_data_with() -> None:
    """Classroom scale, 40 particles, one SMC round: the exits (C1-C3, C7) inform the onward pull,
    so its 90% interval must hold the known value and be narrower than its prior's; the onward
    seats must be covered too (docs/calibration.md: the larger recovery's findings)."""
    loaded = _small(load_spec("calibration_2022_recovery"), particles=40, accept=0.25, rounds=1)
    rows = recover(loaded, load_targets(), [KNOWN], execute_with(2, None, False))
    found = {r.parameter: r for r in rows}
    pull, seats = found["flows.mobilised.onward_pull"], found["flows.onward_capacity.KZ"]
    assert pull.covered and seats.covered, (pull, seats)
    assert pull.width_share < 0.8, pull  # the exits inform the pull (prior: 1)
    assert abs(pull.bias_share) < 0.15, pull
    summary = {p.parameter: p for p in by_parameter(rows)}
    assert set(summary) == set(KNOWN)


def test_the_command_writes_coverage_and_bias_per_parameter(tmp_path, capsys) -> None:
    """`exodus calibrate FILE --recovery 1` on a tiny budget: the files a modeller reads."""
    from exodus.cli import main
    from tests.conftest import SCENARIOS

    file = tmp_path / "tiny_recovery.yaml"
    file.write_text(
        f"name: tiny_recovery\nscenario: {SCENARIOS / 'baseline_2022.yaml'}\nseed: 3\n"
        "scale: 0.002\nend: 2022-10-05\nparticles: 10\naccept: 0.5\nrounds: 0\n"
        "parameters:\n  flows.mobilised.onward_pull: {prior: uniform, low: 0.5, high: 0.9}\n"
        "  flows.arrival_days: {prior: uniform, low: 1, high: 4}\n",
        encoding="utf-8",
    )
    out = tmp_path / "rec"
    assert (
        main(["calibrate", str(file), "--recovery", "1", "--out", str(out), "--workers", "2"]) == 0
    )
    said = capsys.readouterr().out
    assert "flows.arrival_days: known value inside the 90% interval at" in said
    table = (out / "recovery.csv").read_text(encoding="utf-8").splitlines()
    assert table[0].startswith("point,parameter,truth,median,low,high,covered,bias")
    assert [line.split(",")[1] for line in table[1:]] == [
        "flows.mobilised.onward_pull",
        "flows.arrival_days",
    ]
    text = (out / "recovery.md").read_text(encoding="utf-8")
    assert "1 known points" in text and "| `flows.arrival_days` |" in text
    assert main(["calibrate", str(file), "--recovery", "1", "--out", str(out)]) == 2  # no --force
    assert main(["calibrate", str(file), "--recovery", "1", "--resume"]) == 2
    assert "--recovery cannot --resume" in capsys.readouterr().err
