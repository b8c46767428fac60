"""`exodus report`: what a sweep says, with its uncertainty shown.

Every kept metric is reported (the figures are drawn by `exodus.sweep.figures`). Curves are the
mean over runs with two bands, each named in the figure: the 95% confidence interval of the mean
(Student t over runs: where the mean would fall with more replicates) and the 5-95 percentile
range of the runs (where one run falls). Peaks are taken run by run, then summarised, so
the interval of a peak is the interval of a run's peak, not the peak of the mean curve. Morris and
Sobol designs also get SALib's sensitivity indices of each metric's peak.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from exodus.files import UserFileError, atomic_write, check_output_file
from exodus.sweep.store import Store, StoreError, read_results

CI_LABEL = "95% CI of the mean (t)"
PCT_LABEL = "5-95 percentile range of runs"


def load_results(root: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """experiment.json and results.parquet of a sweep directory."""
    info = Store.read_info(root)
    return info, read_results(root)


def group_columns(info: dict[str, Any]) -> list[str]:
    """Curves are drawn per scenario, and per parameter value for a grid design.

    A sampled design (latin, sobol, morris) pools its points: its bands then cover the parameter
    ranges as well as the model's own randomness.
    """
    experiment = info["experiment"]
    if experiment["design"] == "grid":
        return ["scenario", *experiment["parameters"]]
    return ["scenario"]


def group_label(key: Any, columns: list[str]) -> str:
    values = key if isinstance(key, tuple) else (key,)
    parts = [str(values[0])]
    parts += [
        f"{c.split('.')[-1]}={v:g}" if isinstance(v, float) else f"{c.split('.')[-1]}={v}"
        for c, v in zip(columns[1:], values[1:], strict=True)
    ]
    return " ".join(parts)


def t_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and its 95% Student-t interval; the interval is the mean itself for one value."""
    values = values[np.isfinite(values)]
    mean = float(values.mean())
    if len(values) < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))
    return mean, mean - half, mean + half


def bands(frame: pd.DataFrame, groups: list[str], metric: str) -> pd.DataFrame:
    """Per group, town and date: n, mean, 95% t-CI of the mean and 5/95 percentiles over runs."""
    grouped = frame.groupby([*groups, "town", "date"], sort=True, dropna=False)[metric]
    out = grouped.agg(
        n="count",
        mean="mean",
        sd="std",
        p5=lambda s: s.quantile(0.05),
        p95=lambda s: s.quantile(0.95),
    ).reset_index()
    tcrit = stats.t.ppf(0.975, np.maximum(out["n"] - 1, 1))
    half = np.where(out["n"] > 1, tcrit * out["sd"].fillna(0) / np.sqrt(out["n"]), 0.0)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out


def peak_table(frame: pd.DataFrame, groups: list[str], metric: str) -> list[dict[str, Any]]:
    """Per group and town: each run's peak and its date, summarised with intervals."""
    idx = frame.groupby(["run_id", "town"], sort=True)[metric].idxmax()
    peaks = frame.loc[idx.to_numpy(), [*groups, "run_id", "town", "date", metric]]
    rows = []
    for key, part in peaks.groupby([*groups, "town"], sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        mean, low, high = t_interval(part[metric].to_numpy(dtype=float))
        days = part["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        rows.append(
            {
                "group": group_label(key[:-1], groups),
                "town": key[-1],
                "runs": len(part),
                "peak": mean,
                "peak_ci": (low, high),
                "date": _day(np.median(days)),
                "date_range": (_day(np.quantile(days, 0.05)), _day(np.quantile(days, 0.95))),
            }
        )
    return rows


def run_peaks(frame: pd.DataFrame, groups: list[str], metric: str) -> pd.DataFrame:
    """Each run's highest value of `metric` in each town, with the run's group labels."""
    peaks = frame.groupby(["run_id", "town"], sort=True)[metric].max().reset_index()
    labels = frame.drop_duplicates("run_id").set_index("run_id")[groups]
    return peaks.join(labels, on="run_id")


def _day(number: float) -> dt.date:
    """A day number (days since 1970-01-01) as a date, rounded to the nearest day."""
    return dt.date(1970, 1, 1) + dt.timedelta(days=round(float(number)))


def _save(fig: Any, path: Path) -> Path:
    sink = io.BytesIO()
    fig.savefig(sink, format="png", dpi=110, metadata={"Software": None})
    atomic_write(path, sink.getvalue())
    return path


def run_outputs(frame: pd.DataFrame, metric: str) -> pd.Series:
    """A run's scalar output for sensitivity: the peak of `metric` over days, in any town."""
    return frame.groupby("run_id", sort=True)[metric].max()


def sensitivity(info: dict[str, Any], frame: pd.DataFrame, metric: str) -> dict[str, Any] | None:
    """SALib indices of a Morris or Sobol design for one metric's peak; None for other designs.

    Each design point's output is the mean over its replicates. Points with no finished run leave
    the analysis impossible: that is reported, not papered over.
    """
    experiment = info["experiment"]
    design = experiment["design"]
    if design not in ("morris", "sobol"):
        return None
    return design_indices(info, frame, run_outputs(frame, metric), metric)


def design_indices(
    info: dict[str, Any], frame: pd.DataFrame, per_run: pd.Series, metric: str
) -> dict[str, Any]:
    """SALib indices of a Morris or Sobol design for one scalar per run (`per_run`, by run_id)."""
    experiment = info["experiment"]
    design = experiment["design"]
    names = list(experiment["parameters"])
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [
            [experiment["parameters"][n]["low"], experiment["parameters"][n]["high"]] for n in names
        ],
    }
    points = info["design_points"]
    runs = frame.drop_duplicates("run_id").set_index("run_id")
    per_run = per_run.dropna()
    # One scenario at a time: indices of pooled scenarios would mix two questions.
    results = {}
    for scenario in sorted(runs["scenario"].unique()):
        ids = runs.index[runs["scenario"] == scenario]
        y_point = per_run.loc[ids].groupby(runs.loc[ids, "point"]).mean()
        missing = sorted(set(range(len(points))) - set(y_point.index))
        if missing:
            results[scenario] = {"missing_points": missing}
            continue
        x = np.array([[p[n] for n in names] for p in points])
        y = y_point.sort_index().to_numpy(dtype=float)
        seed = int(experiment["seed"]) % 2**32
        if design == "morris":
            from SALib.analyze import morris

            res = morris.analyze(
                problem, x, y, conf_level=0.95, num_levels=experiment["levels"], seed=seed
            )
            table = {
                k: np.asarray(res[k], dtype=float) for k in ("mu_star", "sigma", "mu_star_conf")
            }
        else:
            from SALib.analyze import sobol

            res = sobol.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=seed)
            table = {k: np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        results[scenario] = {"names": names, **table}
    return {"design": design, "metric": metric, "by_scenario": results}


def plot_sensitivity(result: dict[str, Any], path: Path) -> Path | None:
    """Bars of mu* (Morris) or S1 and ST (Sobol) with their 95% confidence intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenarios = [s for s, r in result["by_scenario"].items() if "names" in r]
    if not scenarios:
        return None
    fig, axes = plt.subplots(1, len(scenarios), figsize=(6.5 * len(scenarios), 4.5), squeeze=False)
    for ax, scenario in zip(axes[0], scenarios, strict=True):
        res = result["by_scenario"][scenario]
        names = [n.split(".")[-1] for n in res["names"]]
        pos = np.arange(len(names))
        if result["design"] == "morris":
            ax.barh(pos, res["mu_star"], xerr=res["mu_star_conf"], color="tab:blue", capsize=3)
            ax.set_xlabel(f"mu* of peak {result['metric']} (error bars: 95% bootstrap CI)")
        else:
            ax.barh(pos - 0.2, res["S1"], 0.4, xerr=res["S1_conf"], label="S1", capsize=3)
            ax.barh(pos + 0.2, res["ST"], 0.4, xerr=res["ST_conf"], label="ST", capsize=3)
            ax.set_xlabel(f"Sobol index of peak {result['metric']} (error bars: 95% CI)")
            ax.legend()
        ax.set_yticks(pos, names)
        ax.invert_yaxis()
        ax.set_title(scenario)
        ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def write_report(
    root: Path, *, free_y: bool = False, warn: Callable[[str], None] = lambda text: None
) -> list[Path]:
    """Write report.md and its figures into the sweep directory; return the paths written.

    Every kept metric gets its band figure and peak table; a grid design also gets a response
    figure per metric, a Morris design a mu*-sigma figure. `warn` hears what the bands cannot
    carry (too few runs per curve); report.md says it too.
    """
    from exodus.sweep import figures

    info, frame = load_results(root)
    outputs = [root / "report.md", root / "sensitivity.json"]
    for m in info["experiment"]["metrics"]:
        names = (f"{m}.png", f"response_{m}.png", f"sensitivity_{m}.png", f"morris_{m}.png")
        outputs += [root / name for name in names]
    outputs += [root / "ranking.png", root / "ranking.csv"]
    for output in outputs:  # before any figure is drawn
        try:
            check_output_file(output, option="report")
        except UserFileError as exc:
            raise StoreError(str(exc)) from None
    index = _read_index(root / "index.csv")
    groups = group_columns(info)
    experiment = info["experiment"]
    metrics = [m for m in experiment["metrics"] if m in frame.columns]
    written: list[Path] = []
    lines = [
        f"# Sweep report: {info['name']}",
        "",
        experiment.get("description", "").strip(),
        "",
        f"Design: {experiment['design']}; {info['runs']} runs planned, "
        f"{frame['run_id'].nunique()} finished ok"
        + (f", {int((index['status'] != 'ok').sum())} failed" if index is not None else "")
        + f"; {experiment['replicates']} replicates per scenario and design point; "
        f"master seed {experiment['seed']}.",
        "",
        f"Curves: each line is the mean of its runs (the legend gives how many); dark band: "
        f"{CI_LABEL}; light band, where a panel has at most "
        f"{figures.MAX_PERCENTILE_CURVES} curves: {PCT_LABEL}. "
        + (
            "Colour is the parameter value, line style the scenario"
            if len(groups) > 1
            else "Colour is the scenario"
        )
        + "; towns share one y-axis"
        + (" (here freed: --free-y)" if free_y else "")
        + ". "
        + (
            "Runs of all design points are pooled per scenario, so the bands include the "
            "parameter ranges."
            if groups == ["scenario"] and experiment["parameters"]
            else "The runs of all the posterior's draws are pooled, so the bands hold the fit's "
            "uncertainty as well as the model's randomness."
            if experiment["design"] == "posterior"
            else ""
        ),
        "",
    ]
    warnings: list[str] = []
    for metric in metrics:
        fig, said = figures.band_figure(frame, groups, metric, info, free_y=free_y)
        written.append(figures.save(fig, root / f"{metric}.png"))
        warnings += said
        lines += [f"![{figures.label(metric)}]({metric}.png)", ""]
    for warning in warnings:
        warn(warning)
    if warnings:
        lines += [*(f"> warning: {w}" for w in warnings), ""]
    if experiment["design"] == "grid" and len(groups) > 1:
        for metric in metrics:
            peaks = run_peaks(frame, groups, metric)
            towns = figures.town_order(frame, info)
            fig = figures.response_figure(peaks, groups, metric, towns, free_y=free_y)
            if fig is not None:
                written.append(figures.save(fig, root / f"response_{metric}.png"))
                lines += [f"![response of the peak {metric}](response_{metric}.png)", ""]
    for metric in metrics:
        lines += [
            f"## Peak {metric} per run",
            "",
            f"{figures.label(metric)}. Mean of the runs' peaks with its 95% t interval; the "
            "median date of the runs' peaks with the 5-95 percentile range of those dates.",
            "",
            "| group | town | runs | peak | 95% CI | date | dates 5-95% |",
            "|---|---|---:|---:|---|---|---|",
        ]
        for row in peak_table(frame, groups, metric):
            low, high = row["peak_ci"]
            first, last = row["date_range"]
            lines.append(
                f"| {row['group']} | {row['town']} | {row['runs']} | {_fmt(row['peak'])} | "
                f"{_fmt(low)} to {_fmt(high)} | {row['date']} | {first} to {last} |"
            )
        lines.append("")
    indices = {}
    for metric in metrics:
        result = sensitivity(info, frame, metric)
        if result is None:
            break
        indices[metric] = result
        lines += _sensitivity_lines(result)
        png = plot_sensitivity(result, root / f"sensitivity_{metric}.png")
        if png is not None:
            written.append(png)
            lines += [f"![sensitivity of {metric}]({png.name})", ""]
        if result["design"] == "morris":
            fig = figures.morris_figure(result)
            if fig is not None:
                written.append(figures.save(fig, root / f"morris_{metric}.png"))
                lines += [f"![Morris mu* and sigma of {metric}](morris_{metric}.png)", ""]
    if experiment["design"] == "morris":
        ranked, said, files = _ranking(info, frame, root)
        lines += said
        written += files
        if ranked:
            indices["outputs"] = ranked
    report = root / "report.md"
    atomic_write(report, ("\n".join(lines).rstrip() + "\n").encode("utf-8"))
    if indices:
        data = json.dumps(indices, indent=1, default=lambda a: np.asarray(a).tolist()) + "\n"
        atomic_write(root / "sensitivity.json", data.encode("utf-8"))
        written.append(root / "sensitivity.json")
    return [report, *written]


def _ranking(
    info: dict[str, Any], frame: pd.DataFrame, root: Path
) -> tuple[dict[str, Any], list[str], list[Path]]:
    """The parameters ranked over the outputs users read (`exodus.sweep.outputs`): a table in
    report.md, ranking.csv and a figure, per scenario; nothing if the sweep kept none of their
    columns."""
    from exodus.sweep import figures, outputs

    chosen = outputs.available(list(frame.columns))
    if not chosen:
        return {}, [], []
    per_run = {o.name: outputs.run_values(frame, o, info) for o in chosen}
    results = {o.name: design_indices(info, frame, per_run[o.name], o.name) for o in chosen}
    scenarios = sorted({s for r in results.values() for s in r["by_scenario"]})
    lines = [
        "## Ranking over the outputs users read (Morris mu*)",
        "",
        "Each output is one number per run (below); each design point's value is the mean over its "
        "replicates. Each cell is the parameter's mu* over the largest mu* of that output, so the "
        "outputs weigh alike whatever their unit; parameters are ranked by the mean of those.",
        "",
        *(f"- `{o.name}`: {o.label}" for o in chosen),
        "",
    ]
    ranked: dict[str, Any] = {}
    written: list[Path] = []
    csv_rows = []
    runs = frame.drop_duplicates("run_id").set_index("run_id")
    levels = int(info["experiment"].get("levels") or 4)
    for scenario in scenarios:
        per = {
            name: r["by_scenario"][scenario]
            for name, r in results.items()
            if "names" in r["by_scenario"].get(scenario, {})
        }
        skipped = [name for name in results if name not in per]
        if not per:
            lines += [f"{scenario}: no ranking: design points have no finished run.", ""]
            continue
        table = outputs.ranking(per)
        names = list(per)
        ranked[scenario] = {"outputs": names, "table": table}
        lines += [f"### {scenario}", ""]
        if skipped:
            lines += [f"Left out (a design point lacks the value): {', '.join(skipped)}.", ""]
        lines += [
            "| rank | parameter | mean | " + " | ".join(names) + " |",
            "|---:|---|---:|" + "---:|" * len(names),
        ]
        for row in table:
            cells = " | ".join(_fmt2(row[n]) for n in names)
            lines.append(f"| {row['rank']} | {row['parameter']} | {_fmt2(row['mean'])} | {cells} |")
            csv_rows.append(
                {
                    "scenario": scenario,
                    "rank": row["rank"],
                    "parameter": row["parameter"],
                    "mean": row["mean"],
                    **{n: row[n] for n in names},
                    **{
                        f"{n}_mu_star": float(
                            per[n]["mu_star"][per[n]["names"].index(row["parameter"])]
                        )
                        for n in names
                    },
                }
            )
        if "replicate" in runs and runs["replicate"].nunique() > 1:
            mine = runs[runs["scenario"] == scenario]
            noise = {}
            for o in chosen:
                if o.name in per:
                    top = np.nanmax(np.asarray(per[o.name]["mu_star"], dtype=float))
                    raw = outputs.seed_noise(per_run[o.name], mine, levels)
                    noise[o.name] = raw / top if top > 0 else float("nan")
            cells = " | ".join(_fmt2(noise[n]) for n in names)
            lines += [
                f"| | *seed noise* | | {cells} |",
                "",
                "*Seed noise*: the mu* that the seed alone would give (replicates 0 and 1 of each "
                "point, as if the two ends of a step had independent seeds), over the largest mu* "
                "of the output: a parameter whose cell is not well above it is not told from luck.",
            ]
        lines.append("")
    if ranked:
        first = scenarios[0]
        fig = figures.ranking_figure(
            ranked[first]["table"], ranked[first]["outputs"], f"{first}: Morris ranking"
        )
        written.append(figures.save(fig, root / "ranking.png"))
        lines += ["![parameters ranked over the outputs](ranking.png)", ""]
        text = pd.DataFrame(csv_rows).to_csv(index=False, float_format="%.6g", lineterminator="\n")
        atomic_write(root / "ranking.csv", text.encode("utf-8"))
        written.append(root / "ranking.csv")
    return ranked, lines, written


def _fmt2(x: float) -> str:
    return f"{x:.2f}" if np.isfinite(x) else "-"


def _read_index(path: Path) -> pd.DataFrame | None:
    """index.csv, if the sweep wrote one and it has a status column; a StoreError if damaged."""
    if not path.exists():
        return None
    try:
        index = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path}: damaged ({str(exc).strip()[:200]})") from None
    if "status" not in index.columns:
        raise StoreError(f"{path}: damaged (no status column); rebuild it with --resume")
    return index


def _sensitivity_lines(result: dict[str, Any]) -> list[str]:
    metric, design = result["metric"], result["design"]
    lines = [f"## Sensitivity of the peak {metric} ({design}, SALib)", ""]
    lines.append(
        f"Output of a run: its highest {metric} on any day in any town; each design point's output "
        "is the mean over its replicates. Intervals are 95% bootstrap confidence intervals."
    )
    lines.append("")
    for scenario, res in result["by_scenario"].items():
        if "names" not in res:
            lines += [
                f"{scenario}: no indices: design points {res['missing_points']} have no "
                "finished run (resume the sweep).",
                "",
            ]
            continue
        lines.append(f"### {scenario}")
        lines.append("")
        if design == "morris":
            lines += ["| parameter | mu* | mu* 95% CI half-width | sigma |", "|---|---:|---:|---:|"]
            order = np.argsort(-res["mu_star"])
            lines += [
                f"| {res['names'][i]} | {_fmt(res['mu_star'][i])} | "
                f"{_fmt(res['mu_star_conf'][i])} | {_fmt(res['sigma'][i])} |"
                for i in order
            ]
        else:
            lines += [
                "| parameter | S1 | S1 95% CI half-width | ST | ST 95% CI half-width |",
                "|---|---:|---:|---:|---:|",
            ]
            order = np.argsort(-res["ST"])
            lines += [
                f"| {res['names'][i]} | {_fmt(res['S1'][i])} | {_fmt(res['S1_conf'][i])} | "
                f"{_fmt(res['ST'][i])} | {_fmt(res['ST_conf'][i])} |"
                for i in order
            ]
        lines.append("")
    return lines
