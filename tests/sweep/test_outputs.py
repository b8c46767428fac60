"""The scalar outputs a sensitivity ranking reads, and the ranking itself, on runs built by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from exodus.sweep import outputs
from exodus.sweep.experiment import Experiment, design_points
from exodus.sweep.report import design_indices

TOWNS = {"Uralsk": "KZ", "Bishkek": "KG"}


def _run(
    run_id: str = "r0", peak: float = 2.0, peak_day: int = 40, days: int = 120
) -> pd.DataFrame:
    """Two towns over `days` days: Uralsk's rent rises to `peak` on `peak_day`, then falls halfway."""
    rows = []
    start = dt.date(2022, 9, 1)
    for d in range(days):
        date = pd.Timestamp(start + dt.timedelta(days=d))
        if d <= peak_day:
            rent = 1 + (peak - 1) * d / peak_day
        else:
            rent = peak - (peak - 1) / 2 * (d - peak_day) / (days - 1 - peak_day)
        for town, value in (("Uralsk", rent), ("Bishkek", 1.2)):
            rows.append(
                {
                    "run_id": run_id,
                    "scenario": "s",
                    "date": date,
                    "town": town,
                    "rent_index": value,
                    "displaced_locals": 30.0 if (town == "Uralsk" and d == 50) else 0.0,
                    "local_renters": 1000.0,
                    "hostile_share": 0.1 + (0.2 if town == "Bishkek" else 0.0),
                    "tension_index": 0.05 * (d == 10),
                    "migrants_present": 500.0 if town == "Uralsk" else 9000.0,
                }
            )
    return pd.DataFrame(rows)


def _value(name: str, run: pd.DataFrame) -> float:
    output = next(o for o in outputs.OUTPUTS if o.name == name)
    return output.compute(run, TOWNS)


def test_each_output_reads_the_number_a_user_would() -> None:
    run = _run(peak=2.0, peak_day=40, days=122)  # 1 Sep to 31 Dec
    assert _value("peak_rent", run) == pytest.approx(2.0)
    assert _value("peak_rent_day", run) == 40
    assert _value("rent_end_over_peak", run) == pytest.approx(1.5 / 2.0)  # half the rise is gone
    # 30 people of 2,000 renters (both towns) on the worst day
    assert _value("displaced_share", run) == pytest.approx(30 / 2000)
    assert _value("peak_hostile_share", run) == pytest.approx(0.3)
    assert _value("peak_tension", run) == pytest.approx(0.05)
    assert _value("kz_stock_nov29", run) == 500.0  # Bishkek's 9,000 are in Kyrgyzstan


def test_the_kz_stock_of_a_run_that_ends_before_29_nov_is_missing_not_zero() -> None:
    assert np.isnan(_value("kz_stock_nov29", _run(days=60)))


def test_outputs_are_offered_only_for_the_columns_a_sweep_kept() -> None:
    names = [o.name for o in outputs.available(["rent_index", "tension_index"])]
    assert names == ["peak_rent", "peak_rent_day", "rent_end_over_peak", "peak_tension"]


def _morris_sweep(
    samples: int, replicates: int = 1, noise: float = 0.0
) -> tuple[dict, pd.DataFrame]:
    """A Morris design over p.a, p.b, p.c and its runs' rows: the peak rent is 1.5 + a (plus
    `noise` per replicate), the tension 0.1 b + 0.01 a, and c moves nothing."""
    experiment = Experiment.model_validate(
        {
            "name": "m",
            "scenarios": ["x.yaml"],
            "seed": 5,
            "design": "morris",
            "samples": samples,
            "replicates": replicates,
            "parameters": {f"p.{k}": {"low": 0, "high": 1} for k in "abc"},
        }
    )
    points = design_points(experiment)
    info = {"experiment": experiment.model_dump(mode="json"), "design_points": points}
    frames = []
    for i, p in enumerate(points):
        for replicate in range(replicates):
            run_id = f"r{replicates * i + replicate:06d}"
            run = _run(run_id, peak=1.5 + p["p.a"] + noise * replicate)
            run["tension_index"] = 0.1 * p["p.b"] + 0.01 * p["p.a"]
            run["point"], run["replicate"] = i, replicate
            frames.append(run)
    return info, pd.concat(frames, ignore_index=True)


def test_a_ranking_puts_first_the_parameter_that_moves_the_outputs() -> None:
    """A Morris design over a, b, c where the peak rent is 1 + a and the peak tension 0.1 b: a leads
    the rent outputs, b the tension, c (no effect) comes last; each output is scaled to its top."""
    info, frame = _morris_sweep(samples=8)
    per_output = {}
    for name in ("peak_rent", "peak_tension"):
        output = next(o for o in outputs.OUTPUTS if o.name == name)
        result = design_indices(info, frame, outputs.run_values(frame, output, info), name)
        per_output[name] = result["by_scenario"]["s"]
    table = outputs.ranking(per_output)
    assert [row["parameter"] for row in table] == ["p.a", "p.b", "p.c"]
    top = table[0]
    assert top["peak_rent"] == pytest.approx(1.0) and top["rank"] == 1
    assert table[1]["peak_tension"] == pytest.approx(1.0)  # b leads tension
    assert table[2]["mean"] < 0.01  # c moves nothing


def test_seed_noise_is_the_replicates_difference_over_the_design_step() -> None:
    """Two replicates per point whose peak rents differ by 0.1: on a 4-level design (step 2/3)
    the noise mu* is 0.1 / (2/3) = 0.15; points with one replicate are left out."""
    runs = pd.DataFrame(
        {
            "point": [0, 0, 1, 1, 2],
            "replicate": [0, 1, 0, 1, 0],
        },
        index=[f"r{i}" for i in range(5)],
    )
    values = pd.Series([2.0, 2.1, 1.5, 1.4, 9.0], index=runs.index)
    assert outputs.seed_noise(values, runs, levels=4) == pytest.approx(0.15)
    assert np.isnan(outputs.seed_noise(values, runs[runs.replicate == 0], levels=4))


def test_a_ranking_with_replicates_writes_every_parameter_and_the_seed_noise(tmp_path) -> None:
    """A Morris design over a, b, c with two replicates per point whose peak rents differ by
    0.01: ranking.csv holds one row per parameter, and report.md's table ends with the seed-noise
    row, small against a's effect."""
    from exodus.sweep.report import _ranking

    info, frame = _morris_sweep(samples=6, replicates=2, noise=0.01)
    _, lines, written = _ranking(info, frame, tmp_path)
    assert tmp_path / "ranking.csv" in written
    table = pd.read_csv(tmp_path / "ranking.csv")
    assert list(table["parameter"]) == ["p.a", "p.b", "p.c"]
    noise = next(line for line in lines if "*seed noise*" in line)
    cells = [c.strip() for c in noise.strip("|").split("|")]
    peak_rent = cells[3]  # rank, parameter, mean, then the outputs in order
    assert float(peak_rent) == pytest.approx(0.01 / (2 / 3), abs=0.01)
