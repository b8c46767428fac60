"""The report's figures, drawn to be published: one figure per metric, towns as small multiples on
a shared y-axis, axes in words with units, dated events marked, runs per curve in the legend.

Colour is a parameter value (a sequential map, light to dark as the value grows) and line style a
scenario; with no parameter, colour is the scenario. Bands follow `exodus.sweep.report`: the dark
band is the 95% CI of the mean, the light band the 5-95 percentile range of runs, drawn only where
a panel holds at most two curves (more percentile bands overlap into a blot). Figures are drawn on
matplotlib's Agg canvas without pyplot, so a report can be written from any thread.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter, MonthLocator
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from exodus.files import atomic_write as _atomic_write
from exodus.model.record import COLUMN_LABELS
from exodus.plots import mark_date
from exodus.sweep.report import CI_LABEL, PCT_LABEL, bands, group_label

STYLES = ("-", "--", ":", "-.")
MAX_PERCENTILE_CURVES = 2
"""Panels with more curves than this show only the CI band: percentile bands would overlap."""
MIN_RUNS_CI = 5
"""Fewer runs per curve than this give a 95% CI of the mean that is wide and itself uncertain."""
MIN_RUNS_PERCENTILE = 20
"""Fewer runs than this make a 5-95 percentile range little more than the runs' min-max."""


def label(metric: str) -> str:
    """A column in words with its unit; the column name for anything unknown."""
    return COLUMN_LABELS.get(metric, metric)


@dataclass(frozen=True)
class Curve:
    """One curve of a band figure: its group key, legend label, colour, style and run count."""

    key: tuple[Any, ...]
    label: str
    colour: Any
    style: str
    runs: int


def curves(frame: pd.DataFrame, groups: list[str]) -> list[Curve]:
    """The curves of a figure, with parameter values as colours and scenarios as line styles."""
    from matplotlib import colormaps

    runs = frame.groupby(groups, sort=True, dropna=False)["run_id"].nunique()
    keys = [k if isinstance(k, tuple) else (k,) for k in runs.index]
    scenarios = list(dict.fromkeys(frame["scenario"]))  # the experiment's order
    params = sorted({k[1:] for k in keys}, key=lambda v: tuple(map(_sortable, v)))
    out = []
    for key, n in zip(keys, runs.to_numpy(), strict=True):
        if len(groups) > 1:
            shade = 0.5 if len(params) == 1 else params.index(key[1:]) / (len(params) - 1)
            colour = colormaps["viridis"](0.8 - 0.7 * shade)
            style = STYLES[scenarios.index(key[0]) % len(STYLES)]
        else:
            colour = colormaps["tab10"](scenarios.index(key[0]) % 10)
            style = "-"
        text = group_label(key if len(key) > 1 else key[0], groups)
        out.append(Curve(key, f"{text} (n={n} runs)", colour, style, int(n)))
    return out


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int | float) else (1, str(value))


def _canvas(rows: int, cols: int, *, width: float, height: float, sharey: bool) -> tuple:
    fig = Figure(figsize=(width * cols, height * rows + 1.2), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, sharex=True, sharey=sharey, squeeze=False)
    return fig, axes


def mark_events(ax: Any, town: str, events: dict[str, Any], *, first: bool) -> None:
    """The mobilisation order (dashed) and each policy's start (dotted) in this town's panel."""
    dates = {d for d in events.get("mobilisation", []) if d}
    for date in sorted(dates):
        label = f"mobilisation order {date:%d %b}" if first else None
        mark_date(ax, date, label, style="--", y=0.99, compact=True)
    for i, (kind, start, towns) in enumerate(events.get("policies", [])):
        if towns == "all" or town in towns:
            mark_date(ax, start, kind, style=":", y=0.9 - 0.08 * i, compact=True)


def events_of(info: dict[str, Any]) -> dict[str, Any]:
    """Dates to mark, from the scenarios' record in experiment.json (absent in older sweeps)."""
    scenarios = info.get("scenarios", {})
    many = len(scenarios) > 1
    policies = []
    for name, record in scenarios.items():
        for kind, start, towns in record.get("policies", []):
            text = kind.replace("_", " ") + (f" ({name})" if many else "")
            policies.append((text, dt.date.fromisoformat(start), towns))
    return {
        "mobilisation": [
            dt.date.fromisoformat(r["mobilisation_date"])
            for r in scenarios.values()
            if r.get("mobilisation_date")
        ],
        "policies": policies,
        "border": {t for r in scenarios.values() for t in r.get("border_towns", [])},
    }


def town_order(frame: pd.DataFrame, info: dict[str, Any]) -> list[str]:
    """Border towns first (they took the first shock), then the rest, each in the runs' order."""
    border = events_of(info)["border"]
    towns = list(dict.fromkeys(frame["town"]))
    return [t for t in towns if t in border] + [t for t in towns if t not in border]


def band_figure(
    frame: pd.DataFrame,
    groups: list[str],
    metric: str,
    info: dict[str, Any],
    *,
    free_y: bool = False,
) -> tuple[Figure, list[str]]:
    """One panel per town of `metric` against the date; returns the figure and its warnings."""
    table = bands(frame, groups, metric)
    chosen = curves(frame, groups)
    events = events_of(info)
    towns = town_order(frame, info)
    cols = min(3, len(towns))
    rows = math.ceil(len(towns) / cols)
    fig, axes = _canvas(rows, cols, width=4.6, height=3.0, sharey=not free_y)
    percentile = len(chosen) <= MAX_PERCENTILE_CURVES
    ci_alpha = 0.3 if percentile else 0.15
    for n, (ax, town) in enumerate(zip(axes.flat, towns, strict=False)):
        here = table[table["town"] == town]
        for curve in chosen:
            mask = np.logical_and.reduce(
                [here[c] == v for c, v in zip(groups, curve.key, strict=True)]
            )
            part = here[mask]
            if percentile:
                ax.fill_between(
                    part["date"], part["p5"], part["p95"], color=curve.colour, alpha=0.12, lw=0
                )
            ax.fill_between(
                part["date"],
                part["ci_low"],
                part["ci_high"],
                color=curve.colour,
                alpha=ci_alpha,
                lw=0,
            )
            ax.plot(part["date"], part["mean"], color=curve.colour, ls=curve.style, lw=1.4)
        mark_events(ax, town, events, first=n == 0)
        ax.set_title(f"{town} (border)" if town in events["border"] else town, fontsize=10)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MonthLocator())
        ax.xaxis.set_major_formatter(DateFormatter("%b"))
    for ax in list(axes.flat)[len(towns) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(label(metric), fontsize=9)
    which = f"dark band: {CI_LABEL}" + (f"; light band: {PCT_LABEL}" if percentile else "")
    fig.suptitle(f"{label(metric)} by town: each line the mean of its runs; {which}", fontsize=10)
    handles = [Line2D([], [], color=c.colour, ls=c.style, lw=1.6, label=c.label) for c in chosen]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(3, len(handles)), fontsize=8)
    return fig, band_warnings(metric, chosen, percentile)


def band_warnings(metric: str, chosen: Sequence[Curve], percentile: bool) -> list[str]:
    """What the bands of a figure cannot carry with so few runs per curve."""
    fewest = min(c.runs for c in chosen)
    if fewest < 2:
        return [f"{metric}: a curve is a single run; it has no band (add replicates)"]
    out = []
    if fewest < MIN_RUNS_CI:
        out.append(
            f"{metric}: as few as {fewest} runs per curve: the 95% CI of the mean (t, "
            f"{fewest - 1} degrees of freedom) is wide and itself uncertain; use "
            f"{MIN_RUNS_CI} or more replicates"
        )
    if percentile and fewest < MIN_RUNS_PERCENTILE:
        out.append(
            f"{metric}: as few as {fewest} runs per curve: the 5-95 percentile range is little "
            f"more than their min-max; use {MIN_RUNS_PERCENTILE} or more replicates"
        )
    return out


def response_figure(
    peaks: pd.DataFrame,
    groups: list[str],
    metric: str,
    towns: list[str],
    *,
    free_y: bool = False,
) -> Figure | None:
    """For a grid design: each run's peak of `metric` against a parameter's value, per town.

    One row per numeric parameter; a line per scenario (style) and value of the other parameters
    (colour), at the mean of the runs' peaks with its 95% t interval as error bars.
    """
    from matplotlib import colormaps

    from exodus.sweep.report import t_interval

    params = [p for p in groups[1:] if pd.api.types.is_numeric_dtype(peaks[p])]
    params = [p for p in params if not pd.api.types.is_bool_dtype(peaks[p])]
    if not params:
        return None
    fig, axes = _canvas(len(params), len(towns), width=2.6, height=2.4, sharey=not free_y)
    scenarios = list(dict.fromkeys(peaks["scenario"]))
    handles: dict[str, Line2D] = {}
    for row, param in enumerate(params):
        others = [g for g in groups if g != param]
        keys = sorted(
            peaks[others].drop_duplicates().itertuples(index=False, name=None),
            key=lambda v: tuple(map(_sortable, v)),
        )
        for k, key in enumerate(keys):
            colour = colormaps["tab10"](k % 10)
            style = STYLES[scenarios.index(key[0]) % len(STYLES)]
            span = float(peaks[param].max() - peaks[param].min()) or 1.0
            dodge = (k - (len(keys) - 1) / 2) * 0.012 * span  # error bars side by side
            mask = np.logical_and.reduce([peaks[c] == v for c, v in zip(others, key, strict=True)])
            counts = peaks[mask].groupby([param, "town"])["run_id"].nunique()
            n = f"n={counts.min()}" if counts.min() == counts.max() else f"n>={counts.min()}"
            text = f"{group_label(key if len(key) > 1 else key[0], others)} ({n} runs per point)"
            for col, town in enumerate(towns):
                ax = axes[row][col]
                part = peaks[mask & (peaks["town"] == town)]
                xs, ys, lo, hi = [], [], [], []
                for x, runs in part.groupby(param, sort=True)[metric]:
                    mean, low, high = t_interval(runs.to_numpy(dtype=float))
                    xs.append(x + dodge)
                    ys.append(mean)
                    lo.append(mean - low)
                    hi.append(high - mean)
                ax.errorbar(
                    xs, ys, yerr=[lo, hi], color=colour, ls=style, marker="o", ms=3, capsize=2
                )
                handles[text] = Line2D([], [], color=colour, ls=style, marker="o", label=text)
                if row == 0:
                    ax.set_title(town, fontsize=9)
                ax.set_xlabel(param.split(".")[-1], fontsize=8)
                ax.tick_params(labelsize=7)
                ax.grid(alpha=0.3)
        axes[row][0].set_ylabel(f"peak {label(metric)}", fontsize=8)
    fig.suptitle(
        f"Peak {label(metric)} of each run against the parameter value: mean of the runs and "
        f"its {CI_LABEL}",
        fontsize=10,
    )
    fig.legend(
        handles=list(handles.values()),
        loc="outside lower center",
        ncol=min(3, len(handles)),
        fontsize=8,
    )
    return fig


def morris_figure(result: dict[str, Any]) -> Figure | None:
    """Morris mu* against sigma per scenario, each parameter a labelled point with its mu* CI.

    The dashed rays sigma/mu* = 0.1, 0.5 and 1 (Garcia Sanchez et al. 2014) part nearly linear
    effects (below 0.1) from monotonic ones and from non-linear or interacting ones (above 1).
    """
    scenarios = [s for s, r in result["by_scenario"].items() if "names" in r]
    if not scenarios:
        return None
    fig, axes = _canvas(1, len(scenarios), width=5.5, height=4.6, sharey=False)
    for ax, scenario in zip(axes[0], scenarios, strict=True):
        res = result["by_scenario"][scenario]
        mu, sigma = np.asarray(res["mu_star"]), np.asarray(res["sigma"])
        conf = np.asarray(res["mu_star_conf"])
        ax.errorbar(mu, sigma, xerr=conf, fmt="o", color="tab:blue", ms=5, capsize=3)
        for name, x, y in zip(res["names"], mu, sigma, strict=True):
            ax.annotate(
                name.split(".")[-1], (x, y), xytext=(4, 3), textcoords="offset points", fontsize=7
            )
        top = float(max(np.max(mu + conf), np.max(sigma), 1e-12)) * 1.15
        for ratio in (0.1, 0.5, 1.0):
            ax.plot([0, top], [0, ratio * top], color="0.6", ls="--", lw=0.8)
            ax.annotate(
                f"sigma/mu* = {ratio:g}",
                (top, min(ratio * top, top)),
                fontsize=6,
                color="0.4",
                ha="right",
                va="bottom",
            )
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(
            f"mu* (mean |elementary effect|) on peak {label(result['metric'])}", fontsize=8
        )
        ax.set_ylabel("sigma (spread of the elementary effects)", fontsize=8)
        ax.set_title(f"{scenario}: Morris screening (error bars: 95% CI of mu*)", fontsize=9)
        ax.grid(alpha=0.3)
    return fig


def save(fig: Figure, path: Path) -> Path:
    """PNG bytes without a software stamp, written atomically (same inputs, same bytes)."""
    sink = io.BytesIO()
    fig.savefig(sink, format="png", dpi=110, metadata={"Software": None})
    _atomic_write(path, sink.getvalue())
    return path


def ranking_figure(table: Sequence[dict[str, Any]], outputs: Sequence[str], title: str) -> Figure:
    """Parameters (rows, in rank order) against outputs (columns): each cell the parameter's Morris
    mu* over the largest mu* of that output, so a dark cell is a leading influence on that output."""
    names = [row["parameter"] for row in table]
    matrix = np.array([[row[o] for o in [*outputs, "mean"]] for row in table], dtype=float)
    fig = Figure(figsize=(1.0 * len(outputs) + 4.8, 0.28 * len(names) + 1.8), dpi=110)
    FigureCanvasAgg(fig)
    fig.set_layout_engine("constrained")
    ax = fig.subplots()
    image = ax.imshow(matrix, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            value = matrix[i, j]
            if np.isfinite(value):
                colour = "white" if value > 0.6 else "black"
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6, color=colour)
    ax.set_xticks(range(len(outputs) + 1), [*outputs, "mean (rank)"], rotation=35, ha="right")
    ax.set_yticks(range(len(names)), [f"{k + 1}. {n}" for k, n in enumerate(names)], fontsize=7)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, label="mu* / largest mu* of the output", shrink=0.6)
    return fig
