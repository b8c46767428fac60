"""Scale-robustness as a tested property, at small size: the key outputs of the default scale (mean
over seeds) agree with scale 1 (one run) within the check's stated tolerances. The full-size check
(every town, eight seeds) is `python -m benchmarks.scale_check`, its figures in benchmarks/RESULTS.md.

Small size: the two border towns alone. They have the fewest households, so their rental markets
are the thinnest in agents at any scale (about 17,000 and 14,000 households at scale 0.2, as in the
full run) and take the largest shock; a scale too coarse for them shows here first.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from benchmarks.scale_check import OUTPUTS, Tolerances, key_outputs, run_check

import exodus

BORDER_TOWNS_ONLY = {
    f"towns.{town}.enabled": False for town in ("Astana", "Almaty", "Karaganda", "Bishkek")
}


@pytest.fixture(scope="module")
def scenario():
    return exodus.load_scenario("baseline_2022", BORDER_TOWNS_ONLY)


@pytest.fixture(scope="module")
def check(scenario):
    return run_check(scenario, scenario.scale, 1.0, [scenario.seed, 1, 2, 3])


@pytest.mark.slow
def test_default_scale_agrees_with_full_scale(check, scenario):
    assert check.coarse_scale == 0.2 and list(check.fine.index) == ["Uralsk", "Petropavlovsk"]
    assert check.failures() == []
    # the comparison is about something: rents more than double, renters are displaced
    assert (check.fine["peak_rent"] > 2.0).all() and (check.fine["displaced_share"] > 0.05).all()


@pytest.mark.slow
def test_tolerances_are_parameters_of_the_check(check):
    """A tighter tolerance than the seed spread fails, naming the town, output and figures."""
    strict = dataclasses.replace(check, tolerances=Tolerances(peak_rent=0.0, peak_tension=0.0))
    failures = strict.failures()
    assert any(f.startswith("Uralsk peak_rent: mean") and "beyond 0" in f for f in failures)
    assert any("peak_tension" in f for f in failures)


def test_key_outputs_of_a_run():
    run = exodus.run("classroom", {"scale": 0.005}, seed=1)
    out = key_outputs(run.timeseries)
    ts = run.timeseries
    assert list(out.columns) == list(OUTPUTS) and list(out.index) == run.towns
    uralsk = ts[ts["town"] == "Uralsk"]
    peak = uralsk["rent_index"].max()
    assert out.at["Uralsk", "peak_rent"] == peak
    assert out.at["Uralsk", "peak_day"] == uralsk["day"].to_numpy()[uralsk["rent_index"].argmax()]
    nov3 = uralsk.loc[uralsk["date"] == pd.Timestamp("2022-11-03"), "rent_index"].item()
    assert out.at["Uralsk", "rent_3nov_over_peak"] == pytest.approx(nov3 / peak)
    assert np.isnan(out.at["Uralsk", "rent_31dec_over_peak"])  # the classroom ends on 30 Nov
    assert out["displaced_share"].min() >= 0 and out["displaced_share"].max() < 1
    assert out["peak_hostile_share"].min() >= 0 and out["peak_tension"].max() <= 1
