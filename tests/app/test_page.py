"""Component tests of the page, rendered in Python (no browser): the controls a class uses do what
their labels say."""

from __future__ import annotations

import ipyvuetify as vw
import pytest
import solara

from exodus.app import page
from exodus.app.knobs import KNOBS


@solara.component
def App() -> solara.Element:  # noqa: N802 (solara components are capitalised)
    with solara.AppLayout() as main:  # the sidebar (scenario picker) needs the app layout
        page.Page()
    return main


@pytest.fixture
def rc():
    _, context = solara.render(App(), handle_error=False)
    yield context
    context.close()


def headline(rc) -> str:
    (text,) = [
        w.unsafe_innerHTML
        for w in rc.find(solara.widgets.HTML).widgets
        if "day-counter" in (w.unsafe_innerHTML or "")
    ]
    return text


def day(rc) -> int:
    return int(headline(rc).split('class="day-counter">')[1].split("<")[0])


def click(rc, label: str) -> None:
    rc.find(vw.Btn, children=[label]).widget.click()


def test_page_has_the_controls_sliders_and_parts_a_class_needs(rc) -> None:
    for label in ("Reset", "Step", "▶"):
        rc.find(vw.Btn, children=[label]).assert_single()
    labels = {w.label for w in rc.find(vw.Slider).widgets}
    assert {knob.label for knob in KNOBS} <= labels
    assert "Play Interval (ms)" in labels  # the speed control
    rc.find(vw.Select, label="Scenario").assert_single()
    rc.find(vw.TextField, label="Seed").assert_single()
    html = " ".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)
    for part in ("rent-chart", "tension-chart", "town-map", "<b>Compassion</b> = 0.45 in this run"):
        assert part in html


def test_sliders_have_the_schema_ranges(rc) -> None:
    sliders = {w.label: w for w in rc.find(vw.Slider).widgets}
    for knob in KNOBS:
        low, high = knob.bounds
        assert (sliders[knob.label].min, sliders[knob.label].max) == (low, high)


def test_step_advances_the_day_and_draws(rc) -> None:
    assert day(rc) == 0
    click(rc, "Step")
    click(rc, "Step")
    assert day(rc) == 2
    assert "2022-09-02" in headline(rc)


def test_moving_a_slider_then_reset_starts_a_new_run_with_it(rc) -> None:
    click(rc, "Step")
    second_wave = next(w for w in rc.find(vw.Slider).widgets if w.label == "Second-wave size")
    second_wave.v_model = 0.0
    click(rc, "Reset")
    assert day(rc) == 0
    text = " ".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)
    assert "<b>Second-wave size</b> = 0 in this run" in text


def test_picking_a_scenario_rebuilds_the_page_with_its_values(rc) -> None:
    rc.find(vw.Select, label="Scenario").widget.v_model = "no_mobilisation"
    assert "no_mobilisation" in headline(rc)
    second_wave = next(w for w in rc.find(vw.Slider).widgets if w.label == "Second-wave size")
    assert second_wave.v_model == 0.0  # the slider starts at the scenario's value
    click(rc, "Step")
    click(rc, "Reset")  # and Reset keeps the scenario
    assert "no_mobilisation" in headline(rc) and day(rc) == 0
