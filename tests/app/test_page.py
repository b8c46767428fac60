"""Component tests of the page, rendered in Python (no browser): the controls a class uses do what
their labels say, after any sequence of runs, switches and resets."""

from __future__ import annotations

import time

import ipyvuetify as vw
import pytest
import solara

from exodus.app import controls, page
from exodus.app.classroom import ClassroomModel
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


def html(rc) -> str:
    return " ".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)


def headline(rc) -> str:
    (text,) = [
        w.unsafe_innerHTML
        for w in rc.find(solara.widgets.HTML).widgets
        if "day-counter" in (w.unsafe_innerHTML or "")
    ]
    return text


def day(rc) -> int:
    return int(headline(rc).split('class="day-counter">')[1].split("<")[0])


def button(rc, label: str) -> vw.Btn:
    return rc.find(vw.Btn, children=[label]).widget


def click(rc, label: str) -> None:
    button(rc, label).click()


def slider(rc, name: str) -> vw.Slider:
    return rc.find(vw.Slider, class_=f"knob-slider knob-slider-{name}").widget


def pick(rc, scenario: str) -> None:
    rc.find(vw.Select, label="Scenario").widget.v_model = scenario


def play_to_end(rc, timeout: float = 60) -> None:
    page_speed = rc.find(vw.Select, label="Speed").widget
    page_speed.v_model = "fast (no pause)"
    click(rc, "▶ Play")
    deadline = time.monotonic() + timeout
    while day(rc) < 91:
        assert time.monotonic() < deadline, f"the run stalled on day {day(rc)}"
        time.sleep(0.1)
    time.sleep(0.3)  # the play loop notices the end and releases the buttons


def test_page_has_the_controls_sliders_and_parts_a_class_needs(rc) -> None:
    for label in ("Reset", "Step", "▶ Play"):
        rc.find(vw.Btn, children=[label]).assert_single()
    for knob in KNOBS:
        slider(rc, knob.name)  # one slider per knob
    assert not rc.find(
        vw.Slider, label="Render Interval (steps)"
    ).widgets  # no Mesa developer knobs
    rc.find(vw.Select, label="Scenario").assert_single()
    rc.find(vw.TextField, label="Seed").assert_single()
    text = html(rc)
    for part in ("rent-chart", "tension-chart", "town-map", "Locals displaced in total"):
        assert part in text
    # every value is written beside its slider, with its unit, before anything moves
    assert 'data-value="0.45">0.45 (index, 0 to 1)<' in text
    assert "changed: press Reset" not in text
    # and what each one does: on hover, and in its own tab
    heads = [
        w
        for w in rc.find(solara.widgets.HTML).widgets
        if "knob-label" in (w.unsafe_innerHTML or "")
    ]
    assert KNOBS[0].description in heads[0].attributes["title"]
    assert "<b>Rent cap: largest rise</b> = 10% rise at most (off) in this run." in text


def test_sliders_span_the_teaching_ranges_inside_the_schema(rc) -> None:
    for knob in KNOBS:
        widget = slider(rc, knob.name)
        low, high = knob.bounds
        assert (widget.min, widget.max) == knob.teaching
        assert low <= widget.min < widget.max <= high
    pick(rc, "rent_cap")
    assert (slider(rc, "rent_cap").min, slider(rc, "rent_cap").max) == (0.05, 0.5)
    assert slider(rc, "rent_cap").v_model == pytest.approx(0.1)


def test_step_advances_the_day_and_draws(rc) -> None:
    assert day(rc) == 0
    click(rc, "Step")
    click(rc, "Step")
    assert day(rc) == 2
    assert "2022-09-02" in headline(rc)


def test_a_moved_slider_is_marked_until_reset_applies_it(rc) -> None:
    click(rc, "Step")
    slider(rc, "second_wave").v_model = 0.0
    text = html(rc)
    assert "changed: press Reset" in text and "Changed: Second-wave size." in text
    click(rc, "Reset")
    assert day(rc) == 0
    text = html(rc)
    assert "changed: press Reset" not in text and "Changed:" not in text
    assert 'data-value="0">0.00 × the observed wave<' in text


def test_reset_keeps_the_previous_run_faded_and_clear_removes_it(rc) -> None:
    assert 'class="ghost"' not in html(rc)
    for _ in range(5):
        click(rc, "Step")
    click(rc, "Reset")
    text = html(rc)
    assert text.count('class="ghost"') == 2 * 6  # six towns on the two charts
    assert "classroom, seed 20220921, no policy, day 5" in text
    click(rc, "Clear the faded curves")
    assert 'class="ghost"' not in html(rc)


def test_play_and_step_work_after_a_finished_run_and_a_scenario_switch(rc) -> None:
    play_to_end(rc)
    assert button(rc, "▶ Play").disabled and button(rc, "Step").disabled
    assert "Finished: all 91 days" in html(rc)
    pick(rc, "no_mobilisation")
    assert "no_mobilisation" in headline(rc) and day(rc) == 0
    assert not button(rc, "▶ Play").disabled and not button(rc, "Step").disabled
    assert slider(rc, "second_wave").v_model == 0.0  # the slider starts at the scenario's value
    click(rc, "Step")
    assert day(rc) == 1
    assert "classroom, seed 20220921, no policy, day 91" in html(rc)
    click(rc, "Reset")  # and Reset keeps the scenario
    assert "no_mobilisation" in headline(rc) and day(rc) == 0


def test_a_pinned_run_stays_the_compared_one(rc) -> None:
    for _ in range(3):
        click(rc, "Step")
    click(rc, "Reset")
    rc.find(vw.Checkbox, label="keep it for the next runs").widget.v_model = True
    for _ in range(2):
        click(rc, "Step")
    click(rc, "Reset")
    assert "no policy, day 3" in html(rc) and "day 2</b>" not in html(rc)


def test_a_slider_rounding_a_scenario_value_to_its_step_changes_nothing() -> None:
    bid_up = next(knob for knob in KNOBS if knob.name == "bid_up")
    in_force = {"bid_up": 0.1174}
    assert not controls.moved(bid_up, {"bid_up": 0.115}, in_force)  # the slider's snap
    assert controls.moved(bid_up, {"bid_up": 0.11}, in_force)  # one step below it: a change
    model_values = ClassroomModel.for_scenario("rent_cap")().in_force
    assert model_values["bid_up"] == in_force["bid_up"]  # the calibrated baseline's
    snapped = {**model_values, "bid_up": 0.115}
    keywords = controls.applied(snapped, model_values)
    assert keywords["bid_up"] is None  # Reset keeps the scenario's own 0.1174
    assert keywords["rent_cap"] is None and keywords["rent_cap_on"] is None
    moved_cap = controls.applied({**snapped, "rent_cap": 0.2}, model_values)
    assert moved_cap["rent_cap"] == 0.2 and moved_cap["rent_cap_on"] is True


def test_switching_scenario_or_resetting_while_playing_leaves_working_controls(rc) -> None:
    rc.find(vw.Select, label="Speed").widget.v_model = "fast (no pause)"
    click(rc, "▶ Play")
    deadline = time.monotonic() + 30
    while day(rc) < 5:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    pick(rc, "rent_cap")  # mid-run
    time.sleep(0.5)  # a day under way in the old run may finish; it is not shown
    assert "rent_cap" in headline(rc) and day(rc) == 0
    assert not button(rc, "▶ Play").disabled and not button(rc, "Step").disabled
    click(rc, "Step")
    assert day(rc) == 1
    click(rc, "▶ Play")
    while day(rc) < 10:
        assert time.monotonic() < deadline + 30
        time.sleep(0.05)
    click(rc, "Reset")  # mid-run again
    time.sleep(0.5)
    assert day(rc) == 0 and not button(rc, "Step").disabled
    assert "▶ Play" in [w.children[0] for w in rc.find(vw.Btn).widgets if w.children]
