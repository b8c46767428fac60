"""What the page draws and offers for download reflects the run so far, day by day."""

from __future__ import annotations

import re
from pathlib import Path

from exodus.app import views
from exodus.app.classroom import ClassroomModel
from exodus.app.drawing import Axis, nice_step, tension_colour
from exodus.model.record import TIMESERIES_COLUMNS
from exodus.outputs import write_csv


def stepped(days: int) -> ClassroomModel:
    model = ClassroomModel()
    for _ in range(days):
        model.step()
    return model


def polyline_points(svg: str, town: str) -> list[tuple[float, float]]:
    match = re.search(rf'data-town="{town}" points="([^"]*)"', svg)
    assert match, f"no curve for {town}"
    return [tuple(map(float, p.split(","))) for p in match.group(1).split()]


def test_curves_grow_one_point_a_day_for_every_town() -> None:
    model = stepped(30)
    svg = views.rent_svg(model)
    for town in model.towns:
        points = polyline_points(svg, town)
        assert len(points) == 30
        xs = [x for x, _ in points]
        assert xs == sorted(xs)
    assert svg.count("<polyline") == len(model.towns) == 6


def test_the_rent_curve_height_follows_the_rent_index() -> None:
    model = stepped(60)
    svg = views.rent_svg(model)
    rents = views.series(model, "rent_index")
    for town in model.towns:
        ys = [y for _, y in polyline_points(svg, town)]
        highest_day = max(range(60), key=lambda d: rents[town][d])
        assert ys[highest_day] == min(ys)  # SVG y grows downward


def test_before_the_first_step_nothing_is_drawn_but_the_axes() -> None:
    model = ClassroomModel()
    assert "<polyline" not in views.tension_svg(model)
    head = views.headline(model)
    assert head.day == 0 and head.migrants_present == 0 and head.date == "not started"


def test_headline_numbers() -> None:
    model = stepped(45)
    head = views.headline(model)
    last = model.timeseries[-6:]
    assert head.day == 45 and head.n_days == 91 and head.date == "2022-10-15"
    assert head.migrants_present == sum(r["migrants_present"] for r in last) > 50_000
    assert head.peak_rent == max(r["rent_index"] for r in model.timeseries) > 1.0
    assert head.highest_tension == max(r["tension_index"] for r in last)
    assert head.hosted_free == sum(r["hosted_free"] for r in last)
    assert head.unhoused == sum(r["unhoused_migrants"] for r in last)


def test_map_sizes_by_migrants_and_colours_by_tension() -> None:
    model = stepped(45)
    svg = views.map_svg(model)
    circles = re.findall(r'data-town="(\w+)" data-migrants="(\d+)" data-tension="([\d.]+)"', svg)
    assert {town for town, _, _ in circles} == set(model.towns)
    last = {r["town"]: r for r in model.timeseries[-6:]}
    for town, migrants, tension in circles:
        assert float(migrants) == round(last[town]["migrants_present"])
        assert float(tension) == round(last[town]["tension_index"], 3)
    radius = dict(re.findall(r'data-town="(\w+)"[^>]*r="([\d.]+)"', svg))
    biggest = max(last, key=lambda t: last[t]["migrants_present"])
    smallest = min(last, key=lambda t: last[t]["migrants_present"])
    assert float(radius[biggest]) > float(radius[smallest])


def test_csv_download_is_timeseries_csv_of_the_run_so_far(tmp_path: Path) -> None:
    model = stepped(20)
    reference = tmp_path / "timeseries.csv"
    write_csv(reference, TIMESERIES_COLUMNS, model.timeseries)
    text = views.csv_text(model)
    assert text == reference.read_text(encoding="utf-8")
    assert len(text.splitlines()) == 1 + 20 * 6
    assert views.csv_name(model) == "classroom_seed20220921_day20.csv"


def test_axis_ticks_are_round_and_cover_the_range() -> None:
    assert nice_step(1.0) == 0.2 and nice_step(7.0) == 2
    assert Axis(0.8, 1.6).ticks() == [0.8, 1.0, 1.2, 1.4, 1.6]
    assert tension_colour(0.0) != tension_colour(1.0)
