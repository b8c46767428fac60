"""The executor contract the calibration builds on: outcomes in the order of the specs, on_done in
the parent for every run, a failing run reported with its traceback while the others complete."""

from __future__ import annotations

import os

from exodus.scenario.loader import load_scenario
from exodus.sweep.executor import RunOutcome, RunSpec, execute
from exodus.sweep.experiment import KeepRows
from tests.sweep.conftest import CLASSROOM


def specs() -> list[RunSpec]:
    scenario = load_scenario(CLASSROOM, ["scale=0.002", "end=2022-09-15"])
    # scale 0 cannot pass the schema; built without validation it fails inside the model
    broken = scenario.model_copy(update={"scale": 0.0})
    out = []
    for i in range(5):
        run_id = f"x{4 - i}"  # ids not in sorted order: the order of the specs must win
        out.append(RunSpec(run_id, broken if i == 2 else scenario, 100 + i, {"tag": i}))
    return out


def test_outcomes_in_spec_order_with_failure_recorded() -> None:
    seen: list[tuple[str, int]] = []

    def on_done(outcome: RunOutcome) -> None:
        seen.append((outcome.run_id, os.getpid()))

    keep = KeepRows(("rent_index", "tension_index"), every=7)
    outcomes = execute(specs(), workers=2, keep=keep, on_done=on_done, progress=False)
    assert [o.run_id for o in outcomes] == ["x4", "x3", "x2", "x1", "x0"]
    assert sorted(r for r, _ in seen) == ["x0", "x1", "x2", "x3", "x4"]
    assert {pid for _, pid in seen} == {os.getpid()}  # on_done runs in the calling process
    failed = outcomes[2]
    assert failed.status == "failed" and failed.rows == []
    assert "ZeroDivisionError" in failed.error and "Traceback" in failed.error
    for outcome in outcomes[:2] + outcomes[3:]:
        assert outcome.status == "ok" and outcome.error is None and outcome.wall_seconds > 0
        assert {r["day"] for r in outcome.rows} == {0, 7, 14}
        assert set(outcome.rows[0]) == {"tag", "date", "day", "town", "rent_index", "tension_index"}
    assert outcomes[0].rows[0]["tag"] == 0 and outcomes[4].rows[-1]["tag"] == 4
    # the same spec gives the same rows in another process and another pool size
    again = execute(specs()[:1], workers=1, keep=keep, progress=False)
    assert again[0].rows == outcomes[0].rows


def test_no_specs_no_runs() -> None:
    assert execute([], progress=False) == []
