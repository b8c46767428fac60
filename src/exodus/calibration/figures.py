"""Figures of a comparison (observed points over model curves) and of a calibration (posteriors)."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence

import numpy as np

from exodus.calibration.targets import COUNTRIES, Target
from exodus.scenario.schema import Scenario

ROLE_COLOURS = {"calibration": "tab:blue", "validation": "tab:orange", "input": "tab:gray"}


def target_curve(
    target: Target, rows: Sequence[dict], scenario: Scenario
) -> tuple[list[dt.date], list[float]]:
    """The series a target reads, day by day: cumulative from its start for a sum, else daily.

    Drawn from a week before the target's start (daily values) to its end.
    """
    is_country = target.place in COUNTRIES
    column = "rent_index" if target.metric == "market_rent" else target.metric
    factor = scenario.towns[target.place].rent_1room if target.metric == "market_rent" else 1.0
    per_day: dict[str, float] = {}
    for row in rows:
        if (row["country"] if is_country else row["town"]) == target.place:
            date = str(row["date"])
            per_day[date] = per_day.get(date, 0.0) + float(row[column]) * factor
    dates = sorted(per_day)
    if target.aggregate == "sum" and target.end > target.start:
        first = target.start.isoformat()
        dates = [d for d in dates if d >= first]
        values = list(np.cumsum([per_day[d] for d in dates]))
    else:
        values = [per_day[d] for d in dates]
    return [dt.date.fromisoformat(d) for d in dates], [float(v) for v in values]


BEFORE_COLOUR = "tab:purple"
"""The ensemble a calibration started from: a colour no role uses."""

ROLE_NAMES = {
    "calibration": "calibration target (fitted)",
    "validation": "validation target (held out)",
    "input": "input check (not scored)",
}

Runs = Sequence[tuple[Scenario, Sequence[dict]]]


def comparison_figure(
    targets: Sequence[Target],
    runs: Runs,
    title: str,
    *,
    label: str = "model",
    before: tuple[str, Runs] | None = None,
) -> bytes:
    """One panel per target: the model curve (median and 5-95% band of replicates) and the
    observed figure as a point at the target's end date. A `before` ensemble (the scenario a
    calibration started from) is drawn under it in BEFORE_COLOUR, dashed. The legend names the role
    colours, the point and the bands. PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    n = len(targets)
    cols = min(4, n)
    rows_n = math.ceil(n / cols)
    fig, axes = plt.subplots(rows_n, cols, figsize=(3.6 * cols, 2.8 * rows_n + 1.0), squeeze=False)
    for ax, target in zip(axes.flat, targets, strict=False):
        colour = ROLE_COLOURS[target.role]
        if before is not None:
            _draw_ensemble(ax, target, before[1], colour=BEFORE_COLOUR, ls="--")
        _draw_ensemble(ax, target, runs, colour=colour, ls="-")
        ax.plot([target.end], [target.observed], "o", color="black", ms=6)
        if target.end > target.start and target.aggregate == "mean":
            ax.hlines(target.observed, target.start, target.end, color="black", lw=2)
        cumulative = (
            " (cumulative)" if target.aggregate == "sum" and target.end > target.start else ""
        )
        ax.set_title(
            f"{target.id} {target.figure} {target.role}\n{target.metric} {target.place}{cumulative}",
            fontsize=8,
            color=colour,
        )
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=4))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        ax.set_ylabel(target.unit, fontsize=7)
        ax.set_ylim(bottom=0)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    handles = legend_handles(targets, runs, label=label, before=before)
    fig.legend(handles=handles, loc="lower center", ncol=min(4, len(handles)), fontsize=8)
    fig.suptitle(title, fontsize=10)
    legend_rows = math.ceil(len(handles) / 4)
    fig.tight_layout(rect=(0, 0.035 * legend_rows / max(1, rows_n) + 0.04, 1, 0.96))
    return _png(fig)


def legend_handles(
    targets: Sequence[Target],
    runs: Runs,
    *,
    label: str = "model",
    before: tuple[str, Runs] | None = None,
) -> list:
    """What each colour, line and mark of a comparison figure stands for."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    roles = [r for r in ROLE_COLOURS if any(t.role == r for t in targets)]
    handles: list = [
        Line2D([], [], color=ROLE_COLOURS[r], lw=1.5, label=f"{label}: {ROLE_NAMES[r]}")
        for r in roles
    ]
    if before is not None:
        handles.append(Line2D([], [], color=BEFORE_COLOUR, lw=1.5, ls="--", label=before[0]))
    if len(runs) > 1 or (before is not None and len(before[1]) > 1):
        counts = f"{len(runs)} runs" + (f"; {len(before[1])} before" if before else "")
        handles.append(Patch(color="0.6", alpha=0.35, label=f"5-95% of runs ({counts})"))
    handles.append(
        Line2D(
            [], [], color="black", marker="o", ls="none", label="observed figure (at its end date)"
        )
    )
    if any(t.end > t.start and t.aggregate == "mean" for t in targets):
        handles.append(
            Line2D([], [], color="black", lw=2, label="observed daily mean over its dates")
        )
    return handles


def _draw_ensemble(ax, target: Target, runs: Runs, *, colour: str, ls: str) -> None:
    """The median curve of an ensemble and, for several runs, its 5-95% band."""
    curves = [target_curve(target, rows, scenario) for scenario, rows in runs]
    if not curves:
        return
    dates = curves[0][0]
    length = min(len(c[1]) for c in curves)
    if not length:
        return
    stack = np.array([c[1][:length] for c in curves])
    ax.plot(dates[:length], np.median(stack, axis=0), color=colour, lw=1.5, ls=ls)
    if len(curves) > 1:
        low, high = np.quantile(stack, [0.05, 0.95], axis=0)
        ax.fill_between(dates[:length], low, high, color=colour, alpha=0.2, lw=0)


def posterior_figure(
    names: Sequence[str],
    bounds: Sequence[tuple[float, float]],
    rounds: Sequence[tuple[int, Sequence[dict], np.ndarray]],
    fitted: dict[str, float],
    log_scale: Sequence[bool],
    integer: Sequence[bool],
) -> bytes:
    """One panel per parameter: the accepted values of each round (weighted histograms, the last
    round solid) over the prior range, and the fitted value as a line. PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    n = len(names)
    cols = min(3, n)
    rows_n = math.ceil(n / cols)
    fig, axes = plt.subplots(rows_n, cols, figsize=(4.0 * cols, 3.0 * rows_n), squeeze=False)
    last = rounds[-1][0]
    for ax, name, (low, high), is_log, whole in zip(
        axes.flat, names, bounds, log_scale, integer, strict=False
    ):
        if whole:
            low, high = low - 0.5, high + 0.5
            edges = np.arange(low, high + 0.5)
        else:
            edges = np.geomspace(low, high, 21) if is_log else np.linspace(low, high, 21)
        for r, values, weights in rounds:
            data = np.array([float(v[name]) for v in values])
            final = r == last
            ax.hist(
                data,
                bins=edges,
                weights=weights,
                density=True,
                histtype="stepfilled" if final else "step",
                alpha=0.6 if final else 0.9,
                label=f"round {r}" + (" (posterior)" if final else ""),
            )
        ax.axvline(fitted[name], color="black", lw=1.5, ls="--", label="fitted (median)")
        if is_log:
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0), numticks=6))
            ax.xaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
            ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        if whole:
            ax.xaxis.set_major_locator(ticker.MultipleLocator(1))
        ax.set_xlim(low, high)
        ax.set_title(name, fontsize=9)
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower right", fontsize=7)
    fig.suptitle("Accepted parameter sets per round (x axis: the prior range)", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return _png(fig)


def pairs_figure(
    names: Sequence[str],
    bounds: Sequence[tuple[float, float]],
    posterior: Sequence,
    fitted: dict[str, float],
    log_scale: Sequence[bool],
    integer: Sequence[bool],
) -> bytes:
    """The last round's accepted sets two parameters at a time (a corner plot): weighted histograms
    on the diagonal, points sized by weight below it, the fitted point as a cross; every axis
    spans its prior range, so mass against a bound shows. PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(names)
    w = np.array([p.weight for p in posterior], dtype=float)
    w = w / w.sum() if len(w) else w
    data = {name: np.array([float(p.values[name]) for p in posterior]) for name in names}
    limits = [
        (lo - 0.5, hi + 0.5) if whole else (lo, hi)
        for (lo, hi), whole in zip(bounds, integer, strict=True)
    ]
    size = max(2.2, min(3.0, 9.0 / n))
    fig, axes = plt.subplots(n, n, figsize=(size * n, size * n), squeeze=False)
    for i, yname in enumerate(names):
        for j, xname in enumerate(names):
            ax = axes[i][j]
            if j > i:
                ax.axis("off")
                continue
            low, high = limits[j]
            if j == i:
                if integer[j]:
                    edges = np.arange(low, high + 0.5)
                elif log_scale[j]:
                    edges = np.geomspace(low, high, 16)
                else:
                    edges = np.linspace(low, high, 16)
                ax.hist(data[xname], bins=edges, weights=w, color="tab:blue", alpha=0.7)
                ax.axvline(fitted[xname], color="black", ls="--", lw=1.2)
                ax.set_yticks([])
            else:
                ax.scatter(
                    data[xname], data[yname], s=8 + 400 * w, color="tab:blue", alpha=0.5, lw=0
                )
                ax.plot(fitted[xname], fitted[yname], "x", color="black", ms=8, mew=2)
                ax.set_ylim(*limits[i])
                _scale(ax.yaxis, log_scale[i], integer[i])
                if log_scale[i]:
                    ax.set_yscale("log")
                    _scale(ax.yaxis, True, False)
            ax.set_xlim(low, high)
            if log_scale[j]:
                ax.set_xscale("log")
            _scale(ax.xaxis, log_scale[j], integer[j])
            ax.tick_params(labelsize=7)
            if i == n - 1:
                ax.set_xlabel(xname, fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(yname, fontsize=8)
    fig.suptitle(
        f"Posterior, two parameters at a time ({len(posterior)} accepted sets; point size: "
        "weight; cross and dashed line: fitted median; axes: the prior ranges)",
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return _png(fig)


def _scale(axis, is_log: bool, whole: bool) -> None:
    """Plain tick labels: 0.05, 0.1, 0.2 on a log axis, whole numbers for an integer one."""
    from matplotlib import ticker

    if is_log:
        axis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0), numticks=5))
        axis.set_major_formatter(ticker.FormatStrFormatter("%g"))
        axis.set_minor_formatter(ticker.NullFormatter())
    elif whole:
        axis.set_major_locator(ticker.MultipleLocator(1))


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
