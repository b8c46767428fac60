"""Experiment files: design expansion, sizes and bounds of sampled designs, stable seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from exodus.sweep.experiment import (
    Experiment,
    ExperimentError,
    KeepRows,
    design_points,
    expand,
    load_experiment,
    run_seed,
    schema_json,
)
from tests.sweep.conftest import ROOT, write_experiment

RANGES = {
    "housing.bid_up_per_rival": {"low": 0.01, "high": 0.1},
    "attitudes.compassion_mean": {"low": 0.2, "high": 0.8},
    "flows.mobilised_scale": {"low": 0.5, "high": 1.5},
}


def experiment(**fields: object) -> Experiment:
    return Experiment.model_validate({"name": "t", "scenarios": ["x.yaml"], "seed": 1, **fields})


def test_enumerated_and_stepped_values_make_a_grid_in_file_order() -> None:
    exp = experiment(
        parameters={
            "flows.mobilised_scale": {"values": [0.5, 1.0]},
            "housing.bid_up_per_rival": {"first": 0.01, "step": 0.02, "last": 0.07},
        }
    )
    points = design_points(exp)
    assert len(points) == 2 * 4
    assert [p["housing.bid_up_per_rival"] for p in points[:4]] == [0.01, 0.03, 0.05, 0.07]
    assert points[0]["flows.mobilised_scale"] == 0.5 and points[4]["flows.mobilised_scale"] == 1.0


def test_first_step_last_includes_last_despite_rounding() -> None:
    exp = experiment(parameters={"a.b": {"first": 0.1, "step": 0.1, "last": 0.7}})
    assert [p["a.b"] for p in design_points(exp)] == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]


def test_latin_hypercube_puts_one_point_in_each_stratum() -> None:
    exp = experiment(design="latin", samples=10, parameters=RANGES)
    points = design_points(exp)
    assert len(points) == 10
    for name, bounds in RANGES.items():
        values = np.array([p[name] for p in points])
        strata = np.floor((values - bounds["low"]) / (bounds["high"] - bounds["low"]) * 10)
        assert sorted(strata.astype(int)) == list(range(10))


def test_sobol_and_morris_sizes_and_bounds() -> None:
    sobol = design_points(experiment(design="sobol", samples=8, parameters=RANGES))
    assert len(sobol) == 8 * (3 + 2)
    morris = design_points(experiment(design="morris", samples=5, levels=4, parameters=RANGES))
    assert len(morris) == 5 * (3 + 1)
    for points in (sobol, morris):
        for name, bounds in RANGES.items():
            values = [p[name] for p in points]
            assert bounds["low"] <= min(values) and max(values) <= bounds["high"]
    # Morris values sit on a 4-level grid of each range
    levels = {round(p["flows.mobilised_scale"], 9) for p in morris}
    assert levels <= {0.5, round(0.5 + 1 / 3, 9), round(0.5 + 2 / 3, 9), 1.5}


def test_sampled_designs_are_fixed_by_the_master_seed() -> None:
    a = design_points(experiment(design="morris", samples=4, parameters=RANGES))
    b = design_points(experiment(design="morris", samples=4, parameters=RANGES))
    c = design_points(experiment(design="morris", samples=4, parameters=RANGES, seed=2))
    assert a == b and a != c


def test_seeds_do_not_change_when_replicates_are_added(tmp_path: Path) -> None:
    body = """\
name: s
scenarios: ["{classroom}", "{border}"]
parameters: {{attitudes.compassion_mean: {{values: [0.3, 0.6]}}}}
replicates: REPS
seed: 11
common_seeds: false
"""
    three = expand(
        load_experiment(write_experiment(tmp_path / "a.yaml", body.replace("REPS", "3"))),
        tmp_path / "a.yaml",
    )
    five = expand(
        load_experiment(write_experiment(tmp_path / "b.yaml", body.replace("REPS", "5"))),
        tmp_path / "b.yaml",
    )
    assert len(three) == 12 and len(five) == 20

    def seeds(specs: list) -> dict:
        return {(s.scenario.name, s.labels["point"], s.labels["replicate"]): s.seed for s in specs}

    assert seeds(three).items() <= seeds(five).items()
    assert len(set(seeds(five).values())) == 10  # two points x five replicates
    # scenarios share a point's seeds: compared with common random numbers
    assert seeds(five)[("classroom", 1, 4)] == seeds(five)[("border_closure", 1, 4)]
    common = expand(
        load_experiment(
            write_experiment(
                tmp_path / "c.yaml",
                body.replace("REPS", "5").replace("common_seeds: false", "common_seeds: true"),
            )
        ),
        tmp_path / "c.yaml",
    )
    by_replicate = {}
    for spec in common:
        by_replicate.setdefault(spec.labels["replicate"], set()).add(spec.seed)
    assert all(len(s) == 1 for s in by_replicate.values()) and len(by_replicate) == 5
    assert by_replicate[4] == {run_seed(11, None, 4)}
    assert run_seed(11, 1, 4) == seeds(five)[("classroom", 1, 4)]
    assert all(0 <= s <= 2**63 - 1 for s in seeds(five).values())


def test_design_values_reach_the_scenario_and_integers_stay_integers(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path / "e.yaml",
        """\
name: e
scenarios: ["{classroom}"]
design: latin
samples: 3
parameters:
  housing.hosting_days: {{low: 10, high: 90}}
  towns.Uralsk.shelter_beds: {{low: 0, high: 2000}}
seed: 3
""",
    )
    specs = expand(load_experiment(path), path)
    for spec in specs:
        assert spec.scenario.housing.hosting_days == spec.labels["housing.hosting_days"]
        assert isinstance(spec.scenario.housing.hosting_days, int)
        assert (
            spec.scenario.towns["Uralsk"].shelter_beds == spec.labels["towns.Uralsk.shelter_beds"]
        )
    assert [s.run_id for s in specs] == ["r000000", "r000001", "r000002"]


def test_keep_rows_selects_days_and_metrics() -> None:
    rows = [
        {"date": f"2022-09-{d + 1:02d}", "day": d, "town": "X", "rent_index": 1.0 + d, "other": 0}
        for d in range(10)
    ]
    kept = KeepRows(("rent_index",), every=3)(rows)
    assert [r["day"] for r in kept] == [0, 3, 6, 9]
    assert set(kept[0]) == {"date", "day", "town", "rent_index"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("name: x\nscenarios: [a.yaml]\nseed: 1\nreplicate: 3\n", "replicate: unknown key"),
        ("name: x\nscenarios: [a.yaml]\n", "seed: missing"),
        ("name: x\nscenarios: [a.yaml]\nseed: 1\nmetrics: [rent]\n", "'rent' is not a timeseries"),
        (
            "name: x\nscenarios: [a.yaml]\nseed: 1\ndesign: sobol\nsamples: 6\n"
            "parameters: {a.b: {low: 0, high: 1}, c.d: {low: 0, high: 1}}\n",
            "sobol needs a power of 2",
        ),
        (
            "name: x\nscenarios: [a.yaml]\nseed: 1\nparameters: {a.b: {low: 0, high: 1}}\n",
            "need design latin, sobol or morris",
        ),
        ("name: x\nscenarios: [a.yaml]\nseed: 1\nreplicates: 0\n", "replicates: Input should be"),
        ("name: x\nscenarios: [a.yaml\n", "invalid YAML"),
    ],
)
def test_malformed_experiments_name_the_file_and_key(
    tmp_path: Path, body: str, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    assert str(info.value).startswith(str(path))
    assert expected in str(info.value)


def test_published_schema_is_current() -> None:
    assert (ROOT / "experiments" / "schema.json").read_text(encoding="utf-8") == schema_json()


SHIPPED = (
    "baseline_spread",
    "classroom_spread",
    "compassion",
    "rent_response",
    "second_wave",
    "scenarios_compared",
    "morris_screening",
)


def test_shipped_experiments_expand() -> None:
    loaded = {}
    for name in SHIPPED:
        file = ROOT / "experiments" / f"{name}.yaml"
        exp = load_experiment(file)
        loaded[name] = (exp, expand(exp, file))
    exp, specs = loaded["baseline_spread"]
    assert exp.replicates >= 30 and not exp.parameters and len(specs) == exp.replicates
    exp, specs = loaded["morris_screening"]
    assert exp.design == "morris" and len(exp.parameters) >= 8
    assert len(specs) == exp.samples * (len(exp.parameters) + 1) * exp.replicates
    names = {spec.scenario.name for spec in loaded["scenarios_compared"][1]}
    assert len(names) >= 8 and names >= {"baseline_2022", "rent_cap", "border_closure"}
    assert {spec.labels["flows.mobilised_scale"] for spec in loaded["second_wave"][1]} == {
        0.25,
        0.5,
        0.75,
        1.0,
        1.25,
        1.5,
    }
