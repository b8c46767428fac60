"""The posterior design: parameter sets drawn by weight from a calibration's posterior, as the
ensemble baseline (`exodus run --ensemble`, experiments/baseline_ensemble.yaml) draws them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from exodus.calibration.spec import load_spec
from exodus.scenario.loader import ScenarioError
from exodus.sweep.experiment import expand, load_experiment

from .conftest import CLASSROOM, ROOT

POSTERIOR = """\
round,particle,run_id,seed,flows.arrival_days,housing.bid_up_per_rival,status,distance,accepted,weight
2,0,c02p000000,1,1,0.05,ok,0.1,true,0.9
2,1,c02p000001,2,3,0.12,ok,0.2,true,0.1
"""


def _experiment(tmp_path: Path, extra: str = "", samples: int = 400) -> Path:
    (tmp_path / "posterior.csv").write_text(POSTERIOR, encoding="utf-8")
    path = tmp_path / "ens.yaml"
    path.write_text(
        f'name: ens\nscenarios: ["{CLASSROOM}"]\ndesign: posterior\nposterior: posterior.csv\n'
        f"samples: {samples}\nseed: 3\n{extra}",
        encoding="utf-8",
    )
    return path


def test_draws_follow_the_weights_and_apply_whole_numbers_as_whole(tmp_path: Path) -> None:
    path = _experiment(tmp_path)
    specs = expand(load_experiment(path), path)
    assert len(specs) == 400
    drawn = Counter(s.labels["housing.bid_up_per_rival"] for s in specs)
    assert 0.82 < drawn[0.05] / 400 < 0.97  # weight 0.9
    days = {s.scenario.flows.arrival_days for s in specs}
    assert days == {1, 3} and all(isinstance(d, int) for d in days)


def test_the_same_seed_gives_the_same_draws_and_another_seed_others(tmp_path: Path) -> None:
    path = _experiment(tmp_path, samples=30)
    first = [s.labels["housing.bid_up_per_rival"] for s in expand(load_experiment(path), path)]
    again = [s.labels["housing.bid_up_per_rival"] for s in expand(load_experiment(path), path)]
    assert first == again
    other = path.read_text().replace("seed: 3", "seed: 4")
    path.write_text(other)
    assert [s.labels["housing.bid_up_per_rival"] for s in expand(load_experiment(path), path)] != (
        first
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("parameters:\n  flows.arrival_days: {low: 1, high: 2}\n", "takes them from its posterior"),
    ],
)
def test_a_posterior_design_with_its_own_ranges_is_refused(
    tmp_path: Path, extra: str, message: str
) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_experiment(_experiment(tmp_path, extra))


def test_a_file_that_is_no_posterior_is_named(tmp_path: Path) -> None:
    path = _experiment(tmp_path)
    (tmp_path / "posterior.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"not a calibration's posterior\.csv"):
        load_experiment(path)


def test_the_shipped_posterior_is_the_shipped_calibrations() -> None:
    """The ensemble draws from the package's copy; it must be the calibration the docs report."""
    shipped = ROOT / "src" / "exodus" / "data" / "calibration_2022_posterior.csv"
    docs = ROOT / "docs" / "calibration" / "calibration_2022" / "posterior.csv"
    assert shipped.read_bytes() == docs.read_bytes(), (
        "a new calibration_2022 was shipped: copy its posterior.csv to "
        "src/exodus/data/calibration_2022_posterior.csv and redraw the README's ensemble figure "
        "(exodus sweep baseline_ensemble && exodus report sweeps/baseline_ensemble)"
    )
    experiment = load_experiment("baseline_ensemble")
    specs = expand(experiment, "baseline_ensemble")
    assert len(specs) == 40  # 20 draws x 2 seeds
    # a set drawn twice must not be run twice with the same seed: every run has a seed of its own
    assert len({s.seed for s in specs}) == 40
    assert experiment.parameter_names() == list(load_spec("calibration_2022").spec.parameters)
