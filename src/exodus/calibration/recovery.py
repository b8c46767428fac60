"""Parameter recovery: can the calibration find values it already knows?

Before a fit to real data is believed, it is run against observations the model made itself. At
each of a few known points of the prior box the model runs once (its own seed) and each calibration
target's value in that run becomes the target's "observed" figure: the same targets, places, dates
and aggregates as the real calibration, only the numbers are the model's. The calibration then
fits those synthetic targets with its own settings (priors, particles, rounds, scale) and fresh
seeds, so the noise of the synthetic run is not the noise of the fit's runs, as with real data.

Per parameter it reports coverage (at how many points the known value lies in the 90% posterior
interval), bias (posterior median minus the known value, also as a share of the prior's width, in
log for a log-uniform prior) and sharpness (the interval's width over the prior's 90% width: near
1, the targets say little about that parameter). The known points are a Latin hypercube over the
inner 80% of the prior box: a value at a bound tests the bound more than the fit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import qmc

from exodus.calibration.abc import (
    Box,
    KeepTargets,
    calibration_only,
    fit,
    posterior_summary,
)
from exodus.calibration.spec import CalibrationError, Loaded
from exodus.calibration.targets import Target, model_value
from exodus.sweep.executor import RunOutcome, RunSpec
from exodus.sweep.experiment import apply_point, run_seed

RECOVERY_KEY = 2000
"""Seed-sequence key of recovery's synthetic runs and fits, apart from any ABC round or check."""

INNER = 0.8
"""Share of each prior's latent range the known points are drawn from (centred)."""


@dataclass(frozen=True)
class Recovered:
    """One parameter at one known point: what the fit made of it."""

    point: int
    parameter: str
    truth: float
    median: float
    low: float
    high: float
    covered: bool
    bias: float
    """median - truth, in the parameter's unit."""
    bias_share: float
    """(median - truth) over the prior's width, in latent units (log for a log-uniform prior)."""
    width_share: float
    """The 90% interval's width over the prior's 90% width, in latent units."""
    ess: float


def known_points(loaded: Loaded, n: int, seed: int) -> list[dict[str, Any]]:
    """`n` parameter sets spread over the inner 80% of the prior box (a Latin hypercube)."""
    box = Box.of(loaded.spec, loaded.base)
    unit = qmc.LatinHypercube(d=len(box.names), rng=np.random.default_rng(seed)).random(n)
    span = box.high - box.low
    latent = box.low + span * ((1 - INNER) / 2 + INNER * unit)
    return [box.values(p) for p in latent]


def synthetic_targets(
    targets: Sequence[Target], rows: Sequence[dict], scenario: Any, file: str
) -> list[Target]:
    """The targets with the model's own values as their observed figures."""
    out = []
    for target in targets:
        value = model_value(target, rows, scenario)
        if not (math.isfinite(value) and value > 0):
            raise CalibrationError(
                file,
                f"target {target.id}: the synthetic run gives {value}, which cannot stand for an "
                "observed figure (it must be above 0)",
                key="targets",
            )
        out.append(target.model_copy(update={"observed": float(value)}))
    return out


def _latent(box: Box, i: int, value: float) -> float:
    return math.log(value) if box.log[i] else float(value)


def recover(
    loaded: Loaded,
    targets: Sequence[Target],
    points: Sequence[dict[str, Any]],
    run_all: Callable[..., list[RunOutcome]],
    *,
    log: Callable[[str], None] = lambda text: None,
) -> list[Recovered]:
    """Fit synthetic observations made at each known point; one row per point and parameter.

    `run_all(specs, keep)` runs specs in order (`exodus.calibration.calibrate.execute_with`)."""
    spec, base, file = loaded.spec, loaded.base, loaded.file
    fitting = calibration_only(targets)
    if not fitting:
        raise CalibrationError(file, "the targets table has no calibration targets", key="targets")
    box = Box.of(spec, base)
    keep = KeepTargets.of(fitting)
    out: list[Recovered] = []
    for k, truth in enumerate(points):
        scenario, _ = apply_point(base, truth, file)
        run = RunSpec(f"truth{k:03d}", scenario, run_seed(spec.seed, RECOVERY_KEY, k), {})
        (outcome,) = run_all([run], keep)
        if outcome.status != "ok":
            raise CalibrationError(file, f"the synthetic run of point {k} failed:\n{outcome.error}")
        synthetic = synthetic_targets(fitting, outcome.rows, scenario, file)
        own = spec.model_copy(update={"seed": run_seed(spec.seed, RECOVERY_KEY + 1, k)})
        shown = ", ".join(f"{n}={_show(v)}" for n, v in truth.items())
        log(f"point {k}: {shown}")
        result = fit(own, base, synthetic, lambda specs: run_all(specs, keep), file=file, log=log)
        posterior = result.posterior()
        summary = posterior_summary(box, posterior)
        ess = result.rounds[-1].ess
        for i, name in enumerate(box.names):
            s = summary[name]
            lo_prior, hi_prior = float(box.low[i]), float(box.high[i])
            width = hi_prior - lo_prior
            t = float(truth[name])
            out.append(
                Recovered(
                    point=k,
                    parameter=name,
                    truth=t,
                    median=s["median"],
                    low=s["low"],
                    high=s["high"],
                    covered=bool(s["low"] <= t <= s["high"]),
                    bias=s["median"] - t,
                    bias_share=(_latent(box, i, s["median"]) - _latent(box, i, t)) / width,
                    width_share=(_latent(box, i, s["high"]) - _latent(box, i, s["low"]))
                    / (0.9 * width),
                    ess=ess,
                )
            )
    return out


def _show(value: Any) -> str:
    return str(value) if isinstance(value, int) else f"{value:.4g}"


@dataclass(frozen=True)
class ParameterRecovery:
    """One parameter over all known points."""

    parameter: str
    points: int
    covered: int
    mean_bias_share: float
    mean_abs_bias_share: float
    mean_width_share: float

    @property
    def coverage(self) -> float:
        return self.covered / self.points


def by_parameter(rows: Sequence[Recovered]) -> list[ParameterRecovery]:
    """Coverage, bias and sharpness of each parameter over the known points, in file order."""
    names = list(dict.fromkeys(r.parameter for r in rows))
    out = []
    for name in names:
        mine = [r for r in rows if r.parameter == name]
        out.append(
            ParameterRecovery(
                name,
                len(mine),
                sum(r.covered for r in mine),
                float(np.mean([r.bias_share for r in mine])),
                float(np.mean([abs(r.bias_share) for r in mine])),
                float(np.mean([r.width_share for r in mine])),
            )
        )
    return out


def recovery_csv(rows: Sequence[Recovered]) -> str:
    """One line per known point and parameter."""
    head = "point,parameter,truth,median,low,high,covered,bias,bias_share,width_share,ess"
    lines = [head]
    for r in rows:
        lines.append(
            f"{r.point},{r.parameter},{r.truth:.6g},{r.median:.6g},{r.low:.6g},{r.high:.6g},"
            f"{'true' if r.covered else 'false'},{r.bias:.6g},{r.bias_share:.4f},"
            f"{r.width_share:.4f},{r.ess:.1f}"
        )
    return "\n".join(lines) + "\n"


def recovery_markdown(loaded: Loaded, rows: Sequence[Recovered], wall: float) -> str:
    """The table a modeller reads: coverage, bias and sharpness per parameter, then per point."""
    spec = loaded.spec
    summary = by_parameter(rows)
    points = len({r.point for r in rows})
    runs = points * ((spec.rounds + 1) * spec.particles + 1)
    covered = sum(p.coverage >= 0.8 for p in summary)
    lines = [
        f"# Parameter recovery: {spec.name}",
        "",
        f"{points} known points (a Latin hypercube over the inner {INNER:.0%} of the priors); at "
        f"each, one run made the synthetic observations of the {spec.name} calibration targets and "
        f"ABC fitted them ({spec.particles} particles, {spec.rounds} SMC round(s) after rejection, "
        f"accept {spec.accept:g}, scale {spec.scale:g}, to {spec.end}): {runs} runs in "
        f"{wall:.0f} s.",
        "",
        f"{covered} of {len(summary)} parameters have the known value inside their 90% posterior "
        "interval at 80% or more of the points.",
        "",
        "| parameter | covered (90% interval) | mean bias / prior width | mean abs bias / prior "
        "width | 90% interval / prior's 90% |",
        "|---|---|---:|---:|---:|",
    ]
    for p in summary:
        lines.append(
            f"| `{p.parameter}` | {p.covered} of {p.points} | {p.mean_bias_share:+.3f} | "
            f"{p.mean_abs_bias_share:.3f} | {p.mean_width_share:.2f} |"
        )
    lines += [
        "",
        "Bias and widths are in the prior's latent units (log for a log-uniform prior). An interval "
        "near the prior's own 90% width means the targets barely inform that parameter.",
        "",
        "| point | parameter | known | median | 90% interval | covered |",
        "|---:|---|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.point} | `{r.parameter}` | {r.truth:.4g} | {r.median:.4g} | "
            f"{r.low:.4g}-{r.high:.4g} | {'yes' if r.covered else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def run_recovery(
    loaded: Loaded,
    out_dir: Path,
    run_all: Callable[..., list[RunOutcome]],
    points: int,
    *,
    force: bool = False,
    log: Callable[[str], None] = lambda text: None,
) -> list[Recovered]:
    """Recover `points` known points of a calibration file and write recovery.csv and recovery.md
    into `out_dir`, all at once (a temporary sibling renamed at the end)."""
    import shutil
    import time

    from exodus.calibration.targets import load_targets
    from exodus.files import check_output_dir, staging_dir
    from exodus.outputs import check_target

    check_target(out_dir, force)
    check_output_dir(out_dir)
    started = time.perf_counter()
    targets = load_targets(loaded.targets_path)
    known = known_points(loaded, points, loaded.spec.seed)
    rows = recover(loaded, targets, known, run_all, log=log)
    text = recovery_markdown(loaded, rows, time.perf_counter() - started)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_dir(out_dir)
    try:
        (staging / "recovery.csv").write_text(recovery_csv(rows), encoding="utf-8")
        (staging / "recovery.md").write_text(text, encoding="utf-8")
        check_target(out_dir, force)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return rows
