"""The classroom page: a scenario picker, Reset / Play / Step, one slider per knob with its value
always shown, the run's numbers, a map, and rent and tension curves with the previous run faded
behind them for comparison; the Info tab explains the model.

Served by `exodus app` (which runs `solara run exodus.app.page`). The sidebar's controls are the
page's own (`exodus.app.controls`), not Mesa's SolaraViz; the model is still a `mesa.Model`
(`ClassroomModel`), stepped day by day exactly as `exodus run` steps it. The play loop lives here,
with the page's state: the run on screen, the sliders' positions, the compared run.

A redraw costs a render of every component that reads the day counter (`tick`): the dashboard and
the status line; the sliders do not read it, so they are not re-rendered while a run plays.
"""

from __future__ import annotations

import time
from html import escape
from typing import Any

import solara
import solara.lab

from exodus.app.classroom import ClassroomModel, catalogue
from exodus.app.controls import (
    DEFAULT_SPEED,
    PLAY_INTERVAL_MS,
    SPEEDS,
    Controls,
    KnobSlider,
    applied,
    pending,
)
from exodus.app.info import INFO_MARKDOWN
from exodus.app.knobs import KNOBS, help_text
from exodus.app.views import (
    Snapshot,
    csv_name,
    csv_text,
    headline,
    map_svg,
    rent_svg,
    snapshot,
    tension_svg,
)

CSS = """
.v-navigation-drawer { min-width: 340px !important; max-width: 380px !important; }
.v-navigation-drawer, .exodus-main { font-size: 18px; line-height: 1.35; }
.v-navigation-drawer .v-btn { font-size: 18px !important; text-transform: none; }
.v-navigation-drawer .v-label, .v-navigation-drawer input, .v-select__selection {
  font-size: 18px !important; }
.exodus-main .v-btn { font-size: 17px !important; text-transform: none; }
.exodus-main .v-tab { font-size: 18px !important; text-transform: none; }
.exodus-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr));
  gap: 12px; align-items: start; }
.exodus-grid > * { min-width: 0; }
.knob { margin-bottom: 6px; }
.knob-head { display: flex; flex-wrap: wrap; justify-content: space-between; column-gap: 8px;
  font-size: 17px; }
.knob-value { font-weight: bold; font-size: 19px; white-space: nowrap; }
.knob-pending, .pending { color: #a00000; font-weight: bold; }
.numbers { font-size: 18px; border-collapse: collapse; }
.numbers td { padding: 2px 12px 2px 0; vertical-align: baseline; }
.numbers td.v { font-weight: bold; font-size: 21px; text-align: right; white-space: nowrap; }
.run-note { font-size: 16px; color: #444; }
.status { font-size: 19px; font-weight: bold; margin: 6px 0; }
.status.finished { color: #0b5d1e; }
.compare { font-size: 17px; }
.slider-help { font-size: 18px; max-width: 60em; }
.scenario-description { font-size: 16px; color: #333; }
"""


def _row(label: str, value: str, css: str) -> str:
    return f'<tr><td>{label}</td><td class="v {css}">{value}</td></tr>'


@solara.component
def Numbers(model: ClassroomModel, tick: int) -> solara.Element:  # noqa: N802
    """The numbers the lesson asks students to read, for the day on screen, and the CSV download."""
    head = headline(model)
    peak = (
        f"{head.peak_rent:.2f} <span style='font-weight:normal'>{escape(head.peak_rent_town)}, "
        f"{head.peak_rent_date}</span>"
        if head.day
        else "1.00"
    )
    rows = [
        _row("Migrants present", f"{head.migrants_present:,.0f}", "migrants-present"),
        _row(
            "Locals displaced now (living doubled up)",
            f"{head.displaced_now:,.0f}",
            "displaced-now",
        ),
        _row("Locals displaced in total so far", f"{head.displaced_total:,.0f}", "displaced-total"),
        _row("Hostile households", f"{100 * head.hostile_share:.1f}%", "hostile-share"),
        _row("Welcoming households", f"{100 * head.welcoming_share:.1f}%", "welcoming-share"),
        _row("Mean tension (six towns)", f"{head.mean_tension:.2f}", "mean-tension"),
        _row(
            "Highest tension",
            f"{head.highest_tension:.2f} <span style='font-weight:normal'>"
            f"{escape(head.highest_tension_town)}</span>",
            "highest-tension",
        ),
        _row("Unemployment", f"{100 * head.unemployment:.1f}%", "unemployment"),
        _row("Peak rent index so far", peak, "peak-rent"),
        _row("Newcomers hosted for free", f"{head.hosted_free:,.0f}", "hosted-free"),
        _row("Newcomers without a bed", f"{head.unhoused:,.0f}", "unhoused"),
    ]
    state = "finished" if head.finished else ""
    with solara.Card(margin=0) as card:
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<div style="font-size:1.4em"><b>Day <span class="day-counter">{head.day}</span>'
                f"</b> of {head.n_days} <span class='day-date'>({head.date})</span> "
                f"<span class='run-state {state}'>{'finished' if head.finished else ''}</span></div>"
                f"<table class='numbers'>{''.join(rows)}</table>"
                f"<div class='run-note'>Scenario <b class='scenario-name'>"
                f"{escape(model.settings.name)}</b>, seed {model.run_seed}, one agent for "
                f"{1 / model.settings.scale:,.0f} households. Shares are of local households, "
                "all towns weighted by population.</div>"
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
    return card


@solara.component
def Svg(markup: str, css: str) -> None:  # noqa: N802 (solara components are capitalised)
    solara.HTML(tag="div", unsafe_innerHTML=markup, classes=[css])


@solara.component
def CompareBar(  # noqa: N802 (solara components are capitalised)
    compare: solara.Reactive[Snapshot | None], pinned: solara.Reactive[bool]
) -> None:
    """Which run the faded curves are, a pin to keep it for the next runs, and Clear."""
    with solara.Row(classes=["compare"], style={"align-items": "center", "flex-wrap": "wrap"}):
        if compare.value is None:
            solara.HTML(
                tag="span",
                unsafe_innerHTML="No compared run. Press <b>Reset</b> or pick a scenario: this "
                "run's curves then stay on the charts, faded, beside the next run.",
            )
            return
        solara.HTML(
            tag="span",
            unsafe_innerHTML="Faded curves: <b class='compare-label'>"
            f"{escape(compare.value.label)}</b>",
        )
        solara.Checkbox(label="keep it for the next runs", value=pinned)
        solara.Button("Clear the faded curves", on_click=lambda: compare.set(None), outlined=True)


@solara.component
def Dashboard(  # noqa: N802 (solara components are capitalised)
    model_ref: solara.Reactive[ClassroomModel],
    tick: solara.Reactive[int],
    compare: solara.Reactive[Snapshot | None],
    pinned: solara.Reactive[bool],
) -> None:
    """The main area: the run's numbers, map and curves, redrawn once a day, and the Info tab."""
    day = tick.get()
    model = model_ref.value
    with solara.Column(classes=["exodus-main"]), solara.lab.Tabs():
        with solara.lab.Tab("Run"):
            CompareBar(compare, pinned)
            with solara.Div(classes=["exodus-grid"]):
                # the curves first: comparing runs is the lesson, and on a projector at 1024x768
                # the faded run's label and the rent curves then fit on one screen
                Svg(rent_svg(model, compare.value), "rent-view")
                Svg(tension_svg(model, compare.value), "tension-view")
                Numbers(model, day)
                Svg(map_svg(model), "map-view")
        with solara.lab.Tab("What the sliders do"):
            SliderHelp(model.in_force)
        with solara.lab.Tab("Info"):
            Info()


@solara.component
def SliderHelp(in_force: dict[str, Any]) -> None:  # noqa: N802 (solara components are capitalised)
    """What each slider does, its unit, the slider's range and the model's, and its value in the run
    on screen, from the schema. Its argument changes only with a new run, not every day."""
    lines = []
    for knob in KNOBS:
        state = ""
        if knob.switch is not None:
            state = " (on)" if in_force[knob.switch] else " (off)"
        lines.append(
            f"<p><b>{escape(knob.label)}</b> = {escape(knob.show(in_force[knob.name]))}{state} "
            f"in this run. {escape(help_text(knob))}</p>"
        )
    solara.HTML(tag="div", unsafe_innerHTML="".join(lines), classes=["slider-help"])


@solara.component
def Info() -> None:  # noqa: N802 (solara components are capitalised)
    """The Info tab: what the model is and how to use it, in the NetLogo tradition. It takes no
    arguments, so the daily redraw never re-renders it."""
    solara.Markdown(INFO_MARKDOWN)


@solara.component
def Page() -> None:  # noqa: N802 (solara components are capitalised)
    """The whole page: picker, controls and sliders in the sidebar, the dashboard in the main area."""
    pages = catalogue()
    name = solara.use_reactive(pages.first)
    model_ref = solara.use_memo(
        lambda: solara.reactive(ClassroomModel.for_scenario(pages.first)()), dependencies=[]
    )
    values = solara.use_reactive(dict(model_ref.value.in_force))
    seed = solara.use_reactive(str(model_ref.value.run_seed))
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    compare = solara.use_reactive(None)
    pinned = solara.use_reactive(False)
    model = model_ref.value

    def start(new: ClassroomModel) -> None:
        """Show a new run; the one it replaces becomes the faded one unless a run is pinned."""
        playing.set(False)
        kept = snapshot(model_ref.value)
        if kept is not None and not (pinned.value and compare.value is not None):
            compare.set(kept)
        model_ref.set(new)
        values.set(dict(new.in_force))
        tick.set(tick.value + 1)

    def reset() -> None:
        model = model_ref.value
        start(
            ClassroomModel.for_scenario(name.value)(
                seed=seed.value, **applied(values.value, model.in_force)
            )
        )

    def pick(new_name: str) -> None:
        name.set(new_name)
        new = ClassroomModel.for_scenario(new_name)()
        seed.set(str(new.run_seed))
        start(new)

    def play() -> None:
        """Step the run on screen while Play is on; stops at its end or when it is replaced."""
        current = model_ref.value
        while playing.value and model_ref.value is current and current.running:
            time.sleep(SPEEDS.get(speed.value, PLAY_INTERVAL_MS) / 1000)
            if not playing.value or model_ref.value is not current:
                return
            current.step()
            tick.set(tick.value + 1)
        if model_ref.value is current and not current.running:
            playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value, model], prefer_threaded=True)

    solara.Style(CSS)
    solara.Title("exodus classroom")
    with solara.AppBar():
        solara.AppBarTitle("exodus classroom")
    with solara.Sidebar():
        with solara.Card("Scenario", margin=0):
            solara.Select(
                label="Scenario", values=list(pages.files), value=name.value, on_value=pick
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML=escape(model.settings.description),
                classes=["scenario-description"],
            )
        Controls(model_ref, tick, playing, speed, pending(values.value, seed.value, model), reset)
        with solara.Card("Sliders (press Reset to apply)", margin=0):
            solara.InputText("Seed", value=seed.value, on_value=seed.set, continuous_update=True)
            for knob in KNOBS:
                KnobSlider(knob, values, model.in_force)
    Dashboard(model_ref, tick, compare, pinned)
