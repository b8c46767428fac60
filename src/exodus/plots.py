"""Rent and tension curves per town, for one run or several overlaid.

Figures are drawn on matplotlib's Agg canvas directly (no pyplot state), so plotting works on a
headless machine and from several threads. Border towns come first and solid: they took the first
shock. The mobilisation order is a labelled dashed line, because every curve bends there.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter, MonthLocator
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from exodus.outputs import read_timeseries
from exodus.runner import RunResult
from exodus.scenario.loader import load_scenario
from exodus.scenario.schema import Scenario

SIZE_INCHES = (12.0, 7.0)
DPI = 100  # 1200 x 700 pixels
RUN_STYLES = ("-", "--", ":", "-.")

PANELS = {
    "rent": ("rent_index", "rent index (1.0 = first day)", "Rent index by town"),
    "tension": ("tension_index", "tension index [0, 1]", "Tension index by town"),
}


@dataclass
class RunData:
    """What the plots need from a run, from memory or from its directory."""

    name: str
    rows: list[dict[str, Any]]
    border_towns: set[str] = field(default_factory=set)
    mobilisation_date: dt.date | None = None
    policies: list[tuple[str, dt.date]] = field(default_factory=list)

    @classmethod
    def from_scenario(cls, scenario: Scenario | None, name: str, rows: list[dict]) -> RunData:
        if scenario is None:
            return cls(name=name, rows=rows)
        return cls(
            name=scenario.name,
            rows=rows,
            border_towns={n for n, t in scenario.towns.items() if t.border},
            mobilisation_date=scenario.flows.mobilisation_date,
            policies=[(p.kind, p.start) for p in scenario.policies],
        )

    @classmethod
    def from_result(cls, result: RunResult) -> RunData:
        return cls.from_scenario(result.scenario, result.scenario.name, result.timeseries)

    @classmethod
    def from_dir(cls, run_dir: str | Path) -> RunData:
        """A written run: its timeseries.csv, and its scenario.yaml for names and dates."""
        run_dir = Path(run_dir)
        rows = read_timeseries(run_dir, ["rent_index", "tension_index"])
        scenario_file = run_dir / "scenario.yaml"
        scenario = load_scenario(scenario_file) if scenario_file.is_file() else None
        return cls.from_scenario(scenario, run_dir.resolve().name, rows)

    def towns(self) -> list[str]:
        """Towns in drawing order: border towns first, then the rest, each in file order."""
        seen = list(dict.fromkeys(str(row["town"]) for row in self.rows))
        return [t for t in seen if t in self.border_towns] + [
            t for t in seen if t not in self.border_towns
        ]

    def series(self, column: str) -> dict[str, tuple[list[dt.date], list[float]]]:
        """One (dates, values) pair per town."""
        out: dict[str, tuple[list[dt.date], list[float]]] = {t: ([], []) for t in self.towns()}
        for row in self.rows:
            dates, values = out[str(row["town"])]
            dates.append(_date(row["date"]))
            values.append(_number(row[column]))
        return out


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _number(value: Any) -> float:
    if value is None or value == "":
        return math.nan
    return float(value)


def _figure(title: str, ylabel: str) -> tuple[Figure, Any]:
    fig = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("date")
    ax.xaxis.set_major_locator(MonthLocator())
    ax.xaxis.set_major_formatter(DateFormatter("%b %Y"))
    ax.grid(True, color="0.9")
    return fig, ax


def _finish_axis(ax: Any, panel: str) -> None:
    if panel == "tension":
        ax.set_ylim(0.0, 1.0)
    else:
        ax.axhline(1.0, color="0.6", lw=0.8)


def mark_date(
    ax: Any, date: dt.date, label: str | None, *, style: str, y: float, compact: bool = False
) -> None:
    """A dated vertical line with its label (none when `label` is None); `compact` for the small
    panels of a sweep report."""
    ax.axvline(date, color="0.35", ls=style, lw=0.9 if compact else 1.0)
    if label is None:
        return
    ax.annotate(
        label,
        xy=(date, y),
        xycoords=("data", "axes fraction"),
        xytext=(3 if compact else 4, 0),
        textcoords="offset points",
        fontsize=7 if compact else 9,
        color="0.25",
        va="top",
        bbox={
            "boxstyle": f"round,pad={0.15 if compact else 0.2}",
            "fc": "white",
            "ec": "none",
            "alpha": 0.8,
        },
    )


def _mark_mobilisation(ax: Any, date: dt.date) -> None:
    mark_date(ax, date, f"mobilisation order ({date.strftime('%d %b')})", style="--", y=0.98)


def _colours(towns: Sequence[str]) -> dict[str, Any]:
    from matplotlib import colormaps

    palette = colormaps["tab10"].colors
    return {town: palette[i % len(palette)] for i, town in enumerate(towns)}


def plot_run(run: RunData, out_dir: str | Path) -> list[Path]:
    """rent.png and tension.png of one run into `out_dir`."""
    out_dir = Path(out_dir)
    towns = run.towns()
    colours = _colours(towns)
    paths = []
    for panel, (column, ylabel, title) in PANELS.items():
        fig, ax = _figure(f"{title}: {run.name}", ylabel)
        for town, (dates, values) in run.series(column).items():
            border = town in run.border_towns
            ax.plot(
                dates,
                values,
                color=colours[town],
                ls="-" if border else "--",
                lw=2.2 if border else 1.5,
                label=f"{town} (border)" if border else town,
            )
        if run.mobilisation_date is not None:
            when = run.mobilisation_date.strftime("%d %b")
            mark_date(ax, run.mobilisation_date, f"mobilisation order ({when})", style="--", y=0.98)
        for i, (kind, start) in enumerate(run.policies):
            mark_date(ax, start, kind.replace("_", " "), style=":", y=0.93 - 0.05 * i)
        _finish_axis(ax, panel)
        fig.legend(title="town", loc="outside right upper")
        path = out_dir / f"{panel}.png"
        fig.savefig(path)
        paths.append(path)
    return paths


def plot_compare(runs: Sequence[RunData], out_prefix: str | Path) -> list[Path]:
    """Several runs overlaid: one colour per town, one line style per run."""
    towns = list(dict.fromkeys(t for run in runs for t in run.towns()))
    borders = set().union(*(run.border_towns for run in runs))
    colours = _colours(towns)
    names = [run.name for run in runs]
    labels = [
        f"{name} ({i + 1})" if names.count(name) > 1 else name for i, name in enumerate(names)
    ]
    dates = {run.mobilisation_date for run in runs} - {None}
    paths = []
    for panel, (column, ylabel, title) in PANELS.items():
        fig, ax = _figure(f"{title}: {', '.join(dict.fromkeys(names))}", ylabel)
        for i, run in enumerate(runs):
            style = RUN_STYLES[i % len(RUN_STYLES)]
            for town, (xs, ys) in run.series(column).items():
                ax.plot(xs, ys, color=colours[town], ls=style, lw=2.2 if town in borders else 1.5)
        for date in sorted(dates):
            mark_date(
                ax, date, f"mobilisation order ({date.strftime('%d %b')})", style="--", y=0.98
            )
        _finish_axis(ax, panel)
        town_handles = [
            Line2D(
                [],
                [],
                color=colours[t],
                lw=2.2 if t in borders else 1.5,
                label=f"{t} (border)" if t in borders else t,
            )
            for t in towns
        ]
        run_handles = [
            Line2D([], [], color="0.2", ls=RUN_STYLES[i % len(RUN_STYLES)], label=label)
            for i, label in enumerate(labels)
        ]
        fig.legend(handles=town_handles, title="town", loc="outside right upper")
        fig.legend(handles=run_handles, title="run", loc="outside right lower")
        path = Path(f"{out_prefix}_{panel}.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
        paths.append(path)
    return paths
