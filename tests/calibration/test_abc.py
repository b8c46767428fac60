"""ABC on a toy simulator whose answer is known: it finds it, repeats itself, and never looks at
the validation targets."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from exodus.calibration.abc import Box, KeepTargets, calibration_only, fit, fitted_values
from exodus.calibration.calibrate import calibrate
from exodus.calibration.spec import CalibrationSpec, load_spec
from exodus.calibration.targets import Target, model_value
from exodus.scenario.loader import load_scenario
from exodus.sweep.executor import RunOutcome
from tests.conftest import ROOT, SCENARIOS

TRUE_SHARE = 0.7
TRUE_RESPONSE = 0.04
DAYS = [(dt.date(2022, 9, 21) + dt.timedelta(days=d)).isoformat() for d in range(14)]


def toy_rows(scenario, seed: int) -> list[dict]:
    """Departures grow with the transit share, Uralsk's rent with the rent response; a little
    seed noise, as a stochastic model has."""
    noise = np.random.default_rng(seed).normal(1.0, 0.01)
    share = scenario.flows.mobilised.onward_pull
    response = scenario.housing.bid_up_per_rival
    rows = []
    for d, date in enumerate(DAYS):
        for town, spec in scenario.enabled_towns().items():
            rows.append(
                {
                    "date": date,
                    "town": town,
                    "country": spec.country,
                    "departures_abroad": 1000.0 * share * noise,
                    "arrivals_from_abroad": 2000.0,
                    "rent_index": 1.0 + 5.0 * response * d / 13 * noise,
                }
            )
    return rows


class ToyExecutor:
    """A plain in-process map standing in for the sweep executor; it records what it ran."""

    def __init__(self) -> None:
        self.calls: list[list] = []

    def __call__(self, specs, keep=None, on_done=None) -> list[RunOutcome]:
        self.calls.append(list(specs))
        out = []
        for spec in specs:
            rows = toy_rows(spec.scenario, spec.seed)
            rows = keep(rows) if keep is not None else rows
            out.append(RunOutcome(spec.run_id, "ok", 0.0, None, rows))
            if on_done is not None:
                on_done(out[-1])
        return out


def _target(name, role, metric, place, observed, end="2022-09-27", aggregate="sum") -> Target:
    return Target(
        id=name,
        figure="F03",
        role=role,
        metric=metric,
        place=place,
        start=dt.date(2022, 9, 21),
        end=dt.date.fromisoformat(end),
        aggregate=aggregate,
        observed=observed,
        unit="u",
    )


BASE = load_scenario(SCENARIOS / "baseline_2022.yaml")
TRUE_SCENARIO = BASE.model_copy(deep=True)
TRUE_SCENARIO.flows.mobilised.onward_pull = TRUE_SHARE
TRUE_SCENARIO.housing.bid_up_per_rival = TRUE_RESPONSE
TRUTH = toy_rows(TRUE_SCENARIO, seed=0)


def _observed(target: Target) -> Target:
    return target.model_copy(update={"observed": model_value(target, TRUTH, TRUE_SCENARIO)})


CAL = [
    _observed(_target("C1", "calibration", "departures_abroad", "KZ", 1.0)),
    _observed(_target("C2", "calibration", "market_rent", "Uralsk", 1.0, aggregate="mean")),
]
VAL = [_target("V1", "validation", "departures_abroad", "Uralsk", 5000.0, "2022-09-30")]


def spec(**changes) -> CalibrationSpec:
    fields = dict(
        name="toy",
        scenario="x.yaml",
        seed=7,
        scale=0.01,
        end="2022-10-10",
        particles=200,
        accept=0.1,
        rounds=2,
        parameters={
            "flows.mobilised.onward_pull": {"prior": "uniform", "low": 0.3, "high": 0.95},
            "housing.bid_up_per_rival": {"prior": "loguniform", "low": 0.005, "high": 0.2},
        },
    )
    return CalibrationSpec.model_validate({**fields, **changes})


def test_abc_finds_the_parameters_that_made_the_data():
    result = fit(spec(), BASE, CAL, ToyExecutor())
    values = fitted_values(Box.of(spec(), BASE), result.posterior())
    assert values["flows.mobilised.onward_pull"] == pytest.approx(TRUE_SHARE, abs=0.03)
    assert values["housing.bid_up_per_rival"] == pytest.approx(TRUE_RESPONSE, rel=0.15)
    epsilons = [r.epsilon for r in result.rounds]
    assert epsilons == sorted(epsilons, reverse=True) and epsilons[-1] < epsilons[0] / 2
    weights = [p.weight for p in result.posterior()]
    assert math.isclose(sum(weights), 1.0) and len(weights) == 20


def test_sequential_rounds_stay_inside_the_prior():
    result = fit(spec(), BASE, CAL, ToyExecutor())
    for p in result.particles:
        assert 0.3 <= p.values["flows.mobilised.onward_pull"] <= 0.95
        assert 0.005 <= p.values["housing.bid_up_per_rival"] <= 0.2


def test_same_seed_same_fit_and_another_seed_another():
    a = fit(spec(particles=50, rounds=1, accept=0.2), BASE, CAL, ToyExecutor())
    b = fit(spec(particles=50, rounds=1, accept=0.2), BASE, CAL, ToyExecutor())
    c = fit(spec(particles=50, rounds=1, accept=0.2, seed=8), BASE, CAL, ToyExecutor())
    key = [(p.values, p.seed, p.distance, p.weight) for p in a.particles]
    assert key == [(p.values, p.seed, p.distance, p.weight) for p in b.particles]
    assert key != [(p.values, p.seed, p.distance, p.weight) for p in c.particles]


def test_integer_parameters_take_whole_values_across_their_range():
    s = spec(
        parameters={"flows.arrival_days": {"prior": "uniform", "low": 1, "high": 4}},
        particles=100,
        rounds=0,
    )
    result = fit(s, BASE, CAL, ToyExecutor())
    days = {p.values["flows.arrival_days"] for p in result.particles}
    assert days == {1, 2, 3, 4}


def test_fit_refuses_validation_targets():
    with pytest.raises(ValueError, match="calibration targets only"):
        fit(spec(), BASE, CAL + VAL, ToyExecutor())
    assert calibration_only(CAL + VAL) == CAL


def test_keep_sends_back_only_what_the_calibration_targets_read():
    keep = KeepTargets.of(CAL)
    rows = keep(TRUTH)
    assert {k for r in rows for k in r} == {
        "date",
        "town",
        "country",
        "departures_abroad",
        "rent_index",
    }
    assert max(r["date"] for r in rows) == "2022-09-27"  # V1 runs to 30 Sep: not sent back


def _write_table(path, targets) -> None:
    lines = ["id,figure,role,metric,place,start,end,aggregate,observed,unit,note"]
    lines += [
        f"{t.id},{t.figure},{t.role},{t.metric},{t.place},{t.start},{t.end},{t.aggregate},"
        f"{t.observed!r},{t.unit},"
        for t in targets
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_validation_figures_never_change_the_fit(tmp_path):
    """The whole calibrate pipeline, twice: the validation figure moved by a factor of 1000 changes
    the validation score and nothing else the fit produced."""
    experiment = tmp_path / "cal.yaml"
    experiment.write_text(
        f"name: toy\nscenario: {SCENARIOS / 'baseline_2022.yaml'}\ntargets: targets.csv\n"
        "seed: 7\nscale: 0.01\nend: 2022-10-10\nparticles: 60\naccept: 0.2\nrounds: 1\n"
        "replicates: 2\nparameters:\n"
        "  flows.mobilised.onward_pull: {prior: uniform, low: 0.3, high: 0.95}\n"
        "  housing.bid_up_per_rival: {prior: loguniform, low: 0.005, high: 0.2}\n",
        encoding="utf-8",
    )
    summaries, particles = [], []
    for factor in (1.0, 1000.0):
        moved = [v.model_copy(update={"observed": v.observed * factor}) for v in VAL]
        _write_table(tmp_path / "targets.csv", CAL + moved)
        out = tmp_path / f"out{factor:g}"
        summaries.append(calibrate(load_spec(experiment), out, ToyExecutor()))
        particles.append((out / "particles.csv").read_text(encoding="utf-8"))
    assert particles[0] == particles[1]
    assert summaries[0]["fitted"] == summaries[1]["fitted"]
    before, after = (s["scores"]["after"]["validation"]["mean_abs_log_ratio"] for s in summaries)
    assert after > before + 5  # the moved figure was scored, after the fit
    assert summaries[0]["validation_targets"] == ["V1"]
    assert summaries[0]["calibration_targets"] == ["C1", "C2"]


def test_calibrate_writes_a_scenario_that_extends_the_fitted_one(tmp_path):
    experiment = tmp_path / "cal.yaml"
    experiment.write_text(
        f"name: toy\nscenario: {SCENARIOS / 'baseline_2022.yaml'}\ntargets: targets.csv\n"
        "seed: 7\nscale: 0.01\nend: 2022-10-10\nparticles: 40\naccept: 0.25\nrounds: 0\n"
        "replicates: 1\nparameters:\n"
        "  flows.mobilised.onward_pull: {prior: uniform, low: 0.3, high: 0.95}\n",
        encoding="utf-8",
    )
    _write_table(tmp_path / "targets.csv", CAL + VAL)
    out = tmp_path / "deep" / "out"
    summary = calibrate(load_spec(experiment), out, ToyExecutor())
    text = (out / "calibrated.yaml").read_text(encoding="utf-8")
    assert "extends: ../../" in text and "baseline_2022.yaml" in text
    calibrated = load_scenario(out / "calibrated.yaml")
    share = summary["fitted"]["flows.mobilised.onward_pull"]
    assert calibrated.flows.mobilised.onward_pull == share
    # the rest of the wave is the baseline's, not the schema's generic wave
    assert calibrated.flows.mobilised.party_size == BASE.flows.mobilised.party_size
    for name in (
        "particles.csv",
        "posterior.csv",
        "posterior.png",
        "compare.csv",
        "compare.png",
        "posterior_pairs.png",
        "summary.json",
        "report.txt",
    ):
        assert (out / name).is_file(), name
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_shipped_calibration_file_is_valid():
    loaded = load_spec(ROOT / "experiments" / "calibration_2022.yaml")
    assert loaded.spec.end <= dt.date(2022, 10, 31)
    assert loaded.before.name == "prior_2022"
    before = loaded.before.model_dump(mode="json")
    for name, prior in loaded.spec.parameters.items():
        value = before
        for part in name.split("."):
            value = value[part]
        assert prior.low <= value <= prior.high, (
            f"the prior of {name} excludes the hand-tuned value"
        )


def _toy_file(tmp_path, *, particles: int, accept: float, high: float = 0.95):
    experiment = tmp_path / "cal.yaml"
    experiment.write_text(
        f"name: toy\nscenario: {SCENARIOS / 'baseline_2022.yaml'}\ntargets: targets.csv\n"
        f"seed: 7\nscale: 0.01\nend: 2022-10-10\nparticles: {particles}\naccept: {accept}\n"
        "rounds: 0\nreplicates: 2\nparameters:\n"
        f"  flows.mobilised.onward_pull: {{prior: uniform, low: 0.3, high: {high}}}\n",
        encoding="utf-8",
    )
    _write_table(tmp_path / "targets.csv", CAL + VAL)
    return experiment


def test_a_calibration_with_a_tiny_effective_sample_prints_the_warning(
    tmp_path, monkeypatch, capsys
):
    import exodus.calibration.calibrate as calibrate_module
    from exodus.cli import main

    experiment = _toy_file(tmp_path, particles=20, accept=0.25)  # keeps 5 runs: ESS 5
    monkeypatch.setattr(calibrate_module, "execute_with", lambda *args: ToyExecutor())
    out = tmp_path / "out"
    assert main(["calibrate", str(experiment), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert (
        "exodus calibrate: warning: effective sample of the posterior (round 0) is 5.0 of 5 "
        "kept runs" in err.splitlines()[-1]
    )
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["warnings"][0].startswith("effective sample")
    assert (out / "report.txt").read_text(encoding="utf-8").startswith("warning: effective")
    assert (out / "posterior_pairs.png").read_bytes()[:4] == b"\x89PNG"


def test_posterior_against_a_prior_bound_is_warned_about_and_a_free_one_is_not(tmp_path):
    # the data were made with a transit share of 0.7: a prior ending at 0.72 cuts it off
    for high, warned in ((0.72, True), (0.95, False)):
        here = tmp_path / f"h{high}"
        here.mkdir()
        summary = calibrate(
            load_spec(_toy_file(here, particles=200, accept=0.1, high=high)),
            here / "out",
            ToyExecutor(),
        )
        bound = [w for w in summary["warnings"] if "may cut the posterior off" in w]
        assert bool(bound) is warned, summary["warnings"]
        assert not [
            w for w in summary["warnings"] if w.startswith("effective")
        ]  # ESS 20, not below
        if warned:
            assert bound[0].startswith("flows.mobilised.onward_pull: ")
            assert "top 10%" in bound[0]
            assert f"warning: {bound[0]}" in (here / "out" / "report.txt").read_text("utf-8")
