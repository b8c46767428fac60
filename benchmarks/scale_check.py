"""Scale-robustness: do the key outputs of a coarse scale (mean over seeds) agree with a fine
scale (one run) within stated tolerances? A curve should be the model, not the agent weight.

    .venv/bin/python -m benchmarks.scale_check                 # default scale x 8 seeds vs scale 1
    .venv/bin/python -m benchmarks.scale_check --coarse 0.02 --fine 0.1 --seeds 4 --no-append

The test suite runs the same check at a tenth of the size (tests/test_scale_check.py); the full
size appends its table to benchmarks/RESULTS.md. The tolerances are parameters of the check
(`Tolerances`): the model changes as other issues land, and the figures say how much room is left.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

import exodus
from benchmarks.run import append_section
from exodus.scenario.schema import Scenario

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION_BEGIN = "<!-- scale-check:begin -->"
SECTION_END = "<!-- scale-check:end -->"
SECTION_TITLE = (
    "## Scale-robustness: the default scale against scale 1 (`python -m benchmarks.scale_check`)"
)

AFTER_PEAK_DATES = (dt.date(2022, 11, 3), dt.date(2022, 12, 31))
"""Dates at which the rent index is compared with its peak (how far rents have fallen back)."""

OUTPUTS = (
    "peak_rent",
    "peak_day",
    "rent_3nov_over_peak",
    "rent_31dec_over_peak",
    "displaced_share",
    "peak_hostile_share",
    "peak_tension",
)
"""The key outputs per town, in the order of the tables."""


@dataclass(frozen=True)
class Tolerances:
    """Largest allowed difference, per town, between the coarse scale's mean over seeds and the
    fine scale's run. Absolute differences, in each output's own unit."""

    peak_rent: float = 0.10
    """Rent index (1 = the first day); the seed-to-seed spread at scale 0.2 is about 0.03-0.08."""
    peak_day: float = 7.0
    """Days between the dates of the peak: a week, the resolution of the observed rents."""
    rent_3nov_over_peak: float = 0.04
    """Rent on 3 Nov as a share of the peak."""
    rent_31dec_over_peak: float = 0.04
    """Rent on 31 Dec as a share of the peak."""
    displaced_share: float = 0.02
    """Households displaced at some point, as a share of the renter households (two points; over
    seeds at scale 0.2 it spans 0.02-0.04 in the border towns)."""
    peak_hostile_share: float = 0.02
    """Largest share of hostile households (two points)."""
    peak_tension: float = 0.05
    """Largest tension index (0-1)."""


def key_outputs(ts: pd.DataFrame) -> pd.DataFrame:
    """The key outputs of one run, one row per town (towns in the run's order): each town's peak
    rent index and its day, rent on 3 Nov and 31 Dec against the peak (NaN if the run does not
    reach that date), the share of renter households displaced at some point, the peak hostile
    share and the peak tension."""
    rows = {}
    dates = pd.to_datetime(ts["date"]).dt.date
    for town, part in ts.groupby("town", sort=False, observed=True):
        rent = part["rent_index"].to_numpy()
        day = part["day"].to_numpy()
        when = dates[part.index].to_numpy()
        peak = int(np.argmax(rent))
        row = {"peak_rent": rent[peak], "peak_day": float(day[peak])}
        for date, name in zip(AFTER_PEAK_DATES, OUTPUTS[2:4], strict=True):
            hit = np.flatnonzero(when == date)
            row[name] = rent[hit[0]] / rent[peak] if hit.size else np.nan
        renters = part["local_renters"].to_numpy()[0]
        row["displaced_share"] = part["displaced_total"].to_numpy()[-1] / renters
        row["peak_hostile_share"] = part["hostile_share"].max()
        row["peak_tension"] = part["tension_index"].max()
        rows[str(town)] = row
    return pd.DataFrame.from_dict(rows, orient="index")[list(OUTPUTS)]


@dataclass
class ScaleCheck:
    """The outcome: per-seed outputs at the coarse scale, the fine run's, and the differences."""

    coarse_scale: float
    fine_scale: float
    seeds: list[int]
    coarse: dict[int, pd.DataFrame]
    fine: pd.DataFrame
    tolerances: Tolerances
    seconds: dict[str, float]

    @property
    def mean(self) -> pd.DataFrame:
        return sum(self.coarse.values()) / len(self.coarse)

    @property
    def low(self) -> pd.DataFrame:
        return self._stacked().min()

    @property
    def high(self) -> pd.DataFrame:
        return self._stacked().max()

    def _stacked(self):
        stacked = pd.concat(list(self.coarse.values()), keys=list(self.coarse))
        return stacked.groupby(level=1, sort=False)

    @property
    def difference(self) -> pd.DataFrame:
        """Coarse mean minus fine run, per town and output."""
        return self.mean - self.fine

    def failures(self) -> list[str]:
        """Each (town, output) outside its tolerance, as a sentence; empty when the check holds."""
        out = []
        diff = self.difference
        for name, limit in asdict(self.tolerances).items():
            for town, value in diff[name].items():
                if np.isfinite(value) and abs(value) > limit:
                    out.append(
                        f"{town} {name}: mean {self.mean.at[town, name]:.4g} at scale "
                        f"{self.coarse_scale:g} ({len(self.seeds)} seeds) vs "
                        f"{self.fine.at[town, name]:.4g} at scale {self.fine_scale:g}, "
                        f"difference {value:+.4g} beyond {limit:g}"
                    )
        return out

    def seed_rank(self, seed: int) -> pd.Series:
        """Where one seed's peak rent falls among the seeds, per town: 0 the lowest, 1 the highest
        (the middle half is 0.25-0.75)."""
        peaks = pd.DataFrame({s: out["peak_rent"] for s, out in self.coarse.items()})
        below = peaks.lt(peaks[seed], axis=0).sum(axis=1)
        return below / (len(self.seeds) - 1)


def run_check(
    scenario: Scenario,
    coarse_scale: float,
    fine_scale: float,
    seeds: list[int],
    tolerances: Tolerances | None = None,
    fine_seed: int | None = None,
) -> ScaleCheck:
    """Run the scenario at the coarse scale for each seed and once at the fine scale (with
    `fine_seed`, default the scenario's seed) and compare their key outputs."""
    seconds: dict[str, float] = {}
    coarse = {}
    started = time.process_time()
    for seed in seeds:
        run = exodus.run(scenario, {"scale": coarse_scale}, seed=seed)
        coarse[seed] = key_outputs(run.timeseries)
    seconds["coarse_cpu"] = time.process_time() - started
    started = time.process_time()
    fine_run = exodus.run(scenario, {"scale": fine_scale}, seed=fine_seed)
    seconds["fine_cpu"] = time.process_time() - started
    return ScaleCheck(
        coarse_scale=coarse_scale,
        fine_scale=fine_scale,
        seeds=list(seeds),
        coarse=coarse,
        fine=key_outputs(fine_run.timeseries),
        tolerances=tolerances or Tolerances(),
        seconds=seconds,
    )


def report(check: ScaleCheck, scenario: Scenario, load: str) -> str:
    """The Markdown block: per output a table of towns with the coarse mean [range], the fine run,
    the difference and the tolerance; then the failures and where the scenario's seed falls."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    from benchmarks.run import git_commit

    lines = [
        f"### {now}, commit {git_commit()}",
        "",
        f"`{scenario.name}`, scale {check.coarse_scale:g} over seeds "
        f"{', '.join(map(str, check.seeds))} against one run at scale {check.fine_scale:g} "
        f"(seed {scenario.seed}). Load average at start {load}; CPU seconds "
        f"{check.seconds['coarse_cpu']:.1f} for the {len(check.seeds)} coarse runs, "
        f"{check.seconds['fine_cpu']:.1f} for the fine run. Peak day counts from "
        f"{scenario.start.isoformat()}.",
        "",
        "| output | town | scale "
        f"{check.coarse_scale:g}: mean [min, max] | scale {check.fine_scale:g} "
        "| difference | tolerance | within |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    mean, low, high, fine, diff = check.mean, check.low, check.high, check.fine, check.difference
    for f in fields(check.tolerances):
        limit = getattr(check.tolerances, f.name)
        for town in fine.index:
            d = diff.at[town, f.name]
            if not np.isfinite(d):
                continue
            lines.append(
                f"| {f.name} | {town} | {mean.at[town, f.name]:.3f} "
                f"[{low.at[town, f.name]:.3f}, {high.at[town, f.name]:.3f}] "
                f"| {fine.at[town, f.name]:.3f} | {d:+.3f} | {limit:g} "
                f"| {'yes' if abs(d) <= limit else '**no**'} |"
            )
    failures = check.failures()
    lines += ["", f"Outside tolerance: {len(failures)}."]
    lines += [f"- {text}" for text in failures]
    if scenario.seed in check.coarse:
        rank = check.seed_rank(scenario.seed)
        lines += [
            "",
            f"Where the scenario's seed {scenario.seed} falls among the seeds for peak rent "
            "(0 lowest, 1 highest; middle half 0.25-0.75): "
            + ", ".join(f"{town} {value:.2f}" for town, value in rank.items())
            + ".",
        ]
    return "\n".join(lines) + "\n"


def append_results(block: str, path: Path = RESULTS) -> None:
    """Insert the block at the end of this check's section of RESULTS.md, other sections kept."""
    append_section(block, path, SECTION_BEGIN, SECTION_END, SECTION_TITLE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scale_check",
        description=" ".join(__doc__.split("\n\n")[0].split()),
    )
    parser.add_argument(
        "--scenario", default="baseline_2022", help="scenario file or shipped name (baseline_2022)"
    )
    parser.add_argument("--coarse", type=float, default=None, help="default: the scenario's")
    parser.add_argument("--fine", type=float, default=1.0, help="the one fine run's scale (1)")
    parser.add_argument(
        "--seeds", type=int, default=8, help="coarse runs, seeds 1..N-1 and the scenario's"
    )
    parser.add_argument(
        "--no-append", action="store_true", help="print the table; leave benchmarks/RESULTS.md"
    )
    args = parser.parse_args(argv)
    scenario = exodus.load_scenario(args.scenario)
    coarse = args.coarse if args.coarse is not None else scenario.scale
    seeds = [scenario.seed, *range(1, args.seeds)]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    check = run_check(scenario, coarse, args.fine, seeds)
    block = report(check, scenario, load)
    print(block)
    if not args.no_append:
        append_results(block)
        print(f"appended to {RESULTS}", file=sys.stderr)
    return 1 if check.failures() else 0


if __name__ == "__main__":
    raise SystemExit(main())
