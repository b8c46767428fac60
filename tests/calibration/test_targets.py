"""The observed-targets table: shipped and sound, strict about mistakes, read the right way."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from exodus.calibration.targets import (
    COLUMNS,
    Target,
    TargetsError,
    load_targets,
    model_value,
)
from exodus.evidence import load_observed
from exodus.scenario.loader import load_scenario
from tests.conftest import SCENARIOS

HEADER = ",".join(COLUMNS)
GOOD = "C1,F03,calibration,departures_abroad,KZ,2022-09-21,2022-09-27,sum,64234,persons,exits"


def test_shipped_table_ties_every_target_to_an_observed_row():
    targets = load_targets()
    observed = load_observed()
    assert {t.role for t in targets} == {"calibration", "validation", "input"}
    assert len([t for t in targets if t.role == "calibration"]) >= 5
    assert len([t for t in targets if t.role == "validation"]) >= 5
    for target in targets:
        assert target.figure in observed
        assert target.end <= dt.date(2022, 10, 4), "the data stop on 4 Oct"


def test_schedule_inputs_are_never_scored():
    """F02-F07 entries built the arrival schedule: they may only be input checks."""
    for target in load_targets():
        if target.metric == "arrivals_from_abroad" and target.place == "KZ":
            assert target.role == "input", target.id


def test_shipped_targets_fit_the_baseline():
    from exodus.calibration.targets import check_places

    check_places(load_targets(), load_scenario(SCENARIOS / "baseline_2022.yaml"), "baseline")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (GOOD.replace("departures_abroad", "departures"), "metric 'departures' is not"),
        (GOOD.replace("calibration", "fitting"), "role"),
        (GOOD.replace("departures_abroad", "rent_index"), "cannot add up over the towns of KZ"),
        (GOOD.replace("F03", "F99"), "'F99' is not a row of observed_2022.csv"),
        (GOOD.replace("64234", "-5"), "observed"),
        (GOOD.replace("2022-09-27", "2022-09-01"), "is before start"),
        (GOOD.replace(",sum,", ",total,"), "aggregate"),
        (GOOD.rsplit(",", 1)[0], "expected 11 columns"),
    ],
)
def test_a_bad_row_names_file_line_and_problem(write, row, message):
    path = write("targets.csv", f"{HEADER}\n{GOOD.replace('C1', 'C0')}\n{row}\n")
    with pytest.raises(TargetsError) as caught:
        load_targets(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: line 3: ")
    assert message in text


def test_duplicate_ids_and_bad_header_are_errors(write):
    with pytest.raises(TargetsError, match="line 3: id: 'C1' is used twice"):
        load_targets(write("t.csv", f"{HEADER}\n{GOOD}\n{GOOD}\n"))
    with pytest.raises(TargetsError, match="line 1: the header must be"):
        load_targets(write("u.csv", f"id,figure\n{GOOD}\n"))
    with pytest.raises(TargetsError, match="no such file"):
        load_targets(write("v.csv", "").with_name("missing.csv"))


def _rows(days: int = 10) -> list[dict]:
    rows = []
    for d in range(days):
        date = (dt.date(2022, 9, 21) + dt.timedelta(days=d)).isoformat()
        for town, country, out in (
            ("Uralsk", "KZ", 100.0),
            ("Almaty", "KZ", 10.0),
            ("Bishkek", "KG", 1.0),
        ):
            rows.append(
                {
                    "date": date,
                    "town": town,
                    "country": country,
                    "departures_abroad": str(out * (d + 1)),
                    "rent_index": 1.0 + 0.1 * d,
                }
            )
    return rows


def _target(**changes) -> Target:
    fields = dict(
        id="X",
        figure="F03",
        role="calibration",
        metric="departures_abroad",
        place="KZ",
        start=dt.date(2022, 9, 21),
        end=dt.date(2022, 9, 23),
        aggregate="sum",
        observed=1.0,
        unit="persons",
    )
    return Target(**{**fields, **changes})


def test_model_value_sums_a_country_over_towns_and_days():
    scenario = load_scenario(SCENARIOS / "baseline_2022.yaml")
    # KZ is Uralsk + Almaty: 110 a day times day 1, 2, 3; Bishkek (KG) is left out
    assert model_value(_target(), _rows(), scenario) == pytest.approx(110 * 6)
    assert model_value(_target(aggregate="mean"), _rows(), scenario) == pytest.approx(220)
    assert model_value(_target(place="Almaty"), _rows(), scenario) == pytest.approx(60)


def test_market_rent_is_the_rent_index_times_the_towns_one_room_rent():
    scenario = load_scenario(SCENARIOS / "baseline_2022.yaml")
    target = _target(
        metric="market_rent",
        place="Uralsk",
        aggregate="mean",
        start=dt.date(2022, 9, 23),
        end=dt.date(2022, 9, 23),
        unit="tenge/month",
    )
    rent0 = scenario.towns["Uralsk"].rent_1room
    assert model_value(target, _rows(), scenario) == pytest.approx(1.2 * rent0)


def test_missing_days_give_no_value_rather_than_a_partial_sum():
    scenario = load_scenario(SCENARIOS / "baseline_2022.yaml")
    target = _target(end=dt.date(2022, 10, 10))
    assert math.isnan(model_value(target, _rows(), scenario))
