"""The numbers users read off a run, one per run, for a sensitivity ranking.

A sweep keeps timeseries columns; a screening needs scalars. Each output here is one number of a
run computed from the columns a sweep kept (its `needs`), over all towns, and is what `exodus
report` ranks parameters by: the peak rent and its day, how far the rent has come back by the last
day, the share of local renters without a home, the peak hostile share and tension, and the
migrants present in Kazakhstan on 29 Nov. An output whose columns the sweep did not keep is
skipped, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

KZ_STOCK_DAY = dt.date(2022, 11, 29)
"""The day of the Kazakh stock output: the last figure users quote for the stock of newcomers."""


@dataclass(frozen=True)
class Output:
    """One scalar of a run: its name, what it means, the columns it reads, how it is computed."""

    name: str
    label: str
    needs: tuple[str, ...]
    compute: Callable[[pd.DataFrame, dict[str, str]], float]
    """(one run's rows, town -> country) -> the number."""


def _peak_row(run: pd.DataFrame) -> pd.Series:
    """The row of the highest rent index of the run (earliest day and first town on ties)."""
    ordered = run.sort_values(["date", "town"], kind="stable")
    return ordered.loc[ordered["rent_index"].idxmax()]


def _peak_rent(run: pd.DataFrame, countries: dict[str, str]) -> float:
    return float(run["rent_index"].max())


def _peak_rent_day(run: pd.DataFrame, countries: dict[str, str]) -> float:
    first = pd.Timestamp(run["date"].min())
    return float((pd.Timestamp(_peak_row(run)["date"]) - first).days)


def _rent_end_over_peak(run: pd.DataFrame, countries: dict[str, str]) -> float:
    peak = _peak_row(run)
    town = run[run["town"] == peak["town"]]
    last = town.loc[town["date"].idxmax(), "rent_index"]
    return float(last / peak["rent_index"])


def _displaced_share(run: pd.DataFrame, countries: dict[str, str]) -> float:
    daily = run.groupby("date")[["displaced_locals", "local_renters"]].sum()
    share = daily["displaced_locals"] / daily["local_renters"].where(daily["local_renters"] > 0)
    return float(share.max()) if share.notna().any() else float("nan")


def _peak_hostile(run: pd.DataFrame, countries: dict[str, str]) -> float:
    return float(run["hostile_share"].max())


def _peak_tension(run: pd.DataFrame, countries: dict[str, str]) -> float:
    return float(run["tension_index"].max())


def _kz_stock(run: pd.DataFrame, countries: dict[str, str]) -> float:
    day = run[pd.to_datetime(run["date"]).dt.date == KZ_STOCK_DAY]
    if day.empty:
        return float("nan")
    kz = day[day["town"].map(countries) == "KZ"]
    return float(kz["migrants_present"].sum())


OUTPUTS: tuple[Output, ...] = (
    Output("peak_rent", "highest rent index of any town on any day", ("rent_index",), _peak_rent),
    Output(
        "peak_rent_day",
        "days from the first simulated day to that peak",
        ("rent_index",),
        _peak_rent_day,
    ),
    Output(
        "rent_end_over_peak",
        "that town's rent index on the last day over its peak (1: no fall back)",
        ("rent_index",),
        _rent_end_over_peak,
    ),
    Output(
        "displaced_share",
        "highest share, over days, of local renters (people, all towns) without a home of their own",
        ("displaced_locals", "local_renters"),
        _displaced_share,
    ),
    Output(
        "peak_hostile_share",
        "highest hostile share of any town on any day",
        ("hostile_share",),
        _peak_hostile,
    ),
    Output(
        "peak_tension",
        "highest tension index of any town on any day",
        ("tension_index",),
        _peak_tension,
    ),
    Output(
        "kz_stock_nov29",
        f"migrants present in the Kazakh towns on {KZ_STOCK_DAY:%d %b %Y} (persons)",
        ("migrants_present",),
        _kz_stock,
    ),
)


def available(metrics: list[str]) -> list[Output]:
    """The outputs a sweep's kept metrics allow."""
    return [o for o in OUTPUTS if all(m in metrics for m in o.needs)]


def countries_of(info: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per scenario name, town -> country, from the resolved scenarios a sweep stored."""
    out: dict[str, dict[str, str]] = {}
    for scenario in info.get("resolved_scenarios", []):
        out[scenario["name"]] = {n: t["country"] for n, t in scenario["towns"].items()}
    return out


def run_values(frame: pd.DataFrame, output: Output, info: dict[str, Any]) -> pd.Series:
    """The output of every run of a sweep's frame, indexed by run_id (sorted)."""
    countries = countries_of(info)
    values = {}
    for run_id, run in frame.groupby("run_id", sort=True):
        scenario = str(run["scenario"].iloc[0]) if "scenario" in run else ""
        values[run_id] = output.compute(run, countries.get(scenario, {}))
    return pd.Series(values, dtype=float).sort_index()


def ranking(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Parameters ranked by their Morris mu* over several outputs, each output's mu* divided by its
    largest (so outputs in persons and in shares weigh alike); the rank is by the mean of those.

    `results` maps output name -> {"names", "mu_star", ...} of one scenario.
    """
    names = next(iter(results.values()))["names"]
    scaled = {}
    for output, res in results.items():
        mu = np.asarray(res["mu_star"], dtype=float)
        top = np.nanmax(mu) if np.isfinite(mu).any() else np.nan
        scaled[output] = mu / top if top and np.isfinite(top) and top > 0 else mu * np.nan
    table = []
    for i, name in enumerate(names):
        row = {o: float(s[i]) for o, s in scaled.items()}
        finite = [v for v in row.values() if np.isfinite(v)]
        table.append(
            {"parameter": name, "mean": float(np.mean(finite)) if finite else float("nan"), **row}
        )
    table.sort(key=lambda r: (-r["mean"] if np.isfinite(r["mean"]) else np.inf, r["parameter"]))
    for rank, row in enumerate(table, 1):
        row["rank"] = rank
    return table


def seed_noise(per_run: pd.Series, runs: pd.DataFrame, levels: int) -> float:
    """The mu* that seed noise alone would give a Morris design with replicates: the mean absolute
    difference of replicates 0 and 1 of each design point over the design's step (in the unit
    cube, levels / (2 (levels - 1))), as if the two points of a step had independent seeds (common
    seeds make the real noise smaller). NaN without two replicates of any point.

    `per_run` is one value per run_id; `runs` holds each run_id's `point` and `replicate`.
    """
    pairs = (
        runs.assign(value=per_run.reindex(runs.index))
        .pivot_table(index="point", columns="replicate", values="value")
        .reindex(columns=[0, 1])
        .dropna()
    )
    if pairs.empty:
        return float("nan")
    step = levels / (2.0 * (levels - 1))
    return float(np.mean(np.abs(pairs[0] - pairs[1])) / step)
