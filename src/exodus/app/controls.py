"""The page's sidebar controls: Reset, Play / Pause and Step with a status line that says when a run
is over, the speed, and one slider per knob with its value and unit always written beside it and a
mark while it differs from the run on screen.

They are the page's own rather than Mesa's SolaraViz sidebar: a class needs play and Step to work
after any scenario switch, a run that says when it has finished, values readable from the back of
the room, and none of the developer's settings (render interval, threads) that SolaraViz shows.
"""

from __future__ import annotations

from html import escape
from typing import Any

import solara

from exodus.app.classroom import ClassroomModel
from exodus.app.knobs import KNOBS, POLICY_LABEL, Knob, help_text

SPEEDS: dict[str, int] = {
    "slow (0.3 s a day)": 300,
    "normal (0.15 s a day)": 150,
    "fast (no pause)": 1,
}
"""The pause between days while playing, in milliseconds, by the words the page shows."""
DEFAULT_SPEED = "normal (0.15 s a day)"
PLAY_INTERVAL_MS = SPEEDS[DEFAULT_SPEED]


def moved(knob: Knob, values: dict[str, Any], in_force: dict[str, Any]) -> bool:
    """Whether a knob (or its switch) differs from the run on screen by at least half a step; a
    slider snaps a scenario's 0.1258 to its step's 0.125, which is no change."""
    if knob.switch is not None and values[knob.switch] != in_force[knob.switch]:
        return True
    return abs(knob.clamp(values[knob.name]) - in_force[knob.name]) >= knob.step / 2 - 1e-12


def applied(values: dict[str, Any], in_force: dict[str, Any]) -> dict[str, Any]:
    """The keywords for Reset: the knobs moved, with None for the others, which keep the
    scenario's own value (not the slider's rounding of it)."""
    out: dict[str, Any] = {}
    for knob in KNOBS:
        change = moved(knob, values, in_force)
        out[knob.name] = values[knob.name] if change else None
        if knob.switch is not None:
            out[knob.switch] = values[knob.switch] if change else None
    return out


def pending(values: dict[str, Any], seed: str, model: ClassroomModel) -> list[str]:
    """The labels of the knobs (and the seed) moved since the run started: Reset applies them."""
    out = [knob.label for knob in KNOBS if moved(knob, values, model.in_force)]
    if seed.strip() != str(model.run_seed):
        out.append("Seed")
    return out


def status_text(model: ClassroomModel, playing: bool) -> tuple[str, str]:
    """The line under the buttons (and its CSS class): ready, playing, paused or finished."""
    if model.day >= model.n_days:
        return (
            f"Finished: all {model.n_days} days, to {model.date:%d %b %Y}. "
            "Press Reset or pick a scenario to run again.",
            "status finished",
        )
    if playing:
        return f"Playing: day {model.day} of {model.n_days}", "status playing"
    if model.day == 0:
        return "Ready: press ▶ Play, or Step for one day", "status ready"
    return f"Paused on day {model.day} of {model.n_days} ({model.date:%d %b})", "status paused"


@solara.component
def Controls(  # noqa: N802 (solara components are capitalised)
    model_ref: solara.Reactive[ClassroomModel],
    tick: solara.Reactive[int],
    playing: solara.Reactive[bool],
    speed: solara.Reactive[str],
    changes: list[str],
    on_reset: Any,
) -> None:
    """Reset, Play / Pause and Step, the speed, and a status line that says when a run is over."""
    tick.get()  # the status line follows the days
    model = model_ref.value
    finished = model.day >= model.n_days

    def step() -> None:
        model.step()
        tick.set(tick.value + 1)

    with solara.Card("Controls", margin=0):
        with solara.Row(justify="space-between"):
            solara.Button("Reset", color="primary", on_click=on_reset)
            solara.Button(
                "❚❚ Pause" if playing.value else "▶ Play",
                color="primary",
                on_click=lambda: playing.set(not playing.value),
                disabled=finished,
            )
            solara.Button(
                "Step", color="primary", on_click=step, disabled=playing.value or finished
            )
        text, css = status_text(model, playing.value)
        solara.HTML(tag="div", unsafe_innerHTML=escape(text), classes=[*css.split()])
        if changes:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"Changed: {escape(', '.join(changes))}. Press <b>Reset</b> to run "
                "with the new values.",
                classes=["pending"],
            )
        solara.Select(
            label="Speed",
            values=list(SPEEDS),
            value=speed.value,
            on_value=speed.set,
        )


@solara.component
def KnobSlider(  # noqa: N802 (solara components are capitalised)
    knob: Knob, values: solara.Reactive[dict[str, Any]], in_force: dict[str, Any]
) -> None:
    """One knob: its name and value (with unit) in large type above the slider at all times, its
    policy switch if it has one, and a mark when it differs from the run on screen."""
    value = float(values.value[knob.name])
    low, high = knob.slider_range(in_force[knob.name])

    def set_value(new: Any) -> None:
        values.set({**values.value, knob.name: knob.clamp(float(new))})

    changed = moved(knob, values.value, in_force)
    with solara.Column(classes=["knob", f"knob-{knob.name}"], gap="0px"):
        if knob.switch is not None and knob.policy is not None:
            switch = knob.switch

            def set_switch(on: bool) -> None:
                values.set({**values.value, switch: bool(on)})

            solara.Checkbox(
                label=POLICY_LABEL[knob.policy],
                value=bool(values.value[switch]),
                on_value=set_switch,
            )
        mark = ' <span class="knob-pending">changed: press Reset</span>' if changed else ""
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<span class="knob-label">{escape(knob.label)}</span>'
                f'<span class="knob-value" data-value="{value:g}">{escape(knob.show(value))}</span>'
            ),
            classes=["knob-head"],
            attributes={"title": help_text(knob)},  # what it does, on hover
        )
        if mark:
            solara.HTML(tag="div", unsafe_innerHTML=mark)
        solara.v.Slider(
            v_model=value,
            min=low,
            max=high,
            step=knob.step,
            on_v_model=set_value,
            hide_details=True,
            class_=f"knob-slider knob-slider-{knob.name}",
        )
