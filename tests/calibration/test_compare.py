"""Scores, the comparison report, and `exodus compare` on a run and on a sweep."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from exodus.calibration.compare import (
    Row,
    ard,
    compare_values,
    mean_abs_log_ratio,
    report,
    score,
)
from exodus.calibration.targets import Target, load_targets
from exodus.cli import main
from exodus.outputs import write_run
from exodus.runner import run_scenario
from exodus.scenario.loader import load_scenario
from tests.conftest import SCENARIOS


def test_ard_is_the_mean_relative_difference():
    assert ard([(110.0, 100.0), (50.0, 100.0)]) == pytest.approx((0.1 + 0.5) / 2)
    assert math.isnan(ard([]))


def test_mean_abs_log_ratio_weighs_half_and_double_alike_and_survives_a_zero():
    assert mean_abs_log_ratio([(200.0, 100.0)]) == pytest.approx(
        mean_abs_log_ratio([(50.0, 100.0)])
    )
    assert mean_abs_log_ratio([(100.0, 100.0)]) == 0.0
    assert mean_abs_log_ratio([(0.0, 100.0)]) == pytest.approx(math.log(1000))
    # the same relative miss scores the same for persons and for tenge
    assert mean_abs_log_ratio([(1.2e5, 1e5)]) == pytest.approx(mean_abs_log_ratio([(12.0, 10.0)]))


def _target(role: str, observed: float = 100.0, name: str = "T") -> Target:
    return Target(
        id=name,
        figure="F03",
        role=role,
        metric="departures_abroad",
        place="KZ",
        start=dt.date(2022, 9, 21),
        end=dt.date(2022, 9, 27),
        aggregate="sum",
        observed=observed,
        unit="persons",
    )


def test_replicates_give_a_median_and_an_interval():
    (row,) = compare_values([_target("calibration")], [[90.0, 100.0, 110.0, 120.0, math.nan]])
    assert row.model == pytest.approx(105.0)
    assert row.low is not None and 90.0 <= row.low < row.model < row.high <= 120.0
    assert row.replicates == 4


def test_scores_keep_calibration_and_validation_apart():
    rows = [
        Row(_target("calibration", name="C"), 110.0),
        Row(_target("validation", name="V"), 200.0),
        Row(_target("input", name="I"), 1000.0),
    ]
    assert score(rows, "calibration").ard == pytest.approx(0.1)
    assert score(rows, "validation").ard == pytest.approx(1.0)
    text = report(rows)
    assert text.index("Calibration targets") < text.index("Validation targets (held out")
    assert "calibration score over 1 targets: ARD 0.100" in text
    assert "Input checks" in text and "not scored" in text


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """A short baseline run written to disk, as `exodus run` leaves it."""
    scenario = load_scenario(SCENARIOS / "baseline_2022.yaml")
    scenario = scenario.model_copy(update={"scale": 0.005, "end": dt.date(2022, 10, 6)})
    out = tmp_path_factory.mktemp("runs") / "short"
    write_run(run_scenario(scenario), out)
    return out


def test_compare_a_run_directory(run_dir, capsys):
    assert main(["compare", str(run_dir)]) == 0
    out = capsys.readouterr().out
    assert "Validation targets (held out, never fitted)" in out
    assert "calibration score over" in out and "validation score over" in out
    with (run_dir / "compare.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == [t.id for t in load_targets()]
    entries = next(r for r in rows if r["id"] == "I2")  # F06 entries: built into the schedule
    assert abs(float(entries["model"]) / 200_000 - 1) < 0.15
    assert all(r["source"] and r["url"].startswith("http") for r in rows)
    assert (run_dir / "compare.png").read_bytes()[:4] == b"\x89PNG"


def test_compare_with_another_table_and_prefix(run_dir, write, tmp_path, capsys):
    text = (
        "id,figure,role,metric,place,start,end,aggregate,observed,unit,note\n"
        "Q1,F08,validation,arrivals_from_abroad,Uralsk,2022-09-20,2022-09-30,sum,50928,persons,\n"
    )
    table = write("mine.csv", text)
    assert (
        main(["compare", str(run_dir), "--observed", str(table), "--out", str(tmp_path / "q")]) == 0
    )
    assert "Q1" in capsys.readouterr().out
    assert (tmp_path / "q.csv").is_file() and (tmp_path / "q.png").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "no/such/dir"], "no/such/dir: no such run or sweep directory"),
        (["compare", "{tmp}"], "not a run directory (no timeseries.csv)"),
        (["compare", "{run}", "--observed", "missing.csv"], "missing.csv: no such file"),
    ],
)
def test_compare_mistakes_are_one_line(run_dir, tmp_path, capsys, args, message):
    args = [a.format(tmp=tmp_path, run=run_dir) for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("exodus: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_compare_a_run_outside_the_targets_dates(tmp_path, capsys):
    scenario = load_scenario(SCENARIOS / "baseline_2022.yaml")
    scenario = scenario.model_copy(update={"scale": 0.005, "end": dt.date(2022, 9, 10)})
    write_run(run_scenario(scenario), tmp_path / "early")
    assert main(["compare", str(tmp_path / "early")]) == 2
    assert "is outside the run" in capsys.readouterr().err


def test_compare_a_sweep_gives_intervals_across_replicates(tmp_path, capsys, monkeypatch):
    experiment = tmp_path / "exp.yaml"
    experiment.write_text(
        f"name: two\nscenarios: [{SCENARIOS / 'baseline_2022.yaml'}]\n"
        "set: [scale=0.005, end=2022-10-06]\nreplicates: 2\nseed: 3\n"
        "metrics: [departures_abroad, arrivals_from_abroad, rent_index]\n",
        encoding="utf-8",
    )
    sweep = tmp_path / "sweep"
    assert main(["sweep", str(experiment), "--out", str(sweep), "--workers", "2", "--quiet"]) == 0
    monkeypatch.chdir(tmp_path)
    assert main(["compare", str(sweep), "--scenario", str(SCENARIOS / "baseline_2022.yaml")]) == 0
    out = capsys.readouterr().out
    assert "baseline_2022 point 0 (2 runs)" in out
    with (sweep / "compare.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["replicates"] == "2" for r in rows)
    assert all(float(r["low"]) <= float(r["model"]) <= float(r["high"]) for r in rows)


def test_a_sweep_that_kept_only_rents_is_compared_on_rents():
    from exodus.calibration.load import kept_targets

    usable, skipped = kept_targets(load_targets(), {"rent_index", "tension_index"})
    assert usable and all(t.metric == "market_rent" for t in usable)
    assert "C1 (departures_abroad)" in skipped


def test_crps_of_an_ensemble_matches_the_closed_form_of_a_normal():
    """CRPS(N(mu, sd), y) = sd * (z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)), z = (y - mu) / sd."""
    from scipy import stats

    from exodus.calibration.compare import crps_ensemble

    draws = np.random.default_rng(5).normal(10.0, 2.0, 20_000)
    for y in (10.0, 13.0, 4.0):
        z = (y - 10.0) / 2.0
        exact = 2.0 * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))
        assert crps_ensemble(list(draws), y) == pytest.approx(exact, rel=0.02)


def test_crps_rewards_an_ensemble_that_covers_the_observation():
    from exodus.calibration.compare import crps_ensemble

    assert crps_ensemble([7.0], 10.0) == pytest.approx(3.0)  # one run: the absolute error
    assert crps_ensemble([8.0, 12.0], 10.0) == pytest.approx(2.0 - 4.0 / 4)
    # the same median, a spread that covers the figure: better than a point that misses it
    assert crps_ensemble([96.0, 100.0, 104.0], 110.0) > crps_ensemble([90.0, 100.0, 120.0], 110.0)
    assert crps_ensemble([math.nan, 5.0], 5.0) == 0.0
    assert math.isnan(crps_ensemble([], 1.0))


def test_a_sweep_is_scored_with_crps_and_a_single_run_is_not():
    rows = compare_values([_target("calibration")], [[90.0, 100.0, 110.0, 120.0]])
    s = score(rows, "calibration")
    assert s.crps == pytest.approx(rows[0].crps / 100.0) and 0 < s.crps < s.ard + 0.2
    assert "CRPS/observed" in report(rows) and "mean abs log ratio" in report(rows)
    single = compare_values([_target("calibration")], [[110.0]])
    assert math.isnan(score(single, "calibration").crps)
    assert "CRPS" not in report(single)


def test_the_report_stays_aligned_when_intervals_are_printed():
    rows = compare_values(
        [_target("calibration", name="C1"), _target("calibration", observed=7.5e6, name="C2")],
        [[90.0, 100.0, 110.0, 120.0], [1.23456e6, 7.2e6, 9.87654e6]],
    )
    lines = [line for line in report(rows).splitlines() if line.startswith("  C")]
    header = next(line for line in report(rows).splitlines() if "observed" in line)
    # every right-aligned column ends at the same place on every line
    for column in ("observed", "rel.err", "CRPS/obs"):
        end = header.index(column) + len(column)
        for line in lines:
            assert line[end - 1] != " " and (len(line) == end or line[end] == " "), (column, line)


def test_the_comparison_figure_legend_names_each_role_colour_and_the_before_ensemble():
    from exodus.calibration.figures import BEFORE_COLOUR, ROLE_COLOURS, legend_handles

    targets = [_target("calibration", name="C"), _target("validation", name="V")]
    runs = [(None, [])] * 3
    handles = legend_handles(targets, runs, label="after", before=("before: prior", runs[:2]))
    labels = {h.get_label(): h for h in handles}
    assert labels["after: calibration target (fitted)"].get_color() == ROLE_COLOURS["calibration"]
    assert labels["after: validation target (held out)"].get_color() == ROLE_COLOURS["validation"]
    assert not any("input check" in text for text in labels)  # no input target drawn
    assert labels["before: prior"].get_color() == BEFORE_COLOUR
    assert "5-95% of runs (3 runs; 2 before)" in labels
    assert "observed figure (at its end date)" in labels
