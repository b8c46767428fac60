"""The classroom page: Mesa's SolaraViz around a `ClassroomModel`, with a scenario picker, sliders
from the schema, live curves and map, the day's numbers, a CSV download and the Info tab.

Served by `exodus app` (which runs `solara run exodus.app.page`). Picking another scenario rebuilds
the whole SolaraViz (keyed by the scenario's name), so its sliders start at that scenario's values
and what the sliders show is always what will run.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import solara
from mesa.visualization import Slider, SolaraViz

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
                f"{head.migrants_present:,.0f}</b></div>"
                f'<div>Peak rent index: <b class="peak-rent">{head.peak_rent:.3f}</b>'
                + (f" in {head.peak_rent_town} on {head.peak_rent_date}" if head.day else "")
                + "</div>"
                f'<div>Highest tension today: <b class="highest-tension">'
                f"{head.highest_tension:.2f}</b> {head.highest_tension_town}</div>"
                f"<div style='color:#666'>Scenario <b class='scenario-name'>"
                f"{model.settings.name}</b>, seed {model.run_seed}, one agent for "
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
        solara.Markdown("Move a slider, then press **Reset** to start a new run with it.")
    return card


def _svg_view(draw: Callable[[ClassroomModel], str]) -> Callable[[ClassroomModel], solara.Element]:
    def view(model: ClassroomModel) -> solara.Element:
        return solara.HTML(tag="div", unsafe_innerHTML=draw(model))

    view.__name__ = draw.__name__.replace("_svg", "_view")
    return view


RentCurves = _svg_view(rent_svg)
TensionCurves = _svg_view(tension_svg)
TownMap = _svg_view(map_svg)


def Info(model: ClassroomModel) -> solara.Element:  # noqa: N802 (solara components are capitalised)
    """The Info tab: what the model is and how to use it, in the NetLogo tradition."""
    return solara.Markdown(INFO_MARKDOWN)


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


COMPONENTS = [
    (Numbers, 0),
    (TownMap, 0),
    (RentCurves, 0),
    (TensionCurves, 0),
    (SliderHelp, 0),
    (Info, 1),
]


@solara.component
def Page() -> None:  # noqa: N802 (solara components are capitalised)
    """The whole page: the scenario picker, then SolaraViz for the chosen scenario."""
    pages = catalogue()
    name, set_name = solara.use_state(pages.first)
    model = solara.use_memo(lambda: ClassroomModel.for_scenario(name)(), dependencies=[name])

    def pick(new: str) -> None:
        model.running = False  # a play loop still stepping this run stops at its next day
        set_name(new)

    with solara.Sidebar(), solara.Card("Scenario"):
        solara.Select(label="Scenario", values=list(pages.files), value=name, on_value=pick)
        solara.Markdown(model.settings.description, style="font-size: 0.85em")
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=model_params(model),
        name="exodus classroom",
        play_interval=PLAY_INTERVAL_MS,
    ).key(f"viz-{name}")
