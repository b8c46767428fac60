"""`exodus report`: banded curves labelled with what the band is, peaks with intervals, and Morris
indices from SALib for a screening design."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exodus.cli import main
from exodus.sweep.report import bands, t_interval
from tests.sweep.conftest import sweep, write_experiment


@pytest.fixture(scope="module")
def reported(tiny_sweep: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report") / "tiny"
    shutil.copytree(tiny_sweep, root)
    assert main(["report", str(root)]) == 0
    return root


def test_report_has_banded_rent_and_tension_figures(reported: Path) -> None:
    text = (reported / "report.md").read_text()
    for name in ("rent_index.png", "tension_index.png"):
        assert (reported / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({name})" in text
    assert "95% CI of the mean (t)" in text and "5-95 percentile range of runs" in text


def test_peak_table_has_every_group_and_town_with_ordered_intervals(reported: Path) -> None:
    text = (reported / "report.md").read_text()
    section = text.split("## Peak tension_index per run")[1].split("\n## ")[0]
    rows = [
        line.split(" | ")
        for line in section.splitlines()
        if line.startswith("| classroom") or line.startswith("| border_closure")
    ]
    assert len(rows) == 2 * 2 * 6  # scenarios x compassion values x towns
    for row in rows:
        peak = float(row[3])
        low, high = (float(x) for x in row[4].split(" to "))
        assert low <= peak <= high and 0 <= peak <= 1
        assert row[5].startswith("2022-")


def test_bands_nest_around_the_mean() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "scenario": "s",
            "run_id": np.repeat([f"r{i}" for i in range(30)], 5),
            "town": "T",
            "date": np.tile(pd.date_range("2022-09-01", periods=5), 30),
            "rent_index": rng.normal(1.0, 0.1, 150),
        }
    )
    table = bands(frame, ["scenario"], "rent_index")
    assert (table["n"] == 30).all()
    assert (table["p5"] <= table["ci_low"]).all() and (table["ci_high"] <= table["p95"]).all()
    assert ((table["ci_high"] - table["ci_low"]) < 0.1).all()
    mean, _, high = t_interval(np.array([1.0, 2.0, 3.0]))
    assert mean == 2.0 and high - mean == pytest.approx(4.302652729911275 / np.sqrt(3))


MORRIS = """\
name: screen
scenarios: ["{classroom}"]
set: [scale=0.002, end=2022-10-10]
design: morris
samples: 3
levels: 4
parameters:
  flows.mobilised_scale: {{low: 0.2, high: 1.5}}
  attitudes.compassion_mean: {{low: 0.2, high: 0.7}}
  collective.tension_stress_weight: {{low: 0.0, high: 0.001}}
seed: 12
metrics: [rent_index, tension_index]
"""


def test_morris_design_reports_indices_with_confidence(tmp_path: Path) -> None:
    experiment = write_experiment(tmp_path / "screen.yaml", MORRIS)
    out = tmp_path / "screen"
    assert sweep(str(experiment), "--out", str(out), "--workers", "2") == 0
    assert main(["report", str(out)]) == 0
    indices = json.loads((out / "sensitivity.json").read_text())
    rent = indices["rent_index"]["by_scenario"]["classroom"]
    assert rent["names"][0] == "flows.mobilised_scale"
    mu = dict(zip(rent["names"], rent["mu_star"], strict=True))
    # the size of the second wave moves peak rent; a near-zero weight barely does
    assert mu["flows.mobilised_scale"] > 5 * mu["collective.tension_stress_weight"]
    assert all(c >= 0 for c in rent["mu_star_conf"])
    text = (out / "report.md").read_text()
    assert "## Sensitivity of the peak rent_index (morris, SALib)" in text
    assert (out / "sensitivity_tension_index.png").exists()
    for metric in ("rent_index", "tension_index"):  # the mu*-sigma figure of each metric
        assert (out / f"morris_{metric}.png").read_bytes()[:4] == b"\x89PNG"
        assert f"](morris_{metric}.png)" in text


def test_report_of_a_directory_without_a_sweep_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "not a sweep directory" in capsys.readouterr().err


def test_sobol_indices_rank_a_known_function() -> None:
    """Sobol analysis on a synthetic sweep whose peak is 4*a + b: a carries most of the variance."""
    from exodus.sweep.experiment import Experiment, design_points
    from exodus.sweep.report import sensitivity

    experiment = Experiment.model_validate(
        {
            "name": "s",
            "scenarios": ["x.yaml"],
            "seed": 3,
            "design": "sobol",
            "samples": 64,
            "parameters": {"p.a": {"low": 0, "high": 1}, "p.b": {"low": 0, "high": 1}},
        }
    )
    points = design_points(experiment)
    info = {"experiment": experiment.model_dump(mode="json"), "design_points": points}
    frame = pd.DataFrame(
        {
            "run_id": [f"r{i:06d}" for i in range(len(points))],
            "scenario": "s",
            "point": range(len(points)),
            "rent_index": [4 * p["p.a"] + p["p.b"] for p in points],
        }
    )
    result = sensitivity(info, frame, "rent_index")["by_scenario"]["s"]
    s1 = dict(zip(result["names"], result["S1"], strict=True))
    assert s1["p.a"] == pytest.approx(16 / 17, abs=0.1) and s1["p.b"] == pytest.approx(
        1 / 17, abs=0.1
    )
    assert all(c >= 0 for c in result["ST_conf"])


def test_every_kept_metric_has_its_figure_and_peak_table(reported: Path) -> None:
    text = (reported / "report.md").read_text()
    for metric in ("rent_index", "tension_index", "migrants_present"):  # TINY's metrics
        assert (reported / f"{metric}.png").read_bytes()[:4] == b"\x89PNG"
        assert f"]({metric}.png)" in text and f"## Peak {metric} per run" in text
        assert (reported / f"response_{metric}.png").exists()  # a grid design
    assert "![migrants present (persons)](migrants_present.png)" in text


def _legend_counts(fig) -> dict[str, int]:
    (legend,) = fig.legends
    counts = {}
    for entry in legend.get_texts():
        label, n = entry.get_text().rsplit(" (n=", 1)
        counts[label] = int(n.removesuffix(" runs)"))
    return counts


def test_band_figures_share_y_mark_the_mobilisation_and_count_runs_per_curve(
    tiny_sweep: Path,
) -> None:
    from exodus.sweep.figures import band_figure
    from exodus.sweep.report import group_columns, group_label, load_results

    info, frame = load_results(tiny_sweep)
    groups = group_columns(info)
    # a failed run: its curve holds one run fewer, and its legend must say so
    frame = frame[frame["run_id"] != "r000000"]
    fig, warnings = band_figure(frame, groups, "migrants_present", info)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 6
    assert all(axes[0].get_shared_y_axes().joined(axes[0], ax) for ax in axes[1:])
    assert len({ax.get_ylim() for ax in axes}) == 1
    expected = {
        group_label(key, groups): n for key, n in frame.groupby(groups)["run_id"].nunique().items()
    }
    assert _legend_counts(fig) == expected and sorted(expected.values()) == [2, 3, 3, 3]
    assert axes[0].get_ylabel() == "migrants present (persons)"
    assert axes[0].get_title() == "Uralsk (border)"  # border towns first
    for ax in axes:  # the order dashed; the border closure's start dotted, in the Kazakh towns
        marks = {
            (str(line.get_xdata()[0])[:10], line.get_ls())
            for line in ax.get_lines()
            if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]
        }
        closed = set() if ax.get_title() == "Bishkek" else {("2022-09-28", ":")}
        assert marks == {("2022-09-21", "--")} | closed, (ax.get_title(), marks)
    assert any("as few as 2 runs per curve" in w for w in warnings)
    free, _ = band_figure(frame, groups, "migrants_present", info, free_y=True)
    free_axes = [ax for ax in free.axes if ax.get_visible()]
    assert not free_axes[0].get_shared_y_axes().joined(free_axes[0], free_axes[1])


def test_report_warns_when_replicates_are_too_few_for_the_bands(
    reported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(reported)]) == 0
    err = capsys.readouterr().err
    assert "exodus report: warning: rent_index: as few as 3 runs per curve" in err
    assert (
        "> warning: rent_index: as few as 3 runs per curve" in (reported / "report.md").read_text()
    )


def test_every_metric_an_experiment_may_keep_has_a_label_with_its_unit() -> None:
    from exodus.model.record import COLUMN_LABELS
    from exodus.sweep.experiment import METRICS

    assert set(COLUMN_LABELS) == set(METRICS)
    assert all("(" in text and text.endswith(")") for text in COLUMN_LABELS.values())
