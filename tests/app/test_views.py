"""What the page draws and offers for download reflects the run so far, day by day."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest

from exodus.app import views
from exodus.app.classroom import ClassroomModel
from exodus.app.drawing import (
    DASHES,
    PALETTE,
    Axis,
    TownMark,
    nice_step,
    tension_colour,
    town_map,
)
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


def test_tension_colours_darken_as_tension_rises() -> None:
    def grey(colour: str) -> float:
        return sum(w * int(colour[k : k + 2], 16) for w, k in ((0.3, 1), (0.59, 3), (0.11, 5)))

    levels = [grey(tension_colour(t / 10)) for t in range(11)]
    assert levels == sorted(levels, reverse=True)  # a greyscale print still reads the scale


def test_charts_mark_the_mobilisation_and_each_policy_start() -> None:
    model = ClassroomModel(rent_cap_on=True, rent_cap=0.1)
    svg = views.rent_svg(model)
    assert re.search(r'data-date="2022-09-21">.*?21 Sep mobilisation</text>', svg)
    assert re.search(r'data-date="2022-09-26">.*?26 Sep rent cap</text>', svg)
    assert 'data-date="2022-09-26"' not in views.rent_svg(ClassroomModel())  # no policy, no line


def test_the_axes_stay_put_while_a_run_plays() -> None:
    def ticks(svg: str) -> list[str]:
        return re.findall(r'text-anchor="end">([\d.]+)</text>', svg)

    model = ClassroomModel()
    first = (ticks(views.rent_svg(model)), ticks(views.tension_svg(model)))
    while model.running:
        model.step()
        assert (ticks(views.rent_svg(model)), ticks(views.tension_svg(model))) == first, model.day
    assert first[0][0] == "1" and first[1] == ["0", "0.2", "0.4", "0.6", "0.8", "1"]


def test_the_previous_run_is_drawn_faded_behind_by_date() -> None:
    before = stepped(30)
    kept = views.snapshot(before)
    assert kept is not None and kept.label.startswith("classroom, seed 20220921, no policy")
    now = stepped(10)
    svg = views.rent_svg(now, kept)
    ghosts = re.findall(r'class="ghost" data-town="(\w+)" points="([^"]*)"', svg)
    assert {town for town, _ in ghosts} == set(now.towns)
    assert all(len(points.split()) == 30 for _, points in ghosts)  # all of the earlier run
    assert 'stroke-opacity="0.35"' in svg and "faded: the compared run" in svg
    assert svg.index('class="ghost"') < svg.index('class="curve"')  # behind the run on screen
    assert views.snapshot(ClassroomModel()) is None  # a run not started leaves nothing to compare


def test_text_is_projector_sized_and_nothing_is_yellow() -> None:
    model = stepped(45)
    for svg in (views.rent_svg(model), views.tension_svg(model), views.map_svg(model)):
        sizes = [float(size) for size in re.findall(r'<text[^>]*font-size="([\d.]+)"', svg)]
        assert sizes and min(sizes) >= 16  # SVG units; the page never draws them smaller
    for colour in PALETTE[:6]:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert not (red > 200 and green > 180 and blue < 120), f"{colour} is yellow on white"
    # greyscale: no two towns share both a grey level (within 10%) and a line pattern
    looks = set()
    for i in range(6):
        colour = PALETTE[i]
        grey = sum(w * int(colour[k : k + 2], 16) for w, k in ((0.3, 1), (0.59, 3), (0.11, 5)))
        looks.add((round(grey / 25.5), DASHES[i]))
    assert len(looks) == 6


def test_map_circles_never_overlap_even_full() -> None:
    model = stepped(45)
    specs = model.exodus.town_specs
    marks = [TownMark(n, s.lat, s.lon, migrants=1e9, tension=0.5) for n, s in specs.items()]
    svg = town_map(marks, [], max_migrants=1e9)  # every circle at its largest
    circles = [
        (float(x), float(y), float(r))
        for x, y, r in re.findall(r'<circle[^>]*cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', svg)
    ]
    assert len(circles) == 6
    for (x1, y1, r1), (x2, y2, r2) in itertools.combinations(circles, 2):
        assert math.hypot(x1 - x2, y1 - y2) >= r1 + r2
    for x, y, r in circles:
        assert r <= x <= 600 - r and r <= y <= 420 - r  # inside the map


def test_headline_has_the_lessons_numbers() -> None:
    model = stepped(60)
    head = views.headline(model)
    last = model.timeseries[-6:]
    assert head.displaced_now == sum(r["displaced_locals"] for r in last) > 0
    assert head.displaced_total == sum(r["displaced_total"] for r in last) >= head.displaced_now
    population = {name: spec.population for name, spec in model.exodus.town_specs.items()}
    weight = sum(population.values())
    hostile = sum(r["hostile_share"] * population[r["town"]] for r in last) / weight
    assert head.hostile_share == pytest.approx(hostile) and 0 < head.hostile_share < 1
    assert 0 < head.welcoming_share < 1 and 0 < head.unemployment < 0.5
    assert head.mean_tension == pytest.approx(sum(r["tension_index"] for r in last) / 6)
    assert not head.finished


def test_a_runs_label_names_what_its_sliders_changed() -> None:
    plain = ClassroomModel()
    plain.step()
    assert views.run_label(plain) == "classroom, seed 20220921, no policy, day 1"
    moved = ClassroomModel(seed="7", compassion=0.8, rent_cap_on=True, rent_cap=0.2)
    assert views.run_label(moved) == (
        "classroom, seed 7, rent cap, Compassion 0.80 (index, 0 to 1), "
        "Rent cap: largest rise 20% rise at most, day 0"
    )
