"""Hold a run (or the replicates of a sweep) against the observed targets and score it.

Three scores, each over one role's targets (calibration and validation apart, never mixed), each
named for what it computes:

- ARD, the averaged relative difference: the mean over targets of |model - observed| / observed.
  This is the per-point form of FLEE's score; FLEE's aggregate form (sum of errors over places
  divided by the sum of observations) would let the largest figures drown the rest, and our
  targets mix persons and tenge, so each target counts once.
- mean absolute log ratio: the mean over targets of |ln(model / observed)|. Symmetric where ARD is
  not (half and double are equally wrong; ARD caps an undershoot at 1 but not an overshoot), and
  blind to the size of the quantity. This is the distance ABC fits with. It is a distance, not a
  proper scoring rule: it judges one number (the median of the replicates), not their spread.
- CRPS / observed, for an ensemble (the replicates of a sweep or of a calibration's check): the
  continuous ranked probability score of the replicates' empirical distribution against the
  observed figure, divided by that figure so that persons and tenge add up, then averaged over
  targets. CRPS is a proper scoring rule: an ensemble scores best, in expectation, by being as
  sharp as it can while still covering what was observed. For a single run it equals ARD.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exodus.calibration.targets import Target, TargetsError, check_places, model_value
from exodus.scenario.schema import Scenario

LOG_FLOOR = 1e-3
"""A model value below this share of the observed one counts as this share: a zero is very
wrong (ln 1000 = 6.9), not infinitely wrong, so one empty run cannot make a mean infinite."""

INTERVAL = (0.05, 0.95)
"""Replicate quantiles shown as the interval of a sweep's model value."""


def relative_error(model: float, observed: float) -> float:
    """|model - observed| / observed; NaN model values stay NaN."""
    return abs(model - observed) / observed


def log_error(model: float, observed: float) -> float:
    """|ln(model / observed)|, with the model value floored at LOG_FLOOR x observed."""
    if math.isnan(model):
        return math.nan
    return abs(math.log(max(model, LOG_FLOOR * observed) / observed))


def ard(pairs: Sequence[tuple[float, float]]) -> float:
    """Averaged relative difference over (model, observed) pairs; NaN if there are none."""
    errors = [relative_error(m, o) for m, o in pairs]
    return math.fsum(errors) / len(errors) if errors else math.nan


def crps_ensemble(values: Sequence[float], observed: float) -> float:
    """CRPS of the empirical distribution of `values` at `observed`, in the target's unit.

    CRPS(F, y) = E|X - y| - E|X - X'| / 2 with X, X' independent draws of F (Gneiting and Raftery
    2007, eq. 20), here for F the ensemble's empirical distribution; NaN values are left out and
    an empty ensemble gives NaN. Computed on the sorted values in O(m log m).
    """
    x = np.sort(np.asarray([v for v in values if not math.isnan(v)], dtype=float))
    m = len(x)
    if m == 0:
        return math.nan
    spread_to_obs = float(np.abs(x - observed).mean())
    # sum over pairs |x_i - x_j| = 2 * sum_i (2i - m + 1) x_i for sorted x (i from 0)
    pairs = float(2.0 * np.dot(2.0 * np.arange(m) - m + 1, x))
    return spread_to_obs - pairs / (2.0 * m * m)


def mean_abs_log_ratio(pairs: Sequence[tuple[float, float]]) -> float:
    """Mean absolute log ratio over (model, observed) pairs; NaN if there are none."""
    errors = [log_error(m, o) for m, o in pairs]
    return math.fsum(errors) / len(errors) if errors else math.nan


@dataclass(frozen=True)
class Row:
    """One target held against the model: a single run, or the median of replicates."""

    target: Target
    model: float
    low: float | None = None
    high: float | None = None
    replicates: int = 1
    crps: float | None = None
    """CRPS of the replicates against the observed figure (target units); None for one run."""

    @property
    def error(self) -> float:
        return self.model - self.target.observed

    @property
    def relative(self) -> float:
        return relative_error(self.model, self.target.observed)

    @property
    def log(self) -> float:
        return log_error(self.model, self.target.observed)


@dataclass(frozen=True)
class Scores:
    """ARD, mean absolute log ratio and (for an ensemble) CRPS / observed of one role's targets."""

    role: str
    n: int
    ard: float
    log_ratio: float
    crps: float = math.nan
    """Mean over targets of CRPS / observed; NaN unless every target has replicates."""
    replicates: int = 1


def score(rows: Sequence[Row], role: str) -> Scores:
    """The scores of the targets of `role` (medians, or ensembles for CRPS, against observed)."""
    chosen = [r for r in rows if r.target.role == role]
    pairs = [(r.model, r.target.observed) for r in chosen]
    crps = math.nan
    if chosen and all(r.crps is not None for r in chosen):
        crps = math.fsum(r.crps / r.target.observed for r in chosen) / len(chosen)  # type: ignore[operator]
    reps = min((r.replicates for r in chosen), default=1)
    return Scores(role, len(pairs), ard(pairs), mean_abs_log_ratio(pairs), crps, reps)


def compare_values(targets: Sequence[Target], values: Sequence[Sequence[float]]) -> list[Row]:
    """Rows from each target's model values (one per replicate): median and 90% interval."""
    rows = []
    for target, reps in zip(targets, values, strict=True):
        finite = sorted(v for v in reps if not math.isnan(v))
        if not finite:
            rows.append(Row(target, math.nan, replicates=0))
        elif len(finite) == 1:
            rows.append(Row(target, finite[0]))
        else:
            low, high = _quantiles(finite, INTERVAL)
            crps = crps_ensemble(finite, target.observed)
            rows.append(Row(target, statistics.median(finite), low, high, len(finite), crps))
    return rows


def _quantiles(values: Sequence[float], qs: Sequence[float]) -> list[float]:
    """Linear-interpolated quantiles of sorted values."""
    out = []
    for q in qs:
        at = q * (len(values) - 1)
        lo = math.floor(at)
        hi = min(lo + 1, len(values) - 1)
        out.append(values[lo] + (values[hi] - values[lo]) * (at - lo))
    return out


def compare_run(
    targets: Sequence[Target], runs: Sequence[tuple[Scenario, Sequence[dict]]], shown: str
) -> list[Row]:
    """Rows for one run, or for replicates of the same scenario: (scenario, timeseries rows) each."""
    if not runs:
        raise TargetsError(f"{shown}: no runs to compare")
    for scenario, _ in runs:
        check_places(targets, scenario, shown)
    values = [[model_value(t, rows, sc) for sc, rows in runs] for t in targets]
    return compare_values(targets, values)


# --- writing and showing ----------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "role",
    "figure",
    "metric",
    "place",
    "start",
    "end",
    "aggregate",
    "unit",
    "observed",
    "model",
    "low",
    "high",
    "replicates",
    "error",
    "relative_error",
    "log_error",
    "crps",
    "source",
    "url",
)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return "nan" if math.isnan(value) else format(value, ".6g")


def comparison_csv(rows: Sequence[Row]) -> str:
    """The comparison as CSV text: a target per line, with the source of its figure."""
    from exodus.evidence import load_observed

    observed = load_observed()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        t = r.target
        figure = observed.get(t.figure, {})
        writer.writerow(
            [
                t.id,
                t.role,
                t.figure,
                t.metric,
                t.place,
                t.start.isoformat(),
                t.end.isoformat(),
                t.aggregate,
                t.unit,
                _fmt(t.observed),
                _fmt(r.model),
                _fmt(r.low),
                _fmt(r.high),
                r.replicates,
                _fmt(r.error),
                _fmt(r.relative),
                _fmt(r.log),
                _fmt(r.crps),
                figure.get("source", ""),
                figure.get("url", ""),
            ]
        )
    return out.getvalue()


def report(rows: Sequence[Row]) -> str:
    """A table per role (calibration, validation, then input checks) and the scores of each.

    Columns are as wide as their widest cell, so a model value with its interval keeps the table
    aligned.
    """
    lines: list[str] = []
    titles = {
        "calibration": "Calibration targets (fitted)",
        "validation": "Validation targets (held out, never fitted)",
        "input": "Input checks (figures the scenario is built from; not scored)",
    }
    ensemble = any(r.crps is not None for r in rows)
    header = ["id", "fig", "what", "observed", "model", "rel.err"] + (
        ["CRPS/obs"] if ensemble else []
    )
    right = [False, False, False, True, True, True, True]
    for role, title in titles.items():
        chosen = [r for r in rows if r.target.role == role]
        if not chosen:
            continue
        table = [header]
        for r in chosen:
            model = _fmt(r.model)
            if r.low is not None and r.high is not None:
                model += f" [{_fmt(r.low)}, {_fmt(r.high)}]"
            cells = [
                r.target.id,
                r.target.figure,
                r.target.describe(),
                _fmt(r.target.observed),
                model,
                f"{r.relative:.3f}",
            ]
            if ensemble:
                cells.append("" if r.crps is None else f"{r.crps / r.target.observed:.3f}")
            table.append(cells)
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        lines.append(title)
        for cells in table:
            lines.append(
                "  "
                + " ".join(
                    c.rjust(w) if right[i] else c.ljust(w)
                    for i, (c, w) in enumerate(zip(cells, widths, strict=True))
                ).rstrip()
            )
        if role != "input":
            lines.append("  " + score_line(score(rows, role)))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def score_line(s: Scores) -> str:
    """`calibration score over 6 targets: ARD 0.318, mean abs log ratio 0.320, ...`."""
    text = (
        f"{s.role} score over {s.n} targets: ARD {s.ard:.3f}, mean abs log ratio {s.log_ratio:.3f}"
    )
    if not math.isnan(s.crps):
        text += f", CRPS/observed {s.crps:.3f} (ensembles of {s.replicates}+ runs)"
    return text


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file whole or not at all (the shared writer: temporary sibling, then rename)."""
    from exodus.files import atomic_write

    atomic_write(path, data if isinstance(data, bytes) else data.encode("utf-8"))
