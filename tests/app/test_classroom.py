"""The page's model is the real model: the same days as `exodus run`, and the sliders act on it."""

from __future__ import annotations

import pytest

from exodus.app.catalogue import CLASSROOM_SCALE
from exodus.app.classroom import ClassroomModel, parse_seed
from exodus.runner import run_scenario
from exodus.scenario.loader import load_scenario
from tests.conftest import SCENARIOS


def run_to_end(model: ClassroomModel) -> ClassroomModel:
    while model.running:
        model.step()
    return model


def by_town(rows: list[dict], column: str) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for row in rows:
        out.setdefault(row["town"], {})[row["date"]] = float(row[column])
    return out


def test_the_page_runs_exactly_what_exodus_run_runs() -> None:
    model = run_to_end(ClassroomModel())
    reference = run_scenario(
        load_scenario(SCENARIOS / "classroom.yaml", [f"scale={CLASSROOM_SCALE}"])
    )
    assert model.day == model.n_days == 91
    assert model.timeseries == reference.timeseries


def test_a_run_stops_after_its_last_day() -> None:
    model = run_to_end(ClassroomModel())
    rows = len(model.timeseries)
    model.step()
    assert not model.running and len(model.timeseries) == rows


def test_second_wave_slider_at_zero_removes_the_mobilised() -> None:
    model = run_to_end(ClassroomModel(second_wave=0.0))
    assert max(row["migrants_mobilised"] for row in model.timeseries) == 0.0
    full = run_to_end(ClassroomModel())
    assert max(row["migrants_mobilised"] for row in full.timeseries) > 10_000


def test_rent_cap_switch_holds_rents_to_the_cap() -> None:
    capped = by_town(
        run_to_end(ClassroomModel(rent_cap_on=True, rent_cap=0.1)).timeseries, "rent_index"
    )
    free = by_town(run_to_end(ClassroomModel()).timeseries, "rent_index")
    for town, days in capped.items():
        start = days["2022-09-26"]
        assert max(v for d, v in days.items() if d >= "2022-09-26") <= start * 1.11, town
    assert max(max(days.values()) for days in free.values()) > 1.5  # uncapped, rents run away


def test_scenario_picked_by_name_and_remembered_by_its_class() -> None:
    model = ClassroomModel.for_scenario("rent_cap")()
    assert model.settings.name == "rent_cap" and model.in_force["rent_cap_on"] is True
    assert model.settings.scale == pytest.approx(
        CLASSROOM_SCALE
    )  # every scenario at the classroom scale
    assert ClassroomModel.for_scenario("rent_cap") is type(model)


def test_same_seed_same_run_other_seed_other_run() -> None:
    def rents(seed: str) -> list[float]:
        model = ClassroomModel(seed=seed)
        for _ in range(40):
            model.step()
        return [row["rent_index"] for row in model.timeseries]

    assert rents("7") == rents("7")
    assert rents("7") != rents("8")


@pytest.mark.parametrize(
    ("text", "seed", "notice"),
    [
        ("42", 42, None),
        (" 42 ", 42, None),
        ("", 5, None),
        ("abc", 5, "seed 'abc' is not a whole number: the scenario's seed 5 is used"),
        ("-1", 5, "seed -1 is not in 0 to 2**63 - 1: the scenario's seed 5 is used"),
    ],
)
def test_seed_box(text: str, seed: int, notice: str | None) -> None:
    assert parse_seed(text, 5) == (seed, notice)


def test_a_bad_seed_is_reported_on_the_page_not_raised() -> None:
    model = ClassroomModel(seed="twelve")
    assert model.run_seed == model.settings.seed
    assert model.notice is not None and "twelve" in model.notice
