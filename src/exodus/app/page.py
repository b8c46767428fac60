"""The classroom page: Mesa's SolaraViz around a `ClassroomModel`, with a scenario picker, sliders
from the schema, live curves and map, the day's numbers, a CSV download and the Info tab.

Served by `exodus app` (which runs `solara run exodus.app.page`). SolaraViz gives the sidebar:
reset, step, play and pause, the speed, the seed and the sliders. The main area is one dashboard
component, the single listener to SolaraViz's per-step update signal: every listener costs a
render pass of the whole page each day, so the pictures are drawn by one. Picking another scenario
rebuilds SolaraViz (keyed by the scenario's name) around a new model, so its sliders start at that
scenario's values and what the sliders show is always what will run.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import solara
import solara.lab
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import update_counter

from exodus.app.classroom import ClassroomModel, catalogue
from exodus.app.info import INFO_MARKDOWN
from exodus.app.knobs import KNOBS, POLICY_LABEL, help_text
from exodus.app.views import csv_name, csv_text, headline, map_svg, rent_svg, tension_svg

PLAY_INTERVAL_MS = 150
"""Pause between days while playing: slow enough to watch; the speed slider goes down to 1 ms."""


def model_params(model: ClassroomModel) -> dict[str, Any]:
    """SolaraViz's parameter inputs: a seed box, then one slider per knob
    (and a switch per policy knob), starting at the values of `model`'s run."""
    params: dict[str, Any] = {
        "seed": {"type": "InputText", "value": str(model.run_seed), "label": "Seed"},
    }
    values = model.in_force
    for knob in KNOBS:
        low, high = knob.bounds
        if knob.switch is not None and knob.policy is not None:
            params[knob.switch] = {
                "type": "Checkbox",
                "value": bool(values[knob.switch]),
                "label": POLICY_LABEL[knob.policy],
            }
        params[knob.name] = Slider(
            knob.label,
            value=float(values[knob.name]),
            min=low,
            max=high,
            step=knob.step,
            dtype=float,
        )
    return params


def Numbers(model: ClassroomModel) -> solara.Element:  # noqa: N802 (solara components are capitalised)
    """Day, migrants present, peak rent and the highest tension, with the CSV download."""
    head = headline(model)
    with solara.Card("This run", margin=0) as card:
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<div style="font-size:1.5em"><b>Day <span class="day-counter">{head.day}</span>'
                f"</b> of {head.n_days} <span style='color:#666'>({head.date})</span></div>"
                f'<div>Migrants present: <b class="migrants-present">'
                f"{head.migrants_present:,.0f}</b>, of whom hosted for free "
                f'<b class="hosted-free">{head.hosted_free:,.0f}</b>, without a bed '
                f'<b class="unhoused">{head.unhoused:,.0f}</b></div>'
                f'<div>Peak rent index: <b class="peak-rent">{head.peak_rent:.3f}</b>'
                + (
                    f" in {escape(head.peak_rent_town)} on {head.peak_rent_date}"
                    if head.day
                    else ""
                )
                + "</div>"
                f'<div>Highest tension today: <b class="highest-tension">'
                f"{head.highest_tension:.2f}</b> {escape(head.highest_tension_town)}</div>"
                f"<div style='color:#666'>Scenario <b class='scenario-name'>"
                f"{escape(model.settings.name)}</b>, seed {model.run_seed}, one agent for "
                f"{1 / model.settings.scale:,.0f} households</div>"
            ),
        )
        if model.notice:
            solara.Warning(model.notice, dense=True)
        solara.FileDownload(
            lambda: csv_text(model).encode("utf-8"),
            filename=csv_name(model),
            label="Download the run so far (CSV)",
            mime_type="text/csv",
        )
        solara.HTML(
            tag="p", unsafe_innerHTML="Move a slider, then press <b>Reset</b> to start a new run."
        )
    return card


def _svg_view(draw: Callable[[ClassroomModel], str]) -> Callable[[ClassroomModel], solara.Element]:
    def view(model: ClassroomModel) -> solara.Element:
        return solara.HTML(tag="div", unsafe_innerHTML=draw(model))

    view.__name__ = draw.__name__.replace("_svg", "_view")
    return view


RentCurves = _svg_view(rent_svg)
TensionCurves = _svg_view(tension_svg)
TownMap = _svg_view(map_svg)


@solara.component
def Info() -> None:  # noqa: N802 (solara components are capitalised)
    """The Info tab: what the model is and how to use it, in the NetLogo tradition. It takes no
    arguments, so the daily redraw never re-renders it."""
    solara.Markdown(INFO_MARKDOWN)


def SliderHelp(model: ClassroomModel) -> solara.Element:  # noqa: N802 (solara components are capitalised)
    """What each slider does, with its unit and range from the schema, and its value in this run."""
    lines = []
    for knob in KNOBS:
        state = ""
        if knob.switch is not None:
            state = " (on)" if model.in_force[knob.switch] else " (off)"
        lines.append(
            f"<p><b>{escape(knob.label)}</b> = {model.in_force[knob.name]:g}{state} in this run. "
            f"{escape(help_text(knob))}</p>"
        )
    with solara.Card("What the sliders do", margin=0) as card:
        solara.HTML(tag="div", unsafe_innerHTML="".join(lines), style="font-size: 0.85em")
    return card


@solara.component
def Dashboard(model_ref: solara.Reactive[ClassroomModel]) -> None:  # noqa: N802 (solara components are capitalised)
    """The main area: the run's numbers, map and curves, redrawn once a day, and the Info tab."""
    update_counter.get()  # SolaraViz bumps it after each step (or each render interval)
    model = model_ref.value  # and replaces the model on Reset
    with solara.lab.Tabs():
        with solara.lab.Tab("Run"):
            with solara.Columns([1, 1]):
                Numbers(model)
                TownMap(model)
            with solara.Columns([1, 1]):
                RentCurves(model)
                TensionCurves(model)
            SliderHelp(model)
        with solara.lab.Tab("Info"):
            Info()


@solara.component
def Page() -> None:  # noqa: N802 (solara components are capitalised)
    """The whole page: the scenario picker, SolaraViz for the chosen scenario, the dashboard."""
    pages = catalogue()
    name, set_name = solara.use_state(pages.first)
    # one reactive model per scenario: a play loop left over from the previous scenario keeps
    # stepping its own (stopped) model, never the new one
    model_ref = solara.use_memo(
        lambda: solara.reactive(ClassroomModel.for_scenario(name)()), dependencies=[name]
    )

    def pick(new: str) -> None:
        model_ref.value.running = False  # a play loop still stepping this run stops
        set_name(new)

    with solara.Sidebar(), solara.Card("Scenario"):
        solara.Select(label="Scenario", values=list(pages.files), value=name, on_value=pick)
        solara.Markdown(model_ref.value.settings.description, style="font-size: 0.85em")
    SolaraViz(
        model_ref,
        components=[],
        model_params=model_params(model_ref.value),
        name="exodus classroom",
        play_interval=PLAY_INTERVAL_MS,
    ).key(f"viz-{name}")
    Dashboard(model_ref)
